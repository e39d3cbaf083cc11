import { describe, expect, test } from 'vitest';

import { durationText, elapsedText, untilText } from './time';

const now = new Date('2026-06-01T10:00:00Z');

describe('durations', () => {
  test('read in minutes, then hours and minutes', () => {
    expect(durationText(45)).toBe('45 min');
    expect(durationText(60)).toBe('1 h');
    expect(durationText(65.9)).toBe('1 h 05 min');
    expect(elapsedText('2026-06-01T09:59:30Z', now)).toBe('less than 1 min');
    expect(elapsedText('2026-06-01T09:48:00Z', now)).toBe('12 min');
    // A PC clock slightly behind the core's never shows a negative time.
    expect(elapsedText('2026-06-01T10:01:00Z', now)).toBe('less than 1 min');
  });

  test('times ahead read relative to now', () => {
    expect(untilText('2026-06-01T09:59:00Z', now)).toBe('due now');
    expect(untilText('2026-06-01T10:25:00Z', now)).toBe('in 25 min');
    expect(untilText('2026-06-01T11:30:00Z', now)).toBe('in 1 h 30 min');
    expect(untilText('2026-06-01T12:00:00Z', now)).toBe('in 2 h');
    expect(untilText('2026-06-02T08:00:00Z', now)).toBe('in 22 h');
    expect(untilText('2026-06-04T10:00:00Z', now)).toBe('in 3 days');
  });
});
