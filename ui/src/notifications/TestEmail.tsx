import { Alert, Button, Group, List, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';

import type { TestEmailResult } from '../bindings/TestEmailResult';
import { commands, toCommandError } from '../ipc';
import { CommandErrorAlert, fieldErrors } from '../components/CommandErrorAlert';
import { notificationKeys } from './queries';

/** One recipient's outcome in words. */
export function describeTestResult(result: TestEmailResult): string {
  if (result.error !== null) return `not sent: ${result.error}`;
  return result.answer === null ? 'sent' : `sent — the server answered ${result.answer}`;
}

/** Sends a test message now through the saved mail server and shows what the server said. */
export function TestEmail() {
  const client = useQueryClient();
  const [to, setTo] = useState('');

  const send = useMutation({
    mutationFn: (address: string | null) => commands.sendTestEmail(address),
    // Each attempt lands in the notification log.
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.logs }),
  });

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const address = to.trim();
    send.mutate(address === '' ? null : address);
  };

  const toError = send.isError ? (fieldErrors(send.error).to ?? null) : null;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={640}>
        <TextInput
          label="Send to"
          description="Leave empty to send to every contact who gets email."
          type="email"
          value={to}
          onChange={(event) => {
            setTo(event.currentTarget.value);
            send.reset();
          }}
          error={toError}
        />
        <Group>
          <Button type="submit" variant="default" loading={send.isPending}>
            Send test email
          </Button>
        </Group>
        {send.isError && toError === null && (
          <CommandErrorAlert
            title="No test email was sent"
            error={send.error}
            hint={
              toCommandError(send.error).code === 'no_password'
                ? 'Save the password above, then send again.'
                : undefined
            }
          />
        )}
        {send.isSuccess && (
          <Alert
            color={send.data.every((result) => result.error === null) ? 'teal' : 'yellow'}
            variant="light"
            title="Test email"
          >
            <List spacing={4} size="sm" center>
              {send.data.map((result) => (
                <List.Item
                  key={result.to}
                  icon={
                    <ThemeIcon size={18} radius="xl" color={result.error === null ? 'teal' : 'red'} variant="light">
                      {result.error === null ? <IconCheck size={12} /> : <IconX size={12} />}
                    </ThemeIcon>
                  }
                >
                  <Text size="sm" span fw={500}>
                    {result.to}
                  </Text>
                  <Text size="sm" span>
                    {`: ${describeTestResult(result)}`}
                  </Text>
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
      </Stack>
    </form>
  );
}
