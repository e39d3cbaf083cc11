import { describe, expect, test } from 'vitest';

import { aSchedule } from './fixtures';
import {
  buildRecurrence,
  emptyValues,
  placeFieldErrors,
  toDraft,
  valuesFromSchedule,
  waitForRobotMinutes,
} from './formValues';

describe('formValues', () => {
  test('a stored schedule comes back out of the form unchanged', () => {
    const schedule = aSchedule({
      recurrence: { kind: 'interval', hours: 1.5, start: '2026-06-16T06:15:00Z' },
      expectedDurationMinutes: 45,
      stuckMinutes: 10,
    });
    const result = toDraft(valuesFromSchedule(schedule));
    expect(result).toEqual({
      draft: {
        name: schedule.name,
        methodPath: schedule.methodPath,
        recurrence: schedule.recurrence,
        retry: schedule.retry,
        missedRuns: schedule.missedRuns,
        expectedDurationMinutes: 45,
        stuckMinutes: 10,
        active: true,
      },
    });
  });

  test('times of day go out as HH:MM, which is what the core reads', () => {
    const values = { ...emptyValues().recurrence, kind: 'weekdays' as const, time: '07:30:00' };
    expect(buildRecurrence(values)).toEqual({
      recurrence: { kind: 'weekdays', days: ['mon', 'tue', 'wed', 'thu', 'fri'], time: '07:30' },
    });
  });

  test('blank required numbers are caught here, blank optional ones are sent as null', () => {
    const values = { ...emptyValues(), name: 'A', methodPath: 'A.med', maxAttempts: '' };
    expect(toDraft(values)).toEqual({ errors: { 'retry.maxAttempts': 'Enter the number of attempts.' } });
  });

  test('the core’s field names are placed in camelCase or snake_case; the rest are listed', () => {
    expect(
      placeFieldErrors([
        { field: 'method_path', message: 'Not a method.' },
        { field: 'retry.max_delay_minutes', message: 'Too long.' },
        { field: 'actor', message: 'Who?' },
      ]),
    ).toEqual({
      byField: { methodPath: 'Not a method.', 'retry.maxDelayMinutes': 'Too long.' },
      other: [{ field: 'actor', message: 'Who?' }],
    });
  });
});

describe('how long a run may wait for the robot', () => {
  const retry = { maxAttempts: 5, delayMinutes: 2, backoff: 'fixed' as const, maxDelayMinutes: 30 };

  test('the waits between the tries, as the engine counts them', () => {
    expect(waitForRobotMinutes(retry)).toBe(8);
    expect(waitForRobotMinutes({ ...retry, maxAttempts: 1 })).toBe(0);
    expect(waitForRobotMinutes({ ...retry, backoff: 'linear' })).toBe(2 + 4 + 6 + 8);
    expect(waitForRobotMinutes({ ...retry, backoff: 'exponential', maxDelayMinutes: 5 })).toBe(2 + 4 + 5 + 5);
  });

  test('nothing to say while a value is missing', () => {
    expect(waitForRobotMinutes({ ...retry, maxAttempts: '' })).toBeNull();
    expect(waitForRobotMinutes({ ...retry, delayMinutes: 1.5 })).toBeNull();
  });
});
