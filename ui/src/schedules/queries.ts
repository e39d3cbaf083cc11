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
    // The engine moves next/last run in the background and the shell does not
    // push schedule events yet; re-read once a minute so the page stays true.
    refetchInterval: 60_000,
  });
}
