// The schedule form's state and its translation to and from the wire types. The form keeps
// what a person types (numbers may be blank while typing, dates are local wall-clock strings
// as the Mantine pickers use them); the draft sent to the core has UTC instants and numbers.

import dayjs from 'dayjs';

import type { Backoff } from '../bindings/Backoff';
import type { FieldError } from '../bindings/FieldError';
import type { Recurrence } from '../bindings/Recurrence';
import type { Schedule } from '../bindings/Schedule';
import type { ScheduleDraft } from '../bindings/ScheduleDraft';
import type { Weekday } from '../bindings/Weekday';

export type RecurrenceKind = Recurrence['kind'];

/** A number input's value: blank while the person is typing or when left empty. */
export type NumberValue = number | string;

/** The recurrence as edited: every kind's inputs kept, so switching kinds loses nothing. */
export interface RecurrenceValues {
  kind: RecurrenceKind;
  /** `once`: local wall clock, `YYYY-MM-DD HH:mm:ss` (the DateTimePicker's format). */
  at: string | null;
  /** The interval kinds' first run, local wall clock as above. */
  start: string | null;
  hours: NumberValue;
  days: Weekday[];
  /** `HH:mm` on the 24-hour clock. */
  time: string;
}

export interface FormValues {
  name: string;
  methodPath: string;
  recurrence: RecurrenceValues;
  maxAttempts: NumberValue;
  delayMinutes: NumberValue;
  backoff: Backoff;
  maxDelayMinutes: NumberValue;
  catchUp: boolean;
  graceMinutes: NumberValue;
  expectedDurationMinutes: NumberValue;
  stuckMinutes: NumberValue;
  active: boolean;
}

/** The form's fields, as error messages are keyed (the core's field names). */
export type FormField =
  | 'name'
  | 'methodPath'
  | 'recurrence'
  | 'retry.maxAttempts'
  | 'retry.delayMinutes'
  | 'retry.maxDelayMinutes'
  | 'missedRuns.graceMinutes'
  | 'expectedDurationMinutes'
  | 'stuckMinutes';

const FORM_FIELDS: readonly FormField[] = [
  'name',
  'methodPath',
  'recurrence',
  'retry.maxAttempts',
  'retry.delayMinutes',
  'retry.maxDelayMinutes',
  'missedRuns.graceMinutes',
  'expectedDurationMinutes',
  'stuckMinutes',
];

export type FieldErrors = Partial<Record<FormField, string>>;

const PICKER_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/** A UTC instant as the pickers' local wall-clock string. */
export function toPickerValue(iso: string): string {
  return dayjs(iso).format(PICKER_FORMAT);
}

/** A picker's local wall-clock string as a UTC instant (`…Z`, no milliseconds: the pickers have none). */
export function fromPickerValue(local: string): string {
  return dayjs(local).toDate().toISOString().replace('.000Z', 'Z');
}

/** Tomorrow at 08:00 local: a sensible first run for a new lab schedule. */
function tomorrowMorning(now: Date): string {
  return dayjs(now).add(1, 'day').hour(8).minute(0).second(0).millisecond(0).format(PICKER_FORMAT);
}

export function emptyValues(now: Date = new Date()): FormValues {
  const start = tomorrowMorning(now);
  return {
    name: '',
    methodPath: '',
    recurrence: {
      kind: 'daily',
      at: start,
      start,
      hours: 6,
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      time: '08:00',
    },
    // The core's defaults (RetryPolicy and MissedRunPolicy in src/model/schedule.rs).
    maxAttempts: 5,
    delayMinutes: 2,
    backoff: 'fixed',
    maxDelayMinutes: 30,
    catchUp: true,
    graceMinutes: 15,
    expectedDurationMinutes: '',
    stuckMinutes: '',
    active: true,
  };
}

export function recurrenceValues(recurrence: Recurrence, fallback: RecurrenceValues): RecurrenceValues {
  switch (recurrence.kind) {
    case 'once':
      return { ...fallback, kind: 'once', at: toPickerValue(recurrence.at) };
    case 'interval':
      return { ...fallback, kind: 'interval', hours: recurrence.hours, start: toPickerValue(recurrence.start) };
    case 'hourly':
    case 'daily':
    case 'weekly':
      return { ...fallback, kind: recurrence.kind, start: toPickerValue(recurrence.start) };
    case 'weekdays':
      return { ...fallback, kind: 'weekdays', days: [...recurrence.days], time: recurrence.time.slice(0, 5) };
  }
}

export function valuesFromSchedule(schedule: Schedule, now: Date = new Date()): FormValues {
  const empty = emptyValues(now);
  return {
    name: schedule.name,
    methodPath: schedule.methodPath,
    recurrence: recurrenceValues(schedule.recurrence, empty.recurrence),
    maxAttempts: schedule.retry.maxAttempts,
    delayMinutes: schedule.retry.delayMinutes,
    backoff: schedule.retry.backoff,
    maxDelayMinutes: schedule.retry.maxDelayMinutes,
    catchUp: schedule.missedRuns.catchUp,
    graceMinutes: schedule.missedRuns.graceMinutes,
    expectedDurationMinutes: schedule.expectedDurationMinutes ?? '',
    stuckMinutes: schedule.stuckMinutes ?? '',
    active: schedule.active,
  };
}

/** The recurrence to send, or why it cannot be built yet (a date not chosen). */
export function buildRecurrence(values: RecurrenceValues): { recurrence: Recurrence } | { problem: string } {
  switch (values.kind) {
    case 'once':
      if (values.at === null) return { problem: 'Choose the date and time of the run.' };
      return { recurrence: { kind: 'once', at: fromPickerValue(values.at) } };
    case 'interval': {
      if (values.start === null) return { problem: 'Choose the date and time of the first run.' };
      if (typeof values.hours !== 'number') return { problem: 'Enter how many hours lie between runs.' };
      return { recurrence: { kind: 'interval', hours: values.hours, start: fromPickerValue(values.start) } };
    }
    case 'hourly':
    case 'daily':
    case 'weekly':
      if (values.start === null) return { problem: 'Choose the date and time of the first run.' };
      return { recurrence: { kind: values.kind, start: fromPickerValue(values.start) } };
    case 'weekdays':
      // The core reads times of day as HH:MM; a browser may add seconds.
      if (!/^\d{2}:\d{2}/.test(values.time)) return { problem: 'Enter the time of day, e.g. 08:30.' };
      return { recurrence: { kind: 'weekdays', days: values.days, time: values.time.slice(0, 5) } };
  }
}

function optionalNumber(value: NumberValue): number | null {
  return typeof value === 'number' ? value : null;
}

/**
 * The draft to save, or the messages for what is missing. Only the obvious is checked here
 * (required text and numbers left blank); the core checks ranges and says what is wrong.
 */
export function toDraft(values: FormValues): { draft: ScheduleDraft } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (values.name.trim() === '') errors.name = 'Give the schedule a name.';
  if (values.methodPath.trim() === '') errors.methodPath = 'Choose the VENUS method file to run.';
  const built = buildRecurrence(values.recurrence);
  if ('problem' in built) errors.recurrence = built.problem;
  if (typeof values.maxAttempts !== 'number') errors['retry.maxAttempts'] = 'Enter the number of attempts.';
  if (typeof values.delayMinutes !== 'number') errors['retry.delayMinutes'] = 'Enter the wait between attempts.';
  if (typeof values.maxDelayMinutes !== 'number') errors['retry.maxDelayMinutes'] = 'Enter the longest wait.';
  if (values.catchUp && typeof values.graceMinutes !== 'number') {
    errors['missedRuns.graceMinutes'] = 'Enter how late a catch-up run may be.';
  }
  if (
    Object.keys(errors).length > 0 ||
    'problem' in built ||
    typeof values.maxAttempts !== 'number' ||
    typeof values.delayMinutes !== 'number' ||
    typeof values.maxDelayMinutes !== 'number'
  ) {
    return { errors };
  }
  return {
    draft: {
      name: values.name.trim(),
      methodPath: values.methodPath.trim(),
      recurrence: built.recurrence,
      retry: {
        maxAttempts: values.maxAttempts,
        delayMinutes: values.delayMinutes,
        backoff: values.backoff,
        maxDelayMinutes: values.maxDelayMinutes,
      },
      // With catch-up off the grace window does not matter; keep the last value typed.
      missedRuns: { catchUp: values.catchUp, graceMinutes: optionalNumber(values.graceMinutes) ?? 15 },
      expectedDurationMinutes: optionalNumber(values.expectedDurationMinutes),
      stuckMinutes: optionalNumber(values.stuckMinutes),
      active: values.active,
    },
  };
}

/** `method_path` → `methodPath`, `retry.max_attempts` → `retry.maxAttempts`. */
function camelCaseField(field: string): string {
  return field
    .split('.')
    .map((part) => part.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()))
    .join('.');
}

/** The core's field errors split into those shown by an input and the rest (listed under the form). */
export function placeFieldErrors(fields: FieldError[]): { byField: FieldErrors; other: FieldError[] } {
  const byField: FieldErrors = {};
  const other: FieldError[] = [];
  for (const error of fields) {
    const field = camelCaseField(error.field) as FormField;
    if (FORM_FIELDS.includes(field)) {
      // Two messages for one input are both worth reading.
      byField[field] = byField[field] === undefined ? error.message : `${byField[field]} ${error.message}`;
    } else {
      other.push(error);
    }
  }
  return { byField, other };
}

/**
 * How long a run may wait for a busy robot with these retry values, in minutes: the waits
 * between its tries (the last try is the last chance; then it is skipped). As the engine
 * counts them (`engine::backoff`). `null` while a value is missing or not a whole number.
 */
export function waitForRobotMinutes(values: Pick<FormValues, 'maxAttempts' | 'delayMinutes' | 'backoff' | 'maxDelayMinutes'>): number | null {
  const whole = (value: NumberValue) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);
  const attempts = whole(values.maxAttempts);
  const delay = whole(values.delayMinutes);
  const longest = whole(values.maxDelayMinutes);
  if (attempts === null || delay === null || longest === null || attempts < 1) return null;
  const cap = Math.max(longest, delay);
  let total = 0;
  for (let attempt = 1; attempt < attempts; attempt += 1) {
    const grown =
      values.backoff === 'fixed' ? delay : values.backoff === 'linear' ? delay * attempt : delay * 2 ** (attempt - 1);
    total += Math.min(grown, cap);
  }
  return total;
}
