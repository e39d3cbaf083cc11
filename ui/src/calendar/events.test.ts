import { describe, expect, test } from 'vitest';

import type { CalendarItem } from '../bindings/CalendarItem';
import type { Run } from '../bindings/Run';
import { blockEnd, lookOf, toEvents } from './events';

const planned: CalendarItem = {
  scheduleId: 's1',
  scheduleName: 'Plate prep',
  at: '2026-06-02T08:00:00Z',
  run: null,
  scheduleDeleted: false,
};

function run(partial: Partial<Run>): Run {
  return {
    id: 'r1',
    scheduleId: 's1',
    slot: '2026-06-01T08:00:00Z',
    origin: 'schedule',
    status: 'completed',
    attempt: 1,
    missedCount: null,
    queuedAt: '2026-06-01T08:00:00Z',
    startedAt: '2026-06-01T08:00:01Z',
    endedAt: '2026-06-01T08:50:00Z',
    commandLine: null,
    pid: null,
    exitCode: 0,
    traceFile: null,
    outcomeDetail: null,
    errorMessage: null,
    deckEvidence: null,
    waitUntil: null,
    ...partial,
  };
}

describe('calendar events', () => {
  test('colours follow the outcome', () => {
    expect(lookOf(null)).toBe('planned');
    expect(lookOf('completed')).toBe('completed');
    expect(lookOf('aborted')).toBe('failed');
    expect(lookOf('stuck')).toBe('attention');
    expect(lookOf('skipped')).toBe('not-run');
    expect(lookOf('waiting')).toBe('active');
  });

  test('a planned slot lasts its expected time, a finished run its real time', () => {
    expect(blockEnd(planned, 45).toISOString()).toBe('2026-06-02T08:45:00.000Z');
    const done: CalendarItem = { ...planned, run: run({}) };
    expect(blockEnd(done, 45).toISOString()).toBe('2026-06-01T08:50:00.000Z');
  });

  test('a one-minute run is still drawn large enough to click', () => {
    const quick: CalendarItem = { ...planned, run: run({ endedAt: '2026-06-01T08:01:00Z' }) };
    expect(blockEnd(quick, null).toISOString()).toBe('2026-06-01T08:20:01.000Z');
  });

  test('deleted schedules keep their name, marked', () => {
    const events = toEvents([{ ...planned, scheduleDeleted: true, run: run({ status: 'failed' }) }], new Map());
    expect(events).toHaveLength(1);
    expect(events[0]?.title).toBe('Plate prep (deleted)');
    expect(events[0]?.backgroundColor).toBe('#e03131');
  });
});
