// How calendar items (runs and planned slots from the core) become calendar events: a length
// to draw and a colour by outcome.

import type { CalendarItem } from '../bindings/CalendarItem';
import type { RunStatus } from '../bindings/RunStatus';

/** What a block on the calendar stands for, which decides its colour. */
export type Look = 'planned' | 'active' | 'completed' | 'failed' | 'attention' | 'not-run';

export const LOOKS: Record<Look, { label: string; background: string; border: string; text: string }> = {
  planned: { label: 'Planned', background: '#ffffff', border: '#adb5bd', text: '#343a40' },
  active: { label: 'Running or waiting', background: '#1c7ed6', border: '#1864ab', text: '#ffffff' },
  completed: { label: 'Completed', background: '#2f9e44', border: '#2b8a3e', text: '#ffffff' },
  failed: { label: 'Failed, aborted or interrupted', background: '#e03131', border: '#c92a2a', text: '#ffffff' },
  attention: { label: 'Stuck', background: '#f76707', border: '#d9480f', text: '#ffffff' },
  'not-run': { label: 'Missed, skipped or cancelled', background: '#ced4da', border: '#adb5bd', text: '#212529' },
};

export function lookOf(status: RunStatus | null): Look {
  switch (status) {
    case null:
      return 'planned';
    case 'pending':
    case 'waiting':
    case 'running':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
    case 'aborted':
    case 'interrupted':
      return 'failed';
    case 'stuck':
      return 'attention';
    case 'missed':
    case 'skipped':
    case 'cancelled':
      return 'not-run';
  }
}

/** The shortest block drawn, so a one-minute run can still be clicked. */
const MIN_MINUTES = 20;

/** When a block ends: the run's end, else its start plus the expected time, else a minimum. */
export function blockEnd(item: CalendarItem, expectedMinutes: number | null, now: Date = new Date()): Date {
  const start = new Date(item.run?.startedAt ?? item.at);
  let end: Date;
  if (item.run?.endedAt) end = new Date(item.run.endedAt);
  else if (item.run && (item.run.status === 'running' || item.run.status === 'stuck')) end = now;
  else end = new Date(start.getTime() + (expectedMinutes ?? MIN_MINUTES) * 60_000);
  const minimum = new Date(start.getTime() + MIN_MINUTES * 60_000);
  return end > minimum ? end : minimum;
}

export interface CalendarEvent {
  id: string;
  title: string;
  start: Date;
  end: Date;
  backgroundColor: string;
  borderColor: string;
  textColor: string;
  extendedProps: { index: number };
}

/** The calendar's events for `items`; `expected` maps schedule ids to expected minutes. */
export function toEvents(items: CalendarItem[], expected: Map<string, number | null>, now?: Date): CalendarEvent[] {
  return items.map((item, index) => {
    const look = LOOKS[lookOf(item.run?.status ?? null)];
    return {
      id: item.run?.id ?? `${item.scheduleId}@${item.at}`,
      title: item.scheduleDeleted ? `${item.scheduleName} (deleted)` : item.scheduleName,
      start: new Date(item.run?.startedAt ?? item.at),
      end: blockEnd(item, expected.get(item.scheduleId) ?? null, now),
      backgroundColor: look.background,
      borderColor: look.border,
      textColor: look.text,
      extendedProps: { index },
    };
  });
}
