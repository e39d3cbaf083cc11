import { Code, EmptyState, Text } from '@mantine/core';
import { IconArchive, IconCalendarPlus } from '@tabler/icons-react';

import type { ScheduleListFilter } from '../bindings/ScheduleListFilter';
import { useSchedules } from './queries';

/** What an empty list says depends on whether there are no schedules at all. */
export function EmptySchedules({ filter }: { filter: ScheduleListFilter }) {
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
        description={
          <>
            <Text inherit>For now, schedules are added from the command line. To see how, run:</Text>
            <Code fz="sm" px="sm" py={6} mt="sm" display="inline-block" c="dark.7">
              deckhand schedules add --help
            </Code>
          </>
        }
      />
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
