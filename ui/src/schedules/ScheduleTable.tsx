import { Group, Stack, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { memo, type ReactNode } from 'react';

import type { Schedule } from '../bindings/Schedule';
import { describeRecurrence, formatInstant, methodFileName } from './format';
import { RowActions, type RowActionHandlers } from './RowActions';
import { StatusBadge } from './StatusBadge';
import type { Sort, SortColumn } from './tableOrder';

/** A cell with an instant in local time, or dimmed words when there is none. */
function WhenCell({ iso, otherwise }: { iso: string | null; otherwise: string }) {
  return iso === null ? (
    <Table.Td c="dimmed">{otherwise}</Table.Td>
  ) : (
    // Free to wrap: a date in another year ("Tue 1 Jun 2027, 08:00") is wider than the column
    // and breaks after its comma instead of running into the next column.
    <Table.Td>{formatInstant(iso)}</Table.Td>
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

/**
 * One schedule's row. Memoised: while someone types in the search box or a row action runs, the
 * rows whose schedule, busy state and handlers are unchanged are not drawn again. The cells hold
 * their text directly (the table sets the small font): each Mantine component in 50 rows adds to
 * the time from a key press in the search box to the filtered table.
 */
const ScheduleRow = memo(function ScheduleRow({
  schedule,
  busy,
  ...handlers
}: RowActionHandlers & { schedule: Schedule; busy: boolean }) {
  return (
    <Table.Tr>
      {schedule.recovery === null ? (
        <Table.Td fw={500}>{schedule.name}</Table.Td>
      ) : (
        <Table.Td>
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              {schedule.name}
            </Text>
            <Text size="xs" c="red.8" lineClamp={2}>
              {schedule.recovery.note}
            </Text>
          </Stack>
        </Table.Td>
      )}
      {/* The whole path on hover, as the browser's own tooltip: a Mantine Tooltip in each of 50
          rows took about a fifth of the time the table took to draw. */}
      {/* A long file name breaks inside its column rather than running into the next one. */}
      <Table.Td title={schedule.methodPath} style={{ overflowWrap: 'anywhere' }}>
        {methodFileName(schedule.methodPath)}
      </Table.Td>
      <Table.Td>{describeRecurrence(schedule.recurrence)}</Table.Td>
      <WhenCell iso={schedule.nextRun} otherwise="—" />
      <WhenCell iso={schedule.lastRun} otherwise="Never" />
      <Table.Td>
        <StatusBadge schedule={schedule} />
      </Table.Td>
      <Table.Td>
        <RowActions schedule={schedule} busy={busy} {...handlers} />
      </Table.Td>
    </Table.Tr>
  );
});

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
            <ScheduleRow key={schedule.id} schedule={schedule} busy={busyId === schedule.id} {...handlers} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
