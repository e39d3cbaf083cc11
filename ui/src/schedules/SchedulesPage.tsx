import { Button, CloseButton, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';

import type { Schedule } from '../bindings/Schedule';
import type { ScheduleListFilter } from '../bindings/ScheduleListFilter';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { Pager } from '../components/Pager';
import { ActionOutcome } from './ActionOutcome';
import { DeleteScheduleModal } from './DeleteScheduleModal';
import { EmptySchedules } from './EmptySchedules';
import { displayTimeZone } from './format';
import { useSchedules } from './queries';
import { ScheduleDrawer, type Editing } from './ScheduleDrawer';
import { ScheduleTable } from './ScheduleTable';
import { filterSchedules, sortSchedules, type Sort, type SortColumn } from './tableOrder';
import { useRowActions, type Outcome } from './useRowActions';
import { Loading } from '../components/Loading';

/** Rows per page: a thousand schedules in one table is slow to draw and to read. */
export const SCHEDULES_PAGE_SIZE = 50;

const FILTERS: { value: ScheduleListFilter; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
  { value: 'all', label: 'All' },
];

function isFilter(value: string): value is ScheduleListFilter {
  return FILTERS.some((filter) => filter.value === value);
}

/** The list of schedules, filtered by archive state, searchable and sortable, with every action on a schedule. */
export function SchedulesPage() {
  const [filter, setFilter] = useState<ScheduleListFilter>('active');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>({ column: 'name', direction: 'ascending' });
  const [page, setPage] = useState(0);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const schedules = useSchedules(filter);

  const { act, busyId } = useRowActions({
    latest: (id) => schedules.data?.find((schedule) => schedule.id === id),
    report: setOutcome,
  });

  // The handlers the rows get keep their identity from one render to the next, so a row whose
  // schedule did not change is not drawn again (ScheduleTable memoises rows).
  const toggleSort = useCallback((column: SortColumn) => {
    setPage(0);
    setSort((current) =>
      current.column === column
        ? { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
        : { column, direction: 'ascending' },
    );
  }, []);
  const edit = useCallback((schedule: Schedule) => {
    setEditing({ kind: 'edit', id: schedule.id });
  }, []);
  const create = () => {
    setEditing({ kind: 'create' });
  };
  const done = (message: string) => {
    setOutcome({ kind: 'done', message });
  };

  // The box shows each key at once; the table follows the search at a lower priority, so typing
  // never waits for rows to be drawn, and a key typed meanwhile replaces a table not yet shown.
  const searched = useDeferredValue(search);
  const sorted = useMemo(
    () => (schedules.data === undefined ? [] : sortSchedules(schedules.data, sort)),
    [schedules.data, sort],
  );
  const matching = useMemo(() => filterSchedules(sorted, searched), [sorted, searched]);
  // A page past the end (schedules archived or deleted meanwhile) shows the last one.
  const pages = Math.max(1, Math.ceil(matching.length / SCHEDULES_PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const first = current * SCHEDULES_PAGE_SIZE;
  const shown = useMemo(() => matching.slice(first, first + SCHEDULES_PAGE_SIZE), [matching, first]);

  return (
    <Stack gap="lg" maw={1400}>
      <Group justify="space-between" align="center">
        <Title order={2}>Schedules</Title>
        <Group gap="sm">
          <SegmentedControl
            aria-label="Which schedules to show"
            data={FILTERS}
            value={filter}
            onChange={(value) => {
              if (isFilter(value)) {
                setFilter(value);
                setPage(0);
              }
            }}
          />
          <Button leftSection={<IconPlus size={16} />} onClick={create}>
            New schedule
          </Button>
        </Group>
      </Group>

      {outcome !== null && <ActionOutcome outcome={outcome} onDismiss={() => { setOutcome(null); }} />}

      {schedules.isPending ? (
        <Loading py={80}>Loading schedules…</Loading>
      ) : schedules.isError ? (
        <CommandErrorAlert
          title="The schedules could not be loaded"
          error={schedules.error}
          onRetry={() => void schedules.refetch()}
          retrying={schedules.isFetching}
        />
      ) : schedules.data.length === 0 ? (
        <EmptySchedules filter={filter} onCreate={create} />
      ) : (
        <Stack gap="sm">
          <TextInput
            aria-label="Search schedules"
            placeholder="Search by name or method"
            leftSection={<IconSearch size={16} stroke={1.6} />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(0);
            }}
            rightSection={
              search === '' ? null : (
                <CloseButton
                  size="sm"
                  aria-label="Clear the search"
                  onClick={() => {
                    setSearch('');
                    setPage(0);
                  }}
                />
              )
            }
            maw={360}
          />
          {matching.length === 0 ? (
            <Text c="dimmed" py="lg">
              No schedule&apos;s name or method contains “{searched.trim()}”. Check the spelling, or clear the search.
            </Text>
          ) : (
            <ScheduleTable
              schedules={shown}
              sort={sort}
              onSort={toggleSort}
              busyId={busyId}
              onEdit={edit}
              onAction={act}
              onDelete={setDeleting}
            />
          )}
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
            </Text>
            {matching.length > SCHEDULES_PAGE_SIZE && (
              <Pager
                label={`Showing ${first + 1}–${first + shown.length} of ${matching.length.toLocaleString('en-US')}`}
                canGoBack={current > 0}
                canGoForward={current < pages - 1}
                onBack={() => {
                  setPage(current - 1);
                }}
                onForward={() => {
                  setPage(current + 1);
                }}
              />
            )}
          </Group>
        </Stack>
      )}

      <ScheduleDrawer editing={editing} onClose={() => { setEditing(null); }} onSaved={done} />
      <DeleteScheduleModal schedule={deleting} onClose={() => { setDeleting(null); }} onDeleted={done} />
    </Stack>
  );
}
