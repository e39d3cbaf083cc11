import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { commands } from '../ipc';

/** Under `['overview', …]` so engine events (../events.ts) make it stale at once. */
export const DASHBOARD_KEY = ['overview', 'dashboard'] as const;

/** The dashboard's data. */
export function useDashboard() {
  return useQuery({
    queryKey: DASHBOARD_KEY,
    queryFn: () => commands.getDashboard(),
    // Events cover Deckhand's own runs; polling catches a run on the robot that Deckhand did not start
    // and a scheduler in another program, and keeps elapsed times honest.
    refetchInterval: 15_000,
  });
}

/** Re-reads the given query key prefixes once a mutation has landed (or failed: the state may have moved). */
function useInvalidate(prefixes: string[]) {
  const client = useQueryClient();
  return () => Promise.all(prefixes.map((prefix) => client.invalidateQueries({ queryKey: [prefix] })));
}

export function useSetPaused() {
  const invalidate = useInvalidate(['overview']);
  return useMutation({
    mutationFn: (paused: boolean) => commands.setSchedulerPaused(paused),
    onSettled: invalidate,
  });
}

export function useAbortRun() {
  const invalidate = useInvalidate(['overview', 'schedules', 'history']);
  return useMutation({
    mutationFn: (runId: string) => commands.abortRun(runId),
    // Not awaited: the refreshed list drops the run's card, and with it the caller's onSuccess.
    onSettled: () => { void invalidate(); },
  });
}

export interface Resolution {
  scheduleId: string;
  note: string;
  name: string;
}

export function useResolveRecovery() {
  const invalidate = useInvalidate(['overview', 'schedules']);
  return useMutation({
    mutationFn: ({ scheduleId, note, name }: Resolution) => commands.resolveRecovery(scheduleId, note, name),
    onSuccess: invalidate,
  });
}
