// How a run reads on screen: its status in plain words and what it means, its origin, and
// how long things took.

import type { RunOrigin } from '../bindings/RunOrigin';
import type { RunStatus } from '../bindings/RunStatus';

export interface RunStatusLook {
  label: string;
  /** A Mantine theme colour: green done, red went wrong, orange needs a person, gray did not run, blue under way. */
  color: string;
  /** What the status means for the person reading it. */
  meaning: string;
}

/** Every status, in the order a run moves through them, then the ways it can fail to run. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'pending',
  'waiting',
  'running',
  'completed',
  'failed',
  'aborted',
  'stuck',
  'interrupted',
  'missed',
  'skipped',
  'cancelled',
];

export const RUN_STATUS_LOOK: Record<RunStatus, RunStatusLook> = {
  pending: {
    label: 'Pending',
    color: 'blue',
    meaning: 'The run is due and queued; Deckhand is about to start the method.',
  },
  waiting: {
    label: 'Waiting',
    color: 'blue',
    meaning:
      'The run is due, but the robot is busy or Deckhand is already running as many methods as allowed. ' +
      'It waits in line and starts the moment the robot is free; if it is still waiting at its last try, it is skipped.',
  },
  running: {
    label: 'Running',
    color: 'blue',
    meaning: 'The method is running in VENUS.',
  },
  completed: {
    label: 'Completed',
    color: 'green',
    meaning: 'The method ran to its end with no step error and no abort.',
  },
  failed: {
    label: 'Failed',
    color: 'red',
    meaning: 'The method stopped on a step error, or VENUS could not be started for it.',
  },
  aborted: {
    label: 'Aborted',
    color: 'red',
    meaning: 'The method was aborted, in VENUS or from Deckhand. Check the deck before the schedule runs again.',
  },
  stuck: {
    label: 'Stuck',
    color: 'orange',
    meaning:
      'The trace file stopped growing while VENUS kept running: VENUS is probably showing an error dialog ' +
      'and waiting for someone at the robot.',
  },
  interrupted: {
    label: 'Interrupted',
    color: 'red',
    meaning: 'Deckhand stopped while this run was under way, so how it ended is unknown. Check the deck.',
  },
  missed: {
    label: 'Missed',
    color: 'gray',
    meaning: 'The run was due while Deckhand was not running (closed, or the PC asleep), so it did not run.',
  },
  skipped: {
    label: 'Skipped',
    color: 'gray',
    meaning: 'The robot never became free before the run’s last try, so this run did not happen.',
  },
  cancelled: {
    label: 'Cancelled',
    color: 'gray',
    meaning: 'The run was cancelled before its method started.',
  },
};

export const ORIGIN_LABEL: Record<RunOrigin, string> = {
  schedule: 'Scheduled',
  manual: 'Started by hand (Run now)',
  catch_up: 'Catch-up for a run missed while Deckhand was closed',
};

/** A span of time as a person says it: "45 s", "12 min", "1 h 5 min", "2 d 3 h". */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return minutes < 10 && rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest > 0 ? `${days} d ${rest} h` : `${days} d`;
}

/** The time between two instants, or null when either is missing. */
export function durationBetween(start: string | null, end: string | null): string | null {
  if (start === null || end === null) return null;
  return formatDuration(new Date(end).getTime() - new Date(start).getTime());
}

/** A trace line as the history table shows it: without VENUS's leading time stamp
 * (`2026-06-16 08:42:05> `, the same as the run's times beside it), the `SYSTEM : ` VENUS puts
 * before its own steps, and the trailing `;`, so the words that decided the run fit the column.
 * The run's details show the whole line. */
export function traceWords(line: string): string {
  return line
    .replace(/^\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*>\s*/, '')
    .replace(/^SYSTEM\s*:\s*/, '')
    .replace(/[;\s]+$/, '');
}
