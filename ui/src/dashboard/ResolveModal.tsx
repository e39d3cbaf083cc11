import { Alert, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';

import type { Schedule } from '../bindings/Schedule';
import { toCommandError } from '../ipc';
import { fieldErrors } from '../components/CommandErrorAlert';
import { useResolveRecovery } from './queries';

interface ResolveModalProps {
  /** The schedule being resolved; `null` keeps the modal closed. */
  schedule: Schedule | null;
  onClose: () => void;
  onResolved: (schedule: Schedule) => void;
}

/**
 * Resolving a recovery: the person says what they did and who they are (both go into the audit
 * log, for the next person at the robot); the schedule then runs again from its next time.
 */
export function ResolveModal({ schedule, onClose, onResolved }: ResolveModalProps) {
  const [note, setNote] = useState('');
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const resolve = useResolveRecovery();
  // The last schedule shown, so the title and note stay put while the modal fades out.
  const [shown, setShown] = useState(schedule);
  if (schedule !== null && schedule !== shown) setShown(schedule);

  const server = resolve.error === null ? null : toCommandError(resolve.error);
  const byField = fieldErrors(resolve.error);
  // Problems the core could not pin on an input (e.g. the schedule was resolved meanwhile) go in the alert.
  const placed = (field: string) => field === 'note' || field === 'actor';
  const allPlaced =
    server !== null &&
    server.code === 'invalid_input' &&
    server.fields.length > 0 &&
    server.fields.every((f) => placed(f.field));
  const unplaced = server !== null && !allPlaced ? server : null;
  const noteError =
    tried && note.trim() === '' ? 'Say what you did, so the next person knows the state of the deck.' : byField.note;
  const nameError =
    tried && name.trim() === '' ? 'Give your name: the audit log records who resolved it.' : byField.actor;

  const close = () => {
    setNote('');
    setName('');
    setTried(false);
    resolve.reset();
    onClose();
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setTried(true);
    if (schedule === null || note.trim() === '' || name.trim() === '') return;
    resolve.mutate(
      { scheduleId: schedule.id, note: note.trim(), name: name.trim() },
      {
        onSuccess: (resolved) => {
          close();
          onResolved(resolved);
        },
      },
    );
  };
  // An answer from the core is about what was sent; once the text changes it no longer applies.
  const edited = () => {
    if (resolve.isError) resolve.reset();
  };

  return (
    <Modal
      opened={schedule !== null}
      // Closing mid-request would hide its answer; the request is short, so wait for it.
      onClose={resolve.isPending ? () => undefined : close}
      title={`Resolve “${shown?.name ?? ''}”`}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">
            Check the deck first. Once resolved, the schedule is active again and runs at its next planned time.
          </Text>
          {shown?.recovery && (
            <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
              Why it stopped: {shown.recovery.note}
            </Text>
          )}
          <Textarea
            label="What did you do?"
            placeholder="e.g. cleared the deck, refilled tips"
            required
            rows={3}
            value={note}
            onChange={(event) => {
              setNote(event.currentTarget.value);
              edited();
            }}
            error={noteError}
            data-autofocus
          />
          <TextInput
            label="Your name"
            required
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              edited();
            }}
            error={nameError}
            autoComplete="name"
          />
          {unplaced !== null && (
            <Alert color="red" variant="light" title="Not resolved">
              <Text size="sm">{unplaced.message}</Text>
              <Text size="xs" c="dimmed">
                Error code: {unplaced.code}
              </Text>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={resolve.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={resolve.isPending}>
              Resolve and run again
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
