import { useQuery } from '@tanstack/react-query';

import type { ScheduleListFilter } from '../bindings/ScheduleListFilter';
import { commands } from '../ipc';

export const scheduleKeys = {
  all: ['schedules'] as const,
  list: (filter: ScheduleListFilter) => [...scheduleKeys.all, 'list', filter] as const,
};

/** The schedules behind one filter, cached per filter. */
export function useSchedules(filter: ScheduleListFilter, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: scheduleKeys.list(filter),
    queryFn: () => commands.listSchedules(filter),
    enabled: options.enabled ?? true,
    // Engine events make this stale at once (see events.ts); the slow re-read is a safety
    // net for changes made by a scheduler running in another program.
    refetchInterval: 60_000,
  });
}
