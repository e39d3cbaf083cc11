import { Group, Stack, Table, Text, Tooltip, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import type { ReactNode } from 'react';

import type { Schedule } from '../bindings/Schedule';
import { describeRecurrence, formatInstant, methodFileName } from './format';
import { RowActions, type RowActionHandlers } from './RowActions';
import { StatusBadge } from './StatusBadge';
import type { Sort, SortColumn } from './tableOrder';

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

/** A column header that sorts: a real button inside, `aria-sort` on the header cell. */
function SortableTh({
  column,
  sort,
  onSort,
  width,
  children,
}: {
  column: SortColumn;
  sort: Sort;
  onSort: (column: SortColumn) => void;
  width?: number;
  children: ReactNode;
}) {
  const sorted = sort.column === column;
  const Icon = !sorted ? IconSelector : sort.direction === 'ascending' ? IconArrowUp : IconArrowDown;
  return (
    <Table.Th w={width} aria-sort={sorted ? sort.direction : 'none'}>
      <UnstyledButton onClick={() => { onSort(column); }} fw={600} fz="sm">
        <Group gap={4} wrap="nowrap">
          {children}
          <Icon size={14} stroke={1.6} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

export interface ScheduleTableProps extends RowActionHandlers {
  schedules: Schedule[];
  sort: Sort;
  onSort: (column: SortColumn) => void;
  /** The schedule whose row action is under way, to show it loading. */
  busyId: string | null;
}

export function ScheduleTable({ schedules, sort, onSort, busyId, ...handlers }: ScheduleTableProps) {
  return (
    <Table.ScrollContainer minWidth={920}>
      <Table layout="fixed" verticalSpacing="sm" horizontalSpacing="sm" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            {/* Fixed widths for the short columns; the name takes what is left. */}
            <SortableTh column="name" sort={sort} onSort={onSort}>
              Name
            </SortableTh>
            <Table.Th w={125}>Method</Table.Th>
            <Table.Th w={185}>Recurrence</Table.Th>
            <SortableTh column="nextRun" sort={sort} onSort={onSort} width={155}>
              Next run
            </SortableTh>
            <SortableTh column="lastRun" sort={sort} onSort={onSort} width={155}>
              Last run
            </SortableTh>
            <SortableTh column="status" sort={sort} onSort={onSort} width={165}>
              Status
            </SortableTh>
            <Table.Th w={56}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
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
              <Table.Td>
                <RowActions schedule={schedule} busy={busyId === schedule.id} {...handlers} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
