import { describe, expect, test, vi } from 'vitest';

import { dayRangeToInstants, nextDay, startOfLocalDay } from './dayRange';

/** The wall clock of an instant in a zone, to check the helper against the zone data itself. */
function wallClock(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

describe('startOfLocalDay', () => {
  test('is local midnight, in summer and in winter', () => {
    expect(startOfLocalDay('2026-06-16', 'Europe/Berlin')).toBe('2026-06-15T22:00:00.000Z');
    expect(startOfLocalDay('2026-01-16', 'Europe/Berlin')).toBe('2026-01-15T23:00:00.000Z');
    expect(startOfLocalDay('2026-06-16', 'America/New_York')).toBe('2026-06-16T04:00:00.000Z');
    expect(startOfLocalDay('2026-06-16', 'Asia/Kolkata')).toBe('2026-06-15T18:30:00.000Z');
    expect(startOfLocalDay('2026-06-16', 'UTC')).toBe('2026-06-16T00:00:00.000Z');
  });

  test('on the day the clocks change later in the night, the day still starts at midnight', () => {
    // Berlin springs forward at 02:00 on 29 March 2026: midnight still has the winter offset.
    expect(startOfLocalDay('2026-03-29', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDay('2026-03-30', 'Europe/Berlin')).toBe('2026-03-29T22:00:00.000Z');
  });

  test('when the clocks skip midnight, the day starts where they land', () => {
    // Chile springs forward at midnight on 6 September 2026: 00:00 becomes 01:00.
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(start).toBe('2026-09-06T04:00:00.000Z');
    expect(wallClock(start, 'America/Santiago')).toBe('2026-09-06 01:00');
    expect(wallClock('2026-09-06T03:59:00.000Z', 'America/Santiago')).toBe('2026-09-05 23:59');
  });

  test('when midnight happens twice, the day starts at the first one', () => {
    // Cuba falls back from 01:00 to 00:00 on 1 November 2026.
    const start = startOfLocalDay('2026-11-01', 'America/Havana');
    expect(start).toBe('2026-11-01T04:00:00.000Z');
    expect(wallClock(start, 'America/Havana')).toBe('2026-11-01 00:00');
    expect(wallClock('2026-11-01T05:00:00.000Z', 'America/Havana')).toBe('2026-11-01 00:00');
  });

  test("without a zone it is the PC's own midnight", () => {
    // Node applies a changed TZ to Date and Intl at once: stand in for a PC in Berlin.
    vi.stubEnv('TZ', 'Europe/Berlin');
    try {
      expect(startOfLocalDay('2026-06-16')).toBe('2026-06-15T22:00:00.000Z');
      expect(startOfLocalDay('2026-06-16')).toBe(new Date(2026, 5, 16).toISOString());
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('dayRangeToInstants', () => {
  test('covers whole days: from the first midnight to the midnight after the last day', () => {
    expect(dayRangeToInstants(['2026-03-28', '2026-03-29'], 'Europe/Berlin')).toEqual({
      from: '2026-03-27T23:00:00.000Z',
      to: '2026-03-29T22:00:00.000Z',
    });
    expect(dayRangeToInstants(['2026-06-16', '2026-06-16'], 'UTC')).toEqual({
      from: '2026-06-16T00:00:00.000Z',
      to: '2026-06-17T00:00:00.000Z',
    });
  });

  test('leaves an open end open', () => {
    expect(dayRangeToInstants([null, null], 'UTC')).toEqual({ from: null, to: null });
    expect(dayRangeToInstants(['2026-06-16', null], 'UTC')).toEqual({ from: '2026-06-16T00:00:00.000Z', to: null });
  });

  test('nextDay crosses months and years', () => {
    expect(nextDay('2026-01-31')).toBe('2026-02-01');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });
});
