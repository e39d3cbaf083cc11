import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';

import { toCommandError } from '../ipc';

interface CommandErrorAlertProps {
  /** What could not be done, e.g. "The contacts could not be loaded". */
  title: string;
  error: unknown;
  /** Offered as "Try again" when the same call may well work a second time. */
  onRetry?: () => void;
  retrying?: boolean;
  /** What to do about it, when the page knows better than the message. */
  hint?: string;
}

/** A failed command in words: what happened, what the core said, and its code for support. */
export function CommandErrorAlert({ title, error, onRetry, retrying = false, hint }: CommandErrorAlertProps) {
  const { code, message } = toCommandError(error);
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertCircle />}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        {hint !== undefined && <Text size="sm">{hint}</Text>}
        <Text size="xs" c="dimmed">
          Error code: {code}
        </Text>
        {onRetry && (
          <Button size="xs" variant="default" onClick={onRetry} loading={retrying}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** The messages of an `invalid_input` error by field name (e.g. `email`), for showing under inputs. */
export function fieldErrors(error: unknown): Record<string, string> {
  const { code, fields } = toCommandError(error);
  if (code !== 'invalid_input') return {};
  const byField: Record<string, string> = {};
  for (const { field, message } of fields) {
    // Several problems with one field read as one sentence after another.
    byField[field] = byField[field] ? `${byField[field]} ${message}` : message;
  }
  return byField;
}
