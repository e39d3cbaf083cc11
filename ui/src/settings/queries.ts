import { useQuery } from '@tanstack/react-query';

import { commands } from '../ipc';

/** The settings in force. */
export function useSettings() {
  return useQuery({
    queryKey: ['settings'],
    queryFn: () => commands.getSettings(),
    // Settings change rarely, and not from this window yet; re-read once a minute.
    refetchInterval: 60_000,
  });
}

/** Whether the scheduler runs in this window and whether the keyring works (fixed at start). */
export function useHostStatus() {
  return useQuery({
    queryKey: ['host-status'],
    queryFn: () => commands.getHostStatus(),
    staleTime: Infinity,
  });
}
