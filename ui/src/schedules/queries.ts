import { useQuery, type QueryClient } from '@tanstack/react-query';

import type { ScheduleListFilter } from '../bindings/ScheduleListFilter';
import { commands } from '../ipc';

export const scheduleKeys = {
  all: ['schedules'] as const,
  list: (filter: ScheduleListFilter) => [...scheduleKeys.all, 'list', filter] as const,
  detail: (id: string) => [...scheduleKeys.all, 'detail', id] as const,
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

/** One schedule as stored now, read afresh each time the editor opens (no cache kept). */
export function useSchedule(id: string | null) {
  return useQuery({
    queryKey: scheduleKeys.detail(id ?? ''),
    queryFn: () => commands.getSchedule(id ?? ''),
    enabled: id !== null,
    gcTime: 0,
  });
}

/**
 * After a person changed a schedule: the lists, the dashboard and history (a skip or run now
 * adds a run) may all show something else now.
 */
export function invalidateAfterChange(client: QueryClient): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey: scheduleKeys.all }),
    client.invalidateQueries({ queryKey: ['history'] }),
    client.invalidateQueries({ queryKey: ['overview'] }),
  ]);
}
