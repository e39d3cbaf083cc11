import { Alert, Button, Drawer, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';

import type { Schedule } from '../bindings/Schedule';
import { toCommandError } from '../ipc';
import { formatInstant } from './format';
import { useSchedule } from './queries';
import { ScheduleForm } from './ScheduleForm';

/** What the drawer is open for: a new schedule, or editing one (by id). */
export type Editing = { kind: 'create' } | { kind: 'edit'; id: string } | null;

function savedMessage(saved: Schedule, created: boolean): string {
  const next = saved.nextRun === null ? '' : ` Next run: ${formatInstant(saved.nextRun)}.`;
  const paused = saved.active ? '' : ' It is paused and will not run until you resume it.';
  return `${created ? 'Created' : 'Saved'} “${saved.name}”.${saved.active ? next : paused}`;
}

/** The editor, on the right, for a new schedule or an existing one. */
export function ScheduleDrawer({
  editing,
  onClose,
  onSaved,
}: {
  editing: Editing;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const save = (saved: Schedule, created: boolean) => {
    onSaved(savedMessage(saved, created));
    onClose();
  };
  return (
    <Drawer
      opened={editing !== null}
      onClose={onClose}
      position="right"
      size={560}
      title={editing?.kind === 'edit' ? 'Edit schedule' : 'New schedule'}
      styles={{ title: { fontWeight: 600, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      {editing?.kind === 'create' && <ScheduleForm schedule={null} onSaved={save} onCancel={onClose} />}
      {editing?.kind === 'edit' && <EditSchedule key={editing.id} id={editing.id} onSaved={save} onCancel={onClose} />}
    </Drawer>
  );
}

/**
 * Reads the schedule as it is stored now rather than trusting the list row, so the edit is
 * based on the latest version. The form takes its values once: a refetch does not overwrite edits.
 */
function EditSchedule({
  id,
  onSaved,
  onCancel,
}: {
  id: string;
  onSaved: (saved: Schedule, created: boolean) => void;
  onCancel: () => void;
}) {
  const schedule = useSchedule(id);
  if (schedule.isPending) {
    return (
      <Group gap="sm" py="xl" justify="center">
        <Loader size="sm" />
        <Text c="dimmed">Loading the schedule…</Text>
      </Group>
    );
  }
  if (schedule.isError) {
    const { code, message } = toCommandError(schedule.error);
    return (
      <Alert color="red" variant="light" title="The schedule could not be loaded" icon={<IconAlertCircle />}>
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{message}</Text>
          <Text size="xs" c="dimmed">
            Error code: {code}
          </Text>
          <Group gap="sm">
            <Button size="xs" variant="default" onClick={() => void schedule.refetch()} loading={schedule.isFetching}>
              Try again
            </Button>
            <Button size="xs" variant="subtle" onClick={onCancel}>
              Close
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  return <ScheduleForm schedule={schedule.data} onSaved={onSaved} onCancel={onCancel} />;
}
