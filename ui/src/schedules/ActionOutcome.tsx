import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck } from '@tabler/icons-react';

import type { Outcome } from './useRowActions';

/** The result of the last change made on the page, until the next one or until dismissed. */
export function ActionOutcome({ outcome, onDismiss }: { outcome: Outcome; onDismiss: () => void }) {
  if (outcome.kind === 'done') {
    return (
      <Alert
        color="teal"
        variant="light"
        icon={<IconCircleCheck />}
        withCloseButton
        closeButtonLabel="Dismiss"
        onClose={onDismiss}
      >
        <Text size="sm">{outcome.message}</Text>
      </Alert>
    );
  }
  const { title, error, retry } = outcome;
  return (
    <Alert
      color="red"
      variant="light"
      title={title}
      icon={<IconAlertCircle />}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
    >
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{error.message}</Text>
        <Text size="xs" c="dimmed">
          Error code: {error.code}
        </Text>
        {retry !== null && (
          <Button size="xs" variant="default" onClick={retry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
