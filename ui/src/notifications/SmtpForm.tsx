import { Alert, Button, Group, NumberInput, Radio, Stack, Text, TextInput } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';

import type { SmtpSettings } from '../bindings/SmtpSettings';
import type { TlsMode } from '../bindings/TlsMode';
import { commands, toCommandError } from '../ipc';
import { CommandErrorAlert, fieldErrors } from '../components/CommandErrorAlert';
import { notificationKeys } from './queries';

const TLS_MODES: { value: TlsMode; label: string; description: string }[] = [
  {
    value: 'starttls',
    label: 'STARTTLS',
    description: 'Connects, then switches to encryption before logging in. Usually port 587.',
  },
  {
    value: 'tls',
    label: 'TLS from the start',
    description: 'Encrypted from the first byte (also called SSL or SMTPS). Usually port 465.',
  },
  {
    value: 'none',
    label: 'None',
    description:
      'Nothing is encrypted, the password included. Only for a relay inside the lab network, usually port 25.',
  },
];

/** What the form starts from when no mail server is set up yet: the most common set-up. */
const NEW_SERVER: SmtpSettings = { host: '', port: 587, tls: 'starttls', username: null, fromAddress: '' };

function isTlsMode(value: string): value is TlsMode {
  return TLS_MODES.some((mode) => mode.value === value);
}

/** The fields this form shows errors under; anything else is shown above the button. */
const FORM_FIELDS = ['host', 'port', 'tls', 'username', 'fromAddress'];

/** The mail server's host, port, encryption, user and sender; `saved` is what the store holds (null: none yet). */
export function SmtpForm({ saved }: { saved: SmtpSettings | null }) {
  const client = useQueryClient();
  const start = saved ?? NEW_SERVER;
  const [host, setHost] = useState(start.host);
  const [port, setPort] = useState<number | string>(start.port);
  const [tls, setTls] = useState<TlsMode>(start.tls);
  const [username, setUsername] = useState(start.username ?? '');
  const [fromAddress, setFromAddress] = useState(start.fromAddress);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (settings: SmtpSettings) => commands.setSmtpSettings(settings),
    onSuccess: (stored) => {
      client.setQueryData(notificationKeys.smtp, stored);
      // A changed server or user can make waiting messages deliverable (or not).
      void client.invalidateQueries({ queryKey: notificationKeys.all });
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
    },
  });

  const edited = (field: string) => {
    save.reset();
    if (errors[field] === undefined) return;
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== field)));
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (host.trim() === '') missing.host = "Give the mail server's host name, e.g. smtp.example.org.";
    if (typeof port !== 'number') missing.port = 'Give the port, e.g. 587.';
    else if (!Number.isInteger(port) || port < 1 || port > 65535) {
      missing.port = `${port} is not a port: give a whole number from 1 to 65535, e.g. 587.`;
    }
    if (fromAddress.trim() === '') missing.fromAddress = 'Give the address messages come from.';
    setErrors(missing);
    if (Object.keys(missing).length > 0 || typeof port !== 'number') return;
    const user = username.trim();
    save.mutate({ host: host.trim(), port, tls, username: user === '' ? null : user, fromAddress: fromAddress.trim() });
  };

  const failure = save.isError ? toCommandError(save.error) : null;
  const elsewhere =
    failure !== null &&
    (failure.code !== 'invalid_input' ||
      failure.fields.length === 0 ||
      failure.fields.some(({ field }) => !FORM_FIELDS.includes(field)));

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md" maw={640}>
        <Group align="flex-start" grow>
          <TextInput
            label="Host"
            description="The mail server's name, without http:// or a port."
            required
            value={host}
            onChange={(event) => {
              setHost(event.currentTarget.value);
              edited('host');
            }}
            error={errors.host}
            style={{ flexGrow: 3 }}
          />
          <NumberInput
            label="Port"
            description="Usually 587, 465 or 25."
            required
            min={1}
            max={65535}
            allowDecimal={false}
            allowNegative={false}
            // Out of range is said, not silently changed into another port on blur.
            clampBehavior="none"
            value={port}
            onChange={(value) => {
              setPort(value);
              edited('port');
            }}
            error={errors.port}
            style={{ flexGrow: 1 }}
          />
        </Group>
        <Radio.Group
          label="Encryption"
          value={tls}
          onChange={(value) => {
            if (isTlsMode(value)) setTls(value);
            edited('tls');
          }}
          error={errors.tls}
        >
          <Stack gap="xs" mt="xs">
            {TLS_MODES.map((mode) => (
              <Radio key={mode.value} value={mode.value} label={mode.label} description={mode.description} />
            ))}
          </Stack>
        </Radio.Group>
        <TextInput
          label="User name"
          description="Leave empty when the server takes mail without logging in."
          value={username}
          onChange={(event) => {
            setUsername(event.currentTarget.value);
            edited('username');
          }}
          error={errors.username}
        />
        <TextInput
          label="From address"
          description="The sender people see, e.g. deckhand@lab.example.org."
          required
          type="email"
          value={fromAddress}
          onChange={(event) => {
            setFromAddress(event.currentTarget.value);
            edited('fromAddress');
          }}
          error={errors.fromAddress}
        />
        {elsewhere && <CommandErrorAlert title="The mail server settings were not saved" error={save.error} />}
        {save.isSuccess && (
          <Alert color="teal" variant="light" icon={<IconCheck size={18} />}>
            <Text size="sm">Mail server settings saved.</Text>
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save mail server
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
