import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { commands } from '../ipc';

/** The dashboard's data; engine events make it stale at once (see ../events.ts). */
export function useDashboard() {
  return useQuery({
    queryKey: ['overview', 'dashboard'],
    queryFn: () => commands.getDashboard(),
    // A safety net for changes made by a scheduler in another program, and the robot check.
    refetchInterval: 15_000,
  });
}

/** Re-reads everything a dashboard action can change. */
function useRefresh() {
  const client = useQueryClient();
  return () =>
    Promise.all(
      [['overview'], ['schedules'], ['history']].map((queryKey) => client.invalidateQueries({ queryKey })),
    );
}

export function useSetPaused() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (paused: boolean) => commands.setSchedulerPaused(paused),
    onSettled: refresh,
  });
}

export function useAbortRun() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (runId: string) => commands.abortRun(runId), onSettled: refresh });
}

export function useResolve() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, note, name }: { id: string; note: string; name: string }) =>
      commands.resolveRecovery(id, note, name),
    onSuccess: refresh,
  });
}
