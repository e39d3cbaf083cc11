import { describe, expect, test } from 'vitest';

import { durationBetween, formatDuration, RUN_STATUS_LOOK, RUN_STATUSES, traceWords } from './runs';

describe('formatDuration', () => {
  test('says a span the way a person would', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(3 * 60_000 + 20_000)).toBe('3 min 20 s');
    expect(formatDuration(12 * 60_000 + 20_000)).toBe('12 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 5 min');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
    expect(formatDuration(51 * 3_600_000)).toBe('2 d 3 h');
    expect(formatDuration(-5_000), 'clock skew never shows a negative time').toBe('0 s');
  });

  test('durationBetween needs both ends', () => {
    expect(durationBetween('2026-06-16T08:00:00Z', '2026-06-16T08:42:00Z')).toBe('42 min');
    expect(durationBetween('2026-06-16T08:00:00Z', null)).toBeNull();
    expect(durationBetween(null, '2026-06-16T08:00:00Z')).toBeNull();
  });
});

describe('run statuses', () => {
  test('every status has a look, coloured by outcome', () => {
    expect(RUN_STATUSES).toHaveLength(Object.keys(RUN_STATUS_LOOK).length);
    const colors = Object.fromEntries(RUN_STATUSES.map((status) => [status, RUN_STATUS_LOOK[status].color]));
    expect(colors).toEqual({
      pending: 'blue',
      waiting: 'blue',
      running: 'blue',
      completed: 'green',
      failed: 'red',
      aborted: 'red',
      interrupted: 'red',
      stuck: 'orange',
      missed: 'gray',
      skipped: 'gray',
      cancelled: 'gray',
    });
  });
});

describe('traceWords', () => {
  test('drops the time stamp VENUS puts before each line, its SYSTEM source and the trailing semicolon', () => {
    expect(traceWords('2026-06-16 08:42:05> SYSTEM : End method - complete; ')).toBe('End method - complete');
    expect(traceWords('2026-06-16 08:42> Aspirate - error; Liquid not found')).toBe('Aspirate - error; Liquid not found');
    expect(traceWords('2026-06-16 08:42:05> HSLTipCountingLib : Count tips - error;')).toBe(
      'HSLTipCountingLib : Count tips - error',
    );
  });

  test('leaves a line without a time stamp as it is', () => {
    expect(traceWords('Method has been aborted by the user - complete')).toBe(
      'Method has been aborted by the user - complete',
    );
    expect(traceWords('> 2026 was a good year')).toBe('> 2026 was a good year');
  });
});
