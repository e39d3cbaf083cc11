// The date range filter picks whole days on the lab PC's calendar; the core filters on UTC
// instants. These helpers turn a picked day into the instant that day starts in a zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallFormatter(timeZone: string | undefined): Intl.DateTimeFormat {
  // Keyed by the zone in effect, so a PC whose zone changes is not read with the old one.
  const key = timeZone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone: key,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, cached);
  }
  return cached;
}

/** The wall clock of an instant in a zone, as if it were UTC (milliseconds). */
function wallAsUtc(instant: number, timeZone: string | undefined): number {
  const parts = wallFormatter(timeZone).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

function parseDay(day: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!match) throw new Error(`Not a calendar day: ${day}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const DAY_MS = 86_400_000;

/**
 * The instant a calendar day ("2026-06-16") starts in `timeZone` (the PC's zone when absent),
 * as an ISO UTC string. Midnight, or — in a zone whose clocks skip midnight for daylight
 * saving — the first instant of the day; when midnight happens twice, the first one.
 */
export function startOfLocalDay(day: string, timeZone?: string): string {
  const [year, month, date] = parseDay(day);
  const wall = Date.UTC(year, month - 1, date);
  // The zone's offsets a day either side cover the one before and after any change at midnight.
  const offsets = [wall - DAY_MS, wall + DAY_MS].map((t) => wallAsUtc(t, timeZone) - t);
  const candidates = [...new Set(offsets)].map((offset) => wall - offset).sort((a, b) => a - b);
  const exact = candidates.find((t) => wallAsUtc(t, timeZone) === wall);
  // No exact midnight: clocks jumped over it, and the day starts where the jump lands.
  const start = exact ?? candidates.find((t) => wallAsUtc(t, timeZone) >= wall) ?? wall - (offsets[0] ?? 0);
  return new Date(start).toISOString();
}

/** The calendar day after `day`, both as "YYYY-MM-DD". */
export function nextDay(day: string): string {
  const [year, month, date] = parseDay(day);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

/** A picked range of days: the first day, the last day (inclusive), either open. */
export type DayRange = [string | null, string | null];

/**
 * The instants a range of whole local days covers: from the start of the first day up to
 * (not including) the start of the day after the last, as the core's `from`/`to` expect.
 */
export function dayRangeToInstants(
  [first, last]: DayRange,
  timeZone?: string,
): { from: string | null; to: string | null } {
  return {
    from: first === null ? null : startOfLocalDay(first, timeZone),
    to: last === null ? null : startOfLocalDay(nextDay(last), timeZone),
  };
}
