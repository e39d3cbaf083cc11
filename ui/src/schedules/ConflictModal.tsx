import { Button, Group, Modal, Stack, Table, Text } from '@mantine/core';

import type { Schedule } from '../bindings/Schedule';
import { describeRecurrence, formatInstant, scheduleStatus, STATUS_LOOK } from './format';

/** Shown when a save was refused because someone saved the schedule after this form was opened. */
export function ConflictModal({
  current,
  onReload,
  onKeepEditing,
}: {
  current: Schedule | null;
  onReload: (current: Schedule) => void;
  onKeepEditing: () => void;
}) {
  return (
    <Modal
      opened={current !== null}
      onClose={onKeepEditing}
      title="Someone else changed this schedule"
      centered
      size="lg"
      // Above the drawer the form lives in.
      zIndex={400}
    >
      {current !== null && (
        <Stack gap="md">
          <Text size="sm">
            Your changes were not saved: the schedule was saved by someone else (or in another window) after you
            opened it. This is how it is now:
          </Text>
          <Table withTableBorder variant="vertical" layout="fixed">
            <Table.Tbody>
              <Row label="Name" value={current.name} />
              <Row label="Method" value={current.methodPath} />
              <Row label="Recurrence" value={describeRecurrence(current.recurrence)} />
              <Row
                label="Active"
                value={current.active ? 'Yes' : `No (${STATUS_LOOK[scheduleStatus(current)].label})`}
              />
              <Row label="Updated at" value={formatInstant(current.updatedAt)} />
            </Table.Tbody>
          </Table>
          <Text size="sm" c="dimmed">
            Reload their version to edit from there (your edits are replaced). Or keep editing to look at or copy your
            changes; saving them will still be refused until you reload their version.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onKeepEditing}>
              Keep editing
            </Button>
            <Button onClick={() => { onReload(current); }}>Reload their version</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <Table.Tr>
      <Table.Th w={130}>{label}</Table.Th>
      <Table.Td style={{ wordBreak: 'break-word' }}>{value}</Table.Td>
    </Table.Tr>
  );
}
