import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

import type { Schedule } from '../bindings/Schedule';
import { commands, toCommandError, type CommandError } from '../ipc';
import { formatInstant } from './format';
import { invalidateAfterChange } from './queries';

export type RowAction = 'runNow' | 'skipNext' | 'pause' | 'resume' | 'archive' | 'unarchive';

/** What the last action on the page came to, shown above the table. */
export type Outcome =
  | { kind: 'done'; message: string }
  | { kind: 'failed'; title: string; error: CommandError; retry: (() => void) | null };

async function perform(action: RowAction, schedule: Schedule): Promise<string> {
  const name = `“${schedule.name}”`;
  switch (action) {
    case 'runNow': {
      await commands.runNow(schedule.id);
      // The engine starts a manual run even while the scheduler is paused; say so.
      return `${name} was asked to run now. It starts as soon as the robot is free, even if the scheduler is paused.`;
    }
    case 'skipNext': {
      const run = await commands.skipNext(schedule.id);
      return `Skipped the run of ${name} due ${formatInstant(run.slot)}.`;
    }
    case 'pause':
      await commands.setScheduleActive(schedule.id, false, schedule.updatedAt);
      return `${name} is paused; it will not run until you resume it.`;
    case 'resume': {
      const updated = await commands.setScheduleActive(schedule.id, true, schedule.updatedAt);
      const next = updated.nextRun === null ? '' : ` Next run: ${formatInstant(updated.nextRun)}.`;
      return `${name} is active again.${next}`;
    }
    case 'archive':
      await commands.setScheduleArchived(schedule.id, true);
      return `${name} is archived: it will not run, and it is listed under Archived.`;
    case 'unarchive': {
      const updated = await commands.setScheduleArchived(schedule.id, false);
      return updated.active
        ? `${name} is no longer archived.`
        : `${name} is no longer archived. It is still paused; resume it to let it run.`;
    }
  }
}

const FAILED_TITLE: Record<RowAction, (name: string) => string> = {
  runNow: (name) => `Could not run ${name} now`,
  skipNext: (name) => `Could not skip the next run of ${name}`,
  pause: (name) => `Could not pause ${name}`,
  resume: (name) => `Could not resume ${name}`,
  archive: (name) => `Could not archive ${name}`,
  unarchive: (name) => `Could not unarchive ${name}`,
};

/**
 * The row actions other than edit and delete. `latest` finds a schedule as the list shows it
 * now, so "Try again" uses the current version token rather than the one that was refused.
 */
export function useRowActions({
  latest,
  report,
}: {
  latest: (id: string) => Schedule | undefined;
  report: (outcome: Outcome | null) => void;
}) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: ({ action, schedule }: { action: RowAction; schedule: Schedule }) => perform(action, schedule),
    onMutate: () => { report(null); },
    onSuccess: (message) => { report({ kind: 'done', message }); },
    onError: (error, { action, schedule }) => {
      report({
        kind: 'failed',
        title: FAILED_TITLE[action](`“${schedule.name}”`),
        error: toCommandError(error),
        retry: () => { mutation.mutate({ action, schedule: latest(schedule.id) ?? schedule }); },
      });
    },
    // Also after a failure: a conflict or "not found" means the list is out of date.
    onSettled: () => invalidateAfterChange(client),
  });

  // `mutate` keeps its identity across renders, and so does `act`: the table's rows are memoised on it.
  const { mutate } = mutation;
  const act = useCallback((action: RowAction, schedule: Schedule) => { mutate({ action, schedule }); }, [mutate]);

  return {
    act,
    busyId: mutation.isPending ? mutation.variables.schedule.id : null,
  };
}
