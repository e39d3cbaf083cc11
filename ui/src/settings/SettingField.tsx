import { Alert, Button, Group, NativeSelect, NumberInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import type { AppSettings } from '../bindings/AppSettings';
import type { SettingKey } from '../bindings/SettingKey';
import { commands } from '../ipc';
import { CommandErrorAlert, fieldErrors } from '../components/CommandErrorAlert';

export interface SettingSpec {
  key: SettingKey;
  label: string;
  description: ReactNode;
  input: 'text' | 'number' | 'switch' | 'select';
  /** For a select: the values it offers, each with what a person reads. */
  options?: { value: string; label: string }[];
  /** The setting's value in force, spelled the way `setSetting` takes it. */
  read: (settings: AppSettings) => string;
}

type Change = { kind: 'save'; value: string } | { kind: 'reset' };

/**
 * One setting with its own Save and "Reset to default": each is validated and stored alone, so
 * one bad value never holds back the others.
 */
export function SettingField({ spec, settings }: { spec: SettingSpec; settings: AppSettings }) {
  const client = useQueryClient();
  const current = spec.read(settings);
  // `null` until the person edits; then the field shows what they typed, not the stored value.
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? current;
  const changed = draft !== null && draft !== current;

  const change = useMutation({
    mutationFn: (request: Change) =>
      request.kind === 'save' ? commands.setSetting(spec.key, request.value) : commands.resetSetting(spec.key),
    onSuccess: async (stored) => {
      client.setQueryData(['settings'], stored);
      setDraft(null);
      // Also re-reads the audit log, which now has a line about this change.
      await client.invalidateQueries({ queryKey: ['settings'] });
    },
  });

  const edit = (next: string) => {
    setDraft(next);
    change.reset();
  };

  const fieldError = change.isError ? (fieldErrors(change.error)[spec.key] ?? null) : null;
  const id = `setting-${spec.key}`;

  return (
    <Stack gap={6}>
      {spec.input === 'switch' ? (
        <Switch
          id={id}
          label={spec.label}
          description={spec.description}
          checked={value === 'true'}
          onChange={(event) => {
            edit(event.currentTarget.checked ? 'true' : 'false');
          }}
          error={fieldError}
          size="md"
        />
      ) : spec.input === 'select' ? (
        <NativeSelect
          id={id}
          label={spec.label}
          description={spec.description}
          value={value}
          data={spec.options ?? []}
          onChange={(event) => {
            edit(event.currentTarget.value);
          }}
          error={fieldError}
          maw={560}
        />
      ) : spec.input === 'number' ? (
        <NumberInput
          id={id}
          label={spec.label}
          description={spec.description}
          value={value}
          onChange={(next) => {
            edit(String(next));
          }}
          allowDecimal={false}
          allowNegative={false}
          // The core says which range is allowed; clamping here would hide its message.
          clampBehavior="none"
          error={fieldError}
          maw={240}
        />
      ) : (
        <TextInput
          id={id}
          label={spec.label}
          description={spec.description}
          value={value}
          onChange={(event) => {
            edit(event.currentTarget.value);
          }}
          error={fieldError}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
      )}
      {spec.key === 'simulation' && value === 'true' && <SimulationWarning hxrunPath={settings.hxrunPath} />}
      {change.isError && fieldError === null && (
        <CommandErrorAlert
          title={change.variables.kind === 'save' ? `${spec.label} was not saved` : `${spec.label} was not reset`}
          error={change.error}
        />
      )}
      <Group gap="xs">
        <Button
          size="xs"
          disabled={!changed}
          loading={change.isPending && change.variables.kind === 'save'}
          onClick={() => {
            change.mutate({ kind: 'save', value });
          }}
          aria-label={`Save ${spec.label}`}
        >
          Save
        </Button>
        <Button
          size="xs"
          variant="subtle"
          color="gray"
          loading={change.isPending && change.variables.kind === 'reset'}
          onClick={() => {
            change.mutate({ kind: 'reset' });
          }}
          aria-label={`Reset ${spec.label} to default`}
        >
          Reset to default
        </Button>
        {changed && (
          <Text size="xs" c="dimmed">
            Not saved yet
          </Text>
        )}
        {change.isSuccess && !changed && (
          <Text size="sm" c="teal.8" role="status">
            {change.variables.kind === 'save'
              ? 'Saved'
              : `Back to the default: ${current === '' ? '(empty)' : current}`}
          </Text>
        )}
      </Group>
    </Stack>
  );
}

/**
 * The simulation switch only labels the runs (every screen and email then says "Simulation");
 * which program starts is the HxRun path, so the warning names it rather than promising that
 * the robot stays still.
 */
function SimulationWarning({ hxrunPath }: { hxrunPath: string }) {
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconFlask size={18} />}
      title="Simulation on: runs go to the simulator"
    >
      <Text size="sm">
        With simulation on, runs go to the VENUS simulator and not to the robot, and every screen and email says
        so. Deckhand starts the program in the HxRun path, now <Text span ff="monospace" size="sm">{hxrunPath}</Text>:
        make sure it is the simulator, or the robot will move.
      </Text>
    </Alert>
  );
}
