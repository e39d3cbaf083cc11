import { Alert, Button, Center, Group, Loader, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState } from 'react';

import type { ScheduleListFilter } from '../bindings/ScheduleListFilter';
import { toCommandError } from '../ipc';
import { EmptySchedules } from './EmptySchedules';
import { displayTimeZone } from './format';
import { useSchedules } from './queries';
import { ScheduleTable } from './ScheduleTable';

const FILTERS: { value: ScheduleListFilter; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
  { value: 'all', label: 'All' },
];

function isFilter(value: string): value is ScheduleListFilter {
  return FILTERS.some((filter) => filter.value === value);
}

/** The list of schedules, filtered by archive state. */
export function SchedulesPage() {
  const [filter, setFilter] = useState<ScheduleListFilter>('active');
  const schedules = useSchedules(filter);

  return (
    <Stack gap="lg" maw={1400}>
      <Group justify="space-between" align="center">
        <Title order={2}>Schedules</Title>
        <SegmentedControl
          aria-label="Which schedules to show"
          data={FILTERS}
          value={filter}
          onChange={(value) => {
            if (isFilter(value)) setFilter(value);
          }}
        />
      </Group>

      {schedules.isPending ? (
        <Center py={80}>
          <Group gap="sm">
            <Loader size="sm" />
            <Text c="dimmed">Loading schedules…</Text>
          </Group>
        </Center>
      ) : schedules.isError ? (
        <LoadError error={schedules.error} onRetry={() => void schedules.refetch()} retrying={schedules.isFetching} />
      ) : schedules.data.length === 0 ? (
        <EmptySchedules filter={filter} />
      ) : (
        <Stack gap="xs">
          <ScheduleTable schedules={schedules.data} />
          <Text size="sm" c="dimmed">
            Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
          </Text>
        </Stack>
      )}
    </Stack>
  );
}

function LoadError({ error, onRetry, retrying }: { error: unknown; onRetry: () => void; retrying: boolean }) {
  const { code, message } = toCommandError(error);
  return (
    <Alert color="red" variant="light" title="The schedules could not be loaded" icon={<IconAlertCircle />}>
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{message}</Text>
        <Text size="xs" c="dimmed">
          Error code: {code}
        </Text>
        <Button size="xs" variant="default" onClick={onRetry} loading={retrying}>
          Try again
        </Button>
      </Stack>
    </Alert>
  );
}
