// Test data: the dashboard as the core sends it.
import type { Current } from '../bindings/Current';
import type { Dashboard } from '../bindings/Dashboard';
import type { Schedule } from '../bindings/Schedule';
import type { SchedulerState } from '../bindings/SchedulerState';
import { aSchedule } from '../schedules/fixtures';

const MINUTE = 60_000;

export const RUNNING_SCHEDULER: SchedulerState = { paused: false, changedAt: null, changedBy: null };
export const PAUSED_BY_ANN: SchedulerState = { paused: true, changedAt: '2026-06-15T12:05:00Z', changedBy: 'Ann' };

export function aDashboard(
  overrides: Partial<Dashboard> = {},
  overview: Partial<Dashboard['overview']> = {},
): Dashboard {
  return {
    overview: { running: [], waiting: [], needsRecovery: [], upcoming: [], scheduler: RUNNING_SCHEDULER, ...overview },
    foreignRun: null,
    schedulerHere: true,
    ...overrides,
  };
}

/** A run that started `minutesAgo` minutes ago (plus a few seconds, so whole minutes read steadily). */
export function aCurrent(minutesAgo: number, overrides: Partial<Current> = {}): Current {
  return {
    runId: 'run-1',
    scheduleId: 'schedule-1',
    scheduleName: 'Plate prep',
    status: 'running',
    startedAt: new Date(Date.now() - minutesAgo * MINUTE - 5_000).toISOString(),
    expectedMinutes: 45,
    ...overrides,
  };
}

export function aRecovering(overrides: Partial<Schedule> = {}): Schedule {
  return aSchedule({
    id: 'schedule-2',
    name: 'Nightly wash',
    active: false,
    recovery: {
      note: 'The run was aborted by ann. Check the deck, then resolve.',
      actor: 'engine',
      at: '2026-06-01T08:10:00Z',
    },
    ...overrides,
  });
}
