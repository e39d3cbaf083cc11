import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { Schedule } from '../bindings/Schedule';
import { commands, toCommandError } from '../ipc';
import { invalidateAfterChange } from './queries';

function runsKept(count: number): string {
  return count === 1 ? '1 run kept' : `${count} runs kept`;
}

/** Confirms a delete, saying what becomes of the schedule's history, and does it. */
export function DeleteScheduleModal({
  schedule,
  onClose,
  onDeleted,
}: {
  schedule: Schedule | null;
  onClose: () => void;
  onDeleted: (message: string) => void;
}) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (target: Schedule) => commands.deleteSchedule(target.id),
    onSuccess: (kept, target) => {
      onDeleted(`Deleted; ${runsKept(kept)} in history under the name “${target.name}”.`);
      onClose();
    },
    onSettled: () => invalidateAfterChange(client),
  });

  const close = () => {
    remove.reset();
    onClose();
  };
  const error = remove.error === null ? null : toCommandError(remove.error);

  return (
    <Modal opened={schedule !== null} onClose={close} title="Delete this schedule?" centered size="md">
      {schedule !== null && (
        <Stack gap="md">
          <Text size="sm">
            “{schedule.name}” will be removed and will not run again. Its past runs stay in History under this name.
            This cannot be undone; to stop it for now and keep it, archive it instead.
          </Text>
          {error !== null && (
            <Alert color="red" variant="light" title="The schedule was not deleted">
              <Text size="sm">{error.message}</Text>
              <Text size="xs" c="dimmed" mt={4}>
                Error code: {error.code}
              </Text>
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => { remove.mutate(schedule); }}>
              {error === null ? 'Delete schedule' : 'Try again'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
