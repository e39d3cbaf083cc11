import { Button, Group, Select } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconFilterOff } from '@tabler/icons-react';

import type { RunStatus } from '../bindings/RunStatus';
import { toCommandError } from '../ipc';
import { displayTimeZone } from '../schedules/format';
import { useSchedules } from '../schedules/queries';
import type { DayRange } from './dayRange';
import { RUN_STATUS_LOOK, RUN_STATUSES } from './runs';

/** What the filters hold: a schedule id, a status, and a range of whole local days. */
export interface HistoryFilterValues {
  scheduleId: string | null;
  status: RunStatus | null;
  days: DayRange;
}

export const NO_FILTERS: HistoryFilterValues = { scheduleId: null, status: null, days: [null, null] };

export function hasFilters({ scheduleId, status, days }: HistoryFilterValues): boolean {
  return scheduleId !== null || status !== null || days[0] !== null || days[1] !== null;
}

// Mantine's Select wants a string for every option; this one stands for "no filter".
const ANY = '*';

const STATUS_OPTIONS = [
  { value: ANY, label: 'All statuses' },
  ...RUN_STATUSES.map((status) => ({ value: status, label: RUN_STATUS_LOOK[status].label })),
];

function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}

export function HistoryFilters({
  value,
  onChange,
}: {
  value: HistoryFilterValues;
  onChange: (value: HistoryFilterValues) => void;
}) {
  const schedules = useSchedules('all');
  const scheduleOptions = [
    { value: ANY, label: 'All schedules' },
    ...[...(schedules.data ?? [])]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((schedule) => ({
        value: schedule.id,
        label: schedule.archived ? `${schedule.name} (archived)` : schedule.name,
      })),
  ];

  return (
    <Group align="flex-start" gap="md">
      <Select
        label="Schedule"
        w={260}
        data={scheduleOptions}
        value={value.scheduleId ?? ANY}
        allowDeselect={false}
        searchable
        nothingFoundMessage="No schedule by that name"
        onChange={(picked) => {
          onChange({ ...value, scheduleId: picked === null || picked === ANY ? null : picked });
        }}
        description="Runs of deleted schedules appear under their old names with All schedules."
        error={schedules.isError ? `The schedules could not be loaded: ${toCommandError(schedules.error).message}` : undefined}
      />
      <Select
        label="Status"
        w={220}
        data={STATUS_OPTIONS}
        value={value.status ?? ANY}
        allowDeselect={false}
        onChange={(picked) => {
          onChange({ ...value, status: picked !== null && isRunStatus(picked) ? picked : null });
        }}
      />
      <DatePickerInput
        type="range"
        label="Due between"
        placeholder="Any day"
        description={`Whole days in this PC's time zone (${displayTimeZone()})`}
        w={300}
        valueFormat="D MMM YYYY"
        clearable
        allowSingleDateInRange
        value={value.days}
        onChange={(days) => {
          onChange({ ...value, days });
        }}
      />
      {hasFilters(value) && (
        <Button
          variant="subtle"
          mt={24}
          leftSection={<IconFilterOff size={16} />}
          onClick={() => {
            onChange(NO_FILTERS);
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}
