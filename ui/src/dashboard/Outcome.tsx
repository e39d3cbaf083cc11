import { Alert, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck } from '@tabler/icons-react';

import type { CommandError } from '../ipc';

/** The result of the last thing done on the dashboard, shown until the next one or until dismissed. */
export type Outcome = { kind: 'done'; message: string } | { kind: 'failed'; title: string; error: CommandError };

export function OutcomeAlert({ outcome, onDismiss }: { outcome: Outcome; onDismiss: () => void }) {
  const failed = outcome.kind === 'failed';
  return (
    <Alert
      color={failed ? 'red' : 'teal'}
      variant="light"
      title={failed ? outcome.title : undefined}
      icon={failed ? <IconAlertCircle /> : <IconCircleCheck />}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
    >
      {failed ? (
        <Stack gap={4}>
          <Text size="sm">{outcome.error.message}</Text>
          <Text size="xs" c="dimmed">
            Error code: {outcome.error.code}
          </Text>
        </Stack>
      ) : (
        <Text size="sm">{outcome.message}</Text>
      )}
    </Alert>
  );
}
