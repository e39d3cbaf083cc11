import { Stack, Table, Text, Tooltip } from '@mantine/core';

import type { Schedule } from '../bindings/Schedule';
import { describeRecurrence, formatInstant, methodFileName } from './format';
import { StatusBadge } from './StatusBadge';

function When({ iso, otherwise }: { iso: string | null; otherwise: string }) {
  if (iso === null) {
    return (
      <Text size="sm" c="dimmed">
        {otherwise}
      </Text>
    );
  }
  return (
    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
      {formatInstant(iso)}
    </Text>
  );
}

export function ScheduleTable({ schedules }: { schedules: Schedule[] }) {
  return (
    <Table.ScrollContainer minWidth={880}>
      <Table layout="fixed" verticalSpacing="sm" horizontalSpacing="sm" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            {/* Fixed widths for the short columns; the name takes what is left. */}
            <Table.Th>Name</Table.Th>
            <Table.Th w={125}>Method</Table.Th>
            <Table.Th w={185}>Recurrence</Table.Th>
            <Table.Th w={155}>Next run</Table.Th>
            <Table.Th w={155}>Last run</Table.Th>
            <Table.Th w={165}>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {schedules.map((schedule) => (
            <Table.Tr key={schedule.id}>
              <Table.Td>
                <Stack gap={2}>
                  <Text size="sm" fw={500}>
                    {schedule.name}
                  </Text>
                  {schedule.recovery !== null && (
                    <Text size="xs" c="red.8" lineClamp={2}>
                      {schedule.recovery.note}
                    </Text>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Tooltip label={schedule.methodPath} openDelay={400}>
                  <Text size="sm" span>
                    {methodFileName(schedule.methodPath)}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{describeRecurrence(schedule.recurrence)}</Text>
              </Table.Td>
              <Table.Td>
                <When iso={schedule.nextRun} otherwise="—" />
              </Table.Td>
              <Table.Td>
                <When iso={schedule.lastRun} otherwise="Never" />
              </Table.Td>
              <Table.Td>
                <StatusBadge schedule={schedule} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
