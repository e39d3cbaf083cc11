import { Alert, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';

import type { Schedule } from '../bindings/Schedule';
import { toCommandError } from '../ipc';
import { useResolve } from './queries';

/**
 * Resolving a recovery: the person says what they did and who they are; the schedule then runs
 * again. Both go into the audit log.
 */
export function ResolveModal({ schedule, onClose }: { schedule: Schedule | null; onClose: () => void }) {
  const [note, setNote] = useState('');
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const resolve = useResolve();
  const error = resolve.error ? toCommandError(resolve.error) : null;
  const fieldError = (field: string) => error?.fields.find((f) => f.field === field)?.message;
  const close = () => {
    setNote('');
    setName('');
    setTried(false);
    resolve.reset();
    onClose();
  };
  const submit = () => {
    setTried(true);
    if (!schedule || note.trim() === '' || name.trim() === '') return;
    resolve.mutate({ id: schedule.id, note, name }, { onSuccess: close });
  };
  const unplaced = error?.fields.length === 0 ? error : null;

  return (
    <Modal opened={schedule !== null} onClose={close} title={`Resolve “${schedule?.name ?? ''}”`} size="lg">
      <Stack gap="md">
        <Text size="sm">
          Check the deck first. Once resolved, the schedule is active again and runs at its next time.
        </Text>
        {schedule?.recovery && (
          <Text size="sm" c="dimmed">
            Why it stopped: {schedule.recovery.note}
          </Text>
        )}
        <Textarea
          label="What did you do?"
          placeholder="e.g. cleared the deck, refilled tips, restarted the method by hand"
          rows={3}
          value={note}
          onChange={(e) => { setNote(e.currentTarget.value); }}
          error={(tried && note.trim() === '' ? 'Say what was done, for the next person.' : undefined) ?? fieldError('note')}
          data-autofocus
        />
        <TextInput
          label="Your name"
          value={name}
          onChange={(e) => { setName(e.currentTarget.value); }}
          error={(tried && name.trim() === '' ? 'Give your name: the audit log records who resolved it.' : undefined) ?? fieldError('actor')}
        />
        {unplaced && (
          <Alert color="red" variant="light" title="Not resolved">
            <Text size="sm">{unplaced.message}</Text>
            <Text size="xs" c="dimmed">
              Error code: {unplaced.code}
            </Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={submit} loading={resolve.isPending}>
            Resolve and run again
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
