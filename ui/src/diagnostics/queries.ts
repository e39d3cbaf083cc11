import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { commands } from '../ipc';

/**
 * Every check `deckhand doctor` makes, run when the page opens and again on "Check again" (never
 * on a timer: the mail server check may take 5 seconds).
 */
export function useDiagnostics() {
  return useQuery({
    queryKey: ['diagnostics'],
    queryFn: () => commands.runDiagnostics(),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/** Where backups are kept and the backups there, newest first. */
export function useBackups() {
  return useQuery({
    queryKey: ['backups'],
    queryFn: () => commands.listBackups(),
  });
}

/** Makes a backup now; then the list is read again, and the checks run again (one is the last backup). */
export function useBackupNow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => commands.backupNow(),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['diagnostics'] });
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: ['backups'] });
    },
  });
}
