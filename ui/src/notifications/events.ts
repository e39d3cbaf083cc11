// How notification events read on screen, and which a person may choose.

import type { EventKind } from '../bindings/EventKind';

export const EVENT_LABELS: Record<EventKind, string> = {
  run_started: 'Run started',
  run_completed: 'Run completed',
  run_failed: 'Run failed',
  run_aborted: 'Run aborted',
  run_stuck: 'Run stuck',
  run_overrun: 'Taking longer than expected',
  run_missed: 'Run missed',
  run_skipped: 'Run skipped',
  recovery_required: 'Recovery required',
  recovery_resolved: 'Recovery resolved',
  test: 'Test message',
};

/** The events a contact can subscribe to, in the order a run lives them. `test` is sent on request only. */
export const SELECTABLE_EVENTS: readonly EventKind[] = [
  'run_started',
  'run_completed',
  'run_failed',
  'run_aborted',
  'run_stuck',
  'run_overrun',
  'run_missed',
  'run_skipped',
  'recovery_required',
  'recovery_resolved',
];

/** Everything that needs a person: the default for a new contact (no news of runs that went well). */
export const NEEDS_A_PERSON: readonly EventKind[] = [
  'run_failed',
  'run_aborted',
  'run_stuck',
  'run_overrun',
  'run_missed',
  'run_skipped',
  'recovery_required',
  'recovery_resolved',
];

export function isEventKind(value: string): value is EventKind {
  return value in EVENT_LABELS;
}

/** Events in the order of `SELECTABLE_EVENTS`, whatever order they were stored in. */
export function sortEvents(events: readonly EventKind[]): EventKind[] {
  return SELECTABLE_EVENTS.filter((event) => events.includes(event));
}
