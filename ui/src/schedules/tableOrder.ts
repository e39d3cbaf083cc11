// Searching and sorting the schedule table, kept apart from the markup so the rules are plain.

import type { Schedule } from '../bindings/Schedule';
import { scheduleStatus, type ScheduleStatus } from './format';

export type SortColumn = 'name' | 'nextRun' | 'lastRun' | 'status';
export type SortDirection = 'ascending' | 'descending';
export interface Sort {
  column: SortColumn;
  direction: SortDirection;
}

/** The schedules whose name or method path contains the text, ignoring case, in their order; blank text keeps all. */
export function filterSchedules(schedules: readonly Schedule[], text: string): readonly Schedule[] {
  const needle = text.trim().toLocaleLowerCase();
  if (needle === '') return schedules;
  return schedules.filter(
    (schedule) =>
      schedule.name.toLocaleLowerCase().includes(needle) || schedule.methodPath.toLocaleLowerCase().includes(needle),
  );
}

// What needs a person first, then what runs, then what does not.
const STATUS_RANK: Record<ScheduleStatus, number> = {
  recovery_required: 0,
  active: 1,
  paused: 2,
  archived: 3,
};

// One collator for every comparison: `localeCompare` with options may set up a new one on each
// call, and sorting a thousand schedules makes about ten thousand calls.
const NAMES = new Intl.Collator(undefined, { sensitivity: 'base' });
const byName = (a: Schedule, b: Schedule) => NAMES.compare(a.name, b.name);

function compareInstants(a: string | null, b: string | null, direction: SortDirection): number {
  // A schedule with no next run (or never run) sorts last whichever way the column is turned.
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const order = Date.parse(a) - Date.parse(b);
  return direction === 'ascending' ? order : -order;
}

export function sortSchedules(schedules: readonly Schedule[], sort: Sort): Schedule[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const compare = (a: Schedule, b: Schedule): number => {
    switch (sort.column) {
      case 'name':
        return sign * byName(a, b);
      case 'nextRun':
        return compareInstants(a.nextRun, b.nextRun, sort.direction);
      case 'lastRun':
        return compareInstants(a.lastRun, b.lastRun, sort.direction);
      case 'status':
        return sign * (STATUS_RANK[scheduleStatus(a)] - STATUS_RANK[scheduleStatus(b)]);
    }
  };
  // Ties keep a stable, readable order: by name.
  return [...schedules].sort((a, b) => compare(a, b) || byName(a, b));
}
