// How schedules read on screen: recurrences as plain sentences, instants in the
// lab PC's local time, and the one status a schedule shows.
//
// Everything takes an optional `timeZone` so that tests pin it; the app passes
// nothing and gets the PC's own zone, which is the zone the core lays schedules
// out in (DESIGN.md, "Time rule").

import type { Recurrence } from '../bindings/Recurrence';
import type { Schedule } from '../bindings/Schedule';
import type { Weekday } from '../bindings/Weekday';

export interface ZoneOptions {
  /** IANA zone, e.g. "Europe/Berlin"; the PC's zone when absent. */
  timeZone?: string;
  /** The current instant, which decides whether a date needs its year. */
  now?: Date;
}

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const WEEKDAY_SHORT: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  locale: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = JSON.stringify([locale, options]);
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

interface WallClock {
  weekday: Weekday;
  /** "16 Jun" */
  dayMonth: string;
  year: string;
  /** "08:00": always the 24-hour clock, as the schedules are written. */
  time: string;
}

/**
 * The local weekday, date and time of day of a UTC instant. Assembled from
 * parts rather than left to the locale, so that every screen shows the same
 * unambiguous "Tue 16 Jun 2026, 08:00" whatever the PC's regional settings.
 */
function wallClock(iso: string, timeZone: string | undefined): WallClock {
  const parts = formatter('en-US', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const weekday = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  return {
    weekday,
    dayMonth: `${part('day')} ${part('month')}`,
    year: part('year'),
    time: `${part('hour')}:${part('minute')}`,
  };
}

/**
 * An instant as a person reads it on the lab PC: "Tue 16 Jun, 08:00", with the
 * year only when it is not the current one ("Tue 16 Jun 2026, 08:00").
 */
export function formatInstant(iso: string, options: ZoneOptions = {}): string {
  const { weekday, dayMonth, year, time } = wallClock(iso, options.timeZone);
  const thisYear = wallClock((options.now ?? new Date()).toISOString(), options.timeZone).year;
  const date = year === thisYear ? dayMonth : `${dayMonth} ${year}`;
  return `${WEEKDAY_SHORT[weekday]} ${date}, ${time}`;
}

/** The zone times are shown in, for telling the user which clock they read. */
export function displayTimeZone(options: ZoneOptions = {}): string {
  return formatter(undefined, { timeZone: options.timeZone }).resolvedOptions().timeZone;
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : `${count} ${many}`;
}

function describeHours(hours: number, start: string, options: ZoneOptions): string {
  const { weekday, time } = wallClock(start, options.timeZone);
  if (hours > 0 && hours % 168 === 0) {
    const weeks = hours / 168;
    return weeks === 1
      ? `Every ${WEEKDAY_NAMES[weekday]} at ${time}`
      : `Every ${weeks} weeks on ${WEEKDAY_NAMES[weekday]} at ${time}`;
  }
  if (hours > 0 && hours % 24 === 0) {
    return `Every ${plural(hours / 24, 'day', 'days')} at ${time}`;
  }
  if (hours < 1) {
    return `Every ${plural(Math.round(hours * 60), 'minute', 'minutes')}`;
  }
  // Fractional hours stay as the user typed them ("Every 1.5 hours").
  return `Every ${plural(hours, 'hour', 'hours')}`;
}

function describeWeekdays(days: readonly Weekday[], time: string): string {
  const chosen = WEEKDAYS.filter((day) => days.includes(day));
  const key = chosen.join(',');
  if (chosen.length === 0) return 'No days chosen';
  if (chosen.length === 7) return `Every day at ${time}`;
  if (key === 'mon,tue,wed,thu,fri') return `Mon–Fri at ${time}`;
  if (chosen.length === 1) {
    const [only] = chosen as [Weekday];
    return `Every ${WEEKDAY_NAMES[only]} at ${time}`;
  }
  return `${chosen.map((day) => WEEKDAY_SHORT[day]).join(', ')} at ${time}`;
}

/** A recurrence as a sentence: "Every day at 08:00", "Every 6 hours", "Mon, Wed, Fri at 07:30". */
export function describeRecurrence(recurrence: Recurrence, options: ZoneOptions = {}): string {
  switch (recurrence.kind) {
    case 'once':
      return `Once, ${formatInstant(recurrence.at, options)}`;
    case 'interval':
      return describeHours(recurrence.hours, recurrence.start, options);
    case 'hourly':
      return describeHours(1, recurrence.start, options);
    case 'daily':
      return describeHours(24, recurrence.start, options);
    case 'weekly':
      return describeHours(168, recurrence.start, options);
    case 'weekdays':
      return describeWeekdays(recurrence.days, recurrence.time);
  }
}

/** The one status a schedule shows in lists. */
export type ScheduleStatus = 'recovery_required' | 'archived' | 'paused' | 'active';

/**
 * Recovery comes first: a schedule waiting for someone to look at the deck must
 * say so even if it was archived meanwhile. Otherwise archived beats the
 * active flag, because an archived schedule never runs.
 */
export function scheduleStatus(
  schedule: Pick<Schedule, 'active' | 'archived' | 'recovery'>,
): ScheduleStatus {
  if (schedule.recovery !== null) return 'recovery_required';
  if (schedule.archived) return 'archived';
  return schedule.active ? 'active' : 'paused';
}

export interface StatusLook {
  label: string;
  /** A Mantine theme colour. */
  color: string;
  variant: 'light' | 'filled' | 'outline';
}

export const STATUS_LOOK: Record<ScheduleStatus, StatusLook> = {
  active: { label: 'Active', color: 'teal', variant: 'light' },
  paused: { label: 'Paused', color: 'yellow', variant: 'light' },
  archived: { label: 'Archived', color: 'gray', variant: 'light' },
  recovery_required: { label: 'Recovery required', color: 'red', variant: 'filled' },
};

/** The file name of a VENUS method path, Windows or POSIX separators alike. */
export function methodFileName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const name = trimmed.split(/[\\/]/).pop();
  return name === undefined || name === '' ? path : name;
}
