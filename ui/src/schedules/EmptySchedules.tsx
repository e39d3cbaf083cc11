import { Button, EmptyState } from '@mantine/core';
import { IconArchive, IconCalendarPlus, IconPlus } from '@tabler/icons-react';

import type { ScheduleListFilter } from '../bindings/ScheduleListFilter';
import { useSchedules } from './queries';

/** What an empty list says depends on whether there are no schedules at all. */
export function EmptySchedules({ filter, onCreate }: { filter: ScheduleListFilter; onCreate: () => void }) {
  // "Active" can be empty while archived schedules exist; ask once which it is.
  const all = useSchedules('all', { enabled: filter === 'active' });
  const noneAtAll = filter === 'all' || (filter === 'active' && all.data?.length === 0);

  if (filter === 'active' && all.isPending) return null;

  if (noneAtAll) {
    return (
      <EmptyState
        py={64}
        icon={<IconCalendarPlus size={28} stroke={1.5} />}
        withIndicatorBackground
        title="No schedules yet"
        description="A schedule runs a VENUS method at the times you choose. Start with your first one."
      >
        <EmptyState.Actions>
          <Button leftSection={<IconPlus size={16} />} onClick={onCreate}>
            New schedule
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }

  if (filter === 'archived') {
    return (
      <EmptyState
        py={64}
        icon={<IconArchive size={28} stroke={1.5} />}
        withIndicatorBackground
        title="No archived schedules"
        description="Archived schedules are listed here. An archived schedule does not run."
      />
    );
  }

  return (
    <EmptyState
      py={64}
      icon={<IconArchive size={28} stroke={1.5} />}
      withIndicatorBackground
      title="No active schedules"
      description="Every schedule is archived. Choose Archived or All to see them."
    />
  );
}
