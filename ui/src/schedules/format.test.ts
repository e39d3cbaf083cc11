import { describe, expect, test } from 'vitest';

import type { Recurrence } from '../bindings/Recurrence';
import {
  describeRecurrence,
  formatInstant,
  methodFileName,
  scheduleStatus,
  STATUS_LOOK,
} from './format';

// Berlin has daylight-saving time, so these cases also show that the text follows
// the local wall clock (CET in winter, CEST in summer), not UTC.
const berlin = { timeZone: 'Europe/Berlin', now: new Date('2026-06-01T12:00:00Z') };

describe('describeRecurrence', () => {
  const cases: [string, Recurrence, string][] = [
    ['once, in local time', { kind: 'once', at: '2026-06-16T20:17:00Z' }, 'Once, Tue 16 Jun, 22:17'],
    ['hourly', { kind: 'hourly', start: '2026-06-16T06:15:00Z' }, 'Every hour'],
    ['daily in winter (UTC+1)', { kind: 'daily', start: '2026-01-10T07:00:00Z' }, 'Every day at 08:00'],
    ['daily in summer (UTC+2)', { kind: 'daily', start: '2026-06-10T06:00:00Z' }, 'Every day at 08:00'],
    ['weekly names the local weekday', { kind: 'weekly', start: '2026-06-14T22:30:00Z' }, 'Every Monday at 00:30'],
    ['interval of 6 hours', { kind: 'interval', hours: 6, start: '2026-06-16T06:00:00Z' }, 'Every 6 hours'],
    ['interval of 1 hour', { kind: 'interval', hours: 1, start: '2026-06-16T06:00:00Z' }, 'Every hour'],
    ['fractional interval', { kind: 'interval', hours: 1.5, start: '2026-06-16T06:00:00Z' }, 'Every 1.5 hours'],
    ['sub-hour interval', { kind: 'interval', hours: 0.5, start: '2026-06-16T06:00:00Z' }, 'Every 30 minutes'],
    ['interval of whole days', { kind: 'interval', hours: 48, start: '2026-06-16T05:00:00Z' }, 'Every 2 days at 07:00'],
    ['interval of whole weeks', { kind: 'interval', hours: 336, start: '2026-06-19T16:00:00Z' }, 'Every 2 weeks on Friday at 18:00'],
    ['weekdays Monday to Friday', { kind: 'weekdays', days: ['fri', 'mon', 'tue', 'wed', 'thu'], time: '07:30' }, 'Mon–Fri at 07:30'],
    ['weekdays, all seven', { kind: 'weekdays', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], time: '06:00' }, 'Every day at 06:00'],
    ['weekdays, the weekend', { kind: 'weekdays', days: ['sun', 'sat'], time: '09:00' }, 'Sat, Sun at 09:00'],
    ['weekdays, one day', { kind: 'weekdays', days: ['wed'], time: '13:45' }, 'Every Wednesday at 13:45'],
    ['weekdays, in week order', { kind: 'weekdays', days: ['fri', 'mon', 'wed'], time: '08:00' }, 'Mon, Wed, Fri at 08:00'],
    ['weekdays, none', { kind: 'weekdays', days: [], time: '08:00' }, 'No days chosen'],
  ];

  test.each(cases)('%s', (_name, recurrence, expected) => {
    expect(describeRecurrence(recurrence, berlin), 'the Recurrence column text').toBe(expected);
  });
});

describe('formatInstant', () => {
  test('shows the local wall clock on the 24-hour clock', () => {
    expect(formatInstant('2026-03-29T00:30:00Z', berlin), 'before the spring-forward gap: CET').toBe(
      'Sun 29 Mar, 01:30',
    );
    expect(formatInstant('2026-03-29T01:30:00Z', berlin), 'after the gap: CEST, 02:xx never shows').toBe(
      'Sun 29 Mar, 03:30',
    );
  });

  test('names the year only when it is not the current one', () => {
    expect(formatInstant('2027-01-04T08:00:00Z', berlin), 'next year').toBe('Mon 4 Jan 2027, 09:00');
    expect(formatInstant('2025-12-31T22:59:00Z', berlin), 'last year').toBe('Wed 31 Dec 2025, 23:59');
    expect(
      formatInstant('2026-12-31T23:30:00Z', berlin),
      'the local year decides: 00:30 on 1 Jan 2027 in Berlin is next year',
    ).toBe('Fri 1 Jan 2027, 00:30');
  });
});

describe('scheduleStatus', () => {
  const recovery = { note: 'Aborted at aspirate step', actor: 'deckhand', at: '2026-06-16T20:17:00Z' };
  const cases: [string, { active: boolean; archived: boolean; recovery: typeof recovery | null }, string][] = [
    ['active', { active: true, archived: false, recovery: null }, 'Active'],
    ['paused', { active: false, archived: false, recovery: null }, 'Paused'],
    ['archived wins over active', { active: true, archived: true, recovery: null }, 'Archived'],
    ['recovery wins over paused', { active: false, archived: false, recovery }, 'Recovery required'],
    ['recovery wins over archived: the deck still needs a person', { active: false, archived: true, recovery }, 'Recovery required'],
  ];

  test.each(cases)('%s', (_name, schedule, label) => {
    expect(STATUS_LOOK[scheduleStatus(schedule)].label, 'the Status badge text').toBe(label);
  });

  test('only recovery required is loud', () => {
    const loud = Object.entries(STATUS_LOOK).filter(([, look]) => look.variant === 'filled');
    expect(loud.map(([status]) => status), 'a filled badge draws the eye; keep it for what needs a person').toEqual([
      'recovery_required',
    ]);
  });
});

describe('methodFileName', () => {
  test.each([
    ['C:\\Methods\\Prep.med', 'Prep.med'],
    ['C:/Methods/Sub/Wash.hsl', 'Wash.hsl'],
    ['Relative.med', 'Relative.med'],
    ['C:\\Methods\\', 'Methods'],
  ])('%s → %s', (path, expected) => {
    expect(methodFileName(path), 'the Method column shows the file name').toBe(expected);
  });
});
