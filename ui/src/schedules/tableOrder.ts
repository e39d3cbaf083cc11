// Searching and sorting the schedule table, kept apart from the markup so the rules are plain.

import type { Schedule } from '../bindings/Schedule';
import { scheduleStatus, type ScheduleStatus } from './format';

export type SortColumn = 'name' | 'nextRun' | 'lastRun' | 'status';
export type SortDirection = 'ascending' | 'descending';
export interface Sort {
  column: SortColumn;
  direction: SortDirection;
}

/** Name or method path contains the text, ignoring case; blank text matches everything. */
export function matchesSearch(schedule: Schedule, text: string): boolean {
  const needle = text.trim().toLocaleLowerCase();
  if (needle === '') return true;
  return (
    schedule.name.toLocaleLowerCase().includes(needle) || schedule.methodPath.toLocaleLowerCase().includes(needle)
  );
}

// What needs a person first, then what runs, then what does not.
const STATUS_RANK: Record<ScheduleStatus, number> = {
  recovery_required: 0,
  active: 1,
  paused: 2,
  archived: 3,
};

const byName = (a: Schedule, b: Schedule) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

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
