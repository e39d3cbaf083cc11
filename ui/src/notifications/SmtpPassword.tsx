import { Alert, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { IconCheck, IconKey } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';

import type { PasswordKept } from '../bindings/PasswordKept';
import type { SmtpSettings } from '../bindings/SmtpSettings';
import { commands } from '../ipc';
import { CommandErrorAlert, fieldErrors } from '../components/CommandErrorAlert';
import { useHostStatus } from '../settings/queries';
import { notificationKeys } from './queries';

/** Where the password went, in words. */
export const PASSWORD_KEPT: Record<PasswordKept, string> = {
  keyring: "Password saved: kept in the system's password store (Credential Manager on Windows).",
  session_only: 'Password saved: kept until Deckhand closes: the keyring is not available.',
};

/**
 * The mail server's password. It never comes back from the core (it lives in the keyring), so
 * the field starts empty every time; saving replaces the one kept.
 */
export function SmtpPassword({ saved }: { saved: SmtpSettings | null }) {
  const client = useQueryClient();
  const host = useHostStatus();
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const user = saved?.username ?? null;

  const save = useMutation({
    mutationFn: (value: string) => commands.setSmtpPassword(value),
    onSuccess: () => {
      setPassword('');
      // Messages that waited for the password go out now.
      void client.invalidateQueries({ queryKey: notificationKeys.pending });
    },
  });

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (password === '') {
      setMissing(true);
      return;
    }
    save.mutate(password);
  };

  const serverError = save.isError ? (fieldErrors(save.error).password ?? null) : null;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={640}>
        {host.data && !host.data.keyringWorks && (
          <Alert color="gray" variant="light" icon={<IconKey size={18} />} title="The keyring is not available">
            <Text size="sm">
              The system&apos;s password store (Credential Manager on Windows) cannot keep the password here (
              {host.data.keyringProblem}). A password you save is kept until Deckhand closes; enter it again after
              each start.
            </Text>
          </Alert>
        )}
        <PasswordInput
          label="Password"
          description={
            user === null
              ? 'Save a user name above first: a server without a user name takes no password.'
              : `The password of ${user} on ${saved?.host ?? 'the mail server'}. It is never shown again once saved.`
          }
          disabled={user === null}
          value={password}
          onChange={(event) => {
            setPassword(event.currentTarget.value);
            setMissing(false);
            save.reset();
          }}
          error={missing ? 'Type the password first.' : serverError}
          autoComplete="new-password"
        />
        {save.isError && serverError === null && (
          <CommandErrorAlert title="The password was not saved" error={save.error} />
        )}
        {save.isSuccess && (
          <Alert color="teal" variant="light" icon={<IconCheck size={18} />}>
            <Text size="sm">{PASSWORD_KEPT[save.data]}</Text>
          </Alert>
        )}
        <Group>
          <Button type="submit" variant="default" disabled={user === null} loading={save.isPending}>
            Save password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
