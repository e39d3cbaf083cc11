import { Chip, Group, Input, NativeSelect, NumberInput, Stack } from '@mantine/core';
import { DateTimePicker, TimeInput } from '@mantine/dates';

import type { Weekday } from '../bindings/Weekday';
import { displayTimeZone } from './format';
import type { RecurrenceKind, RecurrenceValues } from './formValues';

const KINDS: { value: RecurrenceKind; label: string }[] = [
  { value: 'once', label: 'Once' },
  { value: 'interval', label: 'Every few hours (interval)' },
  { value: 'hourly', label: 'Every hour' },
  { value: 'daily', label: 'Every day' },
  { value: 'weekly', label: 'Every week' },
  { value: 'weekdays', label: 'On chosen weekdays' },
];

const DAYS: { value: Weekday; label: string }[] = [
  { value: 'mon', label: 'Mon' },
  { value: 'tue', label: 'Tue' },
  { value: 'wed', label: 'Wed' },
  { value: 'thu', label: 'Thu' },
  { value: 'fri', label: 'Fri' },
  { value: 'sat', label: 'Sat' },
  { value: 'sun', label: 'Sun' },
];

function isKind(value: string): value is RecurrenceKind {
  return KINDS.some((kind) => kind.value === value);
}

const START_HELP: Record<'interval' | 'hourly' | 'daily' | 'weekly', string> = {
  interval: 'Later runs follow at the interval from this one.',
  hourly: 'Later runs follow every hour from this one.',
  daily: 'Later runs keep this time of day, also across daylight-saving changes.',
  weekly: 'Later runs keep this weekday and time of day.',
};

/** The inputs for one recurrence; `error` is the core's message about it, shown by its main input. */
export function RecurrenceEditor({
  value,
  onChange,
  error,
}: {
  value: RecurrenceValues;
  onChange: (next: RecurrenceValues) => void;
  error: string | undefined;
}) {
  const zone = displayTimeZone();
  const set = (patch: Partial<RecurrenceValues>) => { onChange({ ...value, ...patch }); };
  const picker = {
    valueFormat: 'ddd D MMM YYYY, HH:mm',
    placeholder: 'Pick date and time',
  };

  return (
    <Stack gap="sm">
      <NativeSelect
        label="Repeats"
        data={KINDS}
        value={value.kind}
        onChange={(event) => {
          const kind = event.currentTarget.value;
          if (isKind(kind)) set({ kind });
        }}
      />

      {value.kind === 'once' && (
        <DateTimePicker
          {...picker}
          label="Run at"
          description={`In this PC's time zone (${zone}).`}
          value={value.at}
          onChange={(at) => { set({ at }); }}
          error={error}
        />
      )}

      {value.kind === 'interval' && (
        <NumberInput
          label="Every (hours)"
          description="Fractions work: 0.5 is every 30 minutes."
          min={0}
          step={1}
          decimalScale={4}
          value={value.hours}
          onChange={(hours) => { set({ hours }); }}
          error={error}
        />
      )}

      {(value.kind === 'interval' || value.kind === 'hourly' || value.kind === 'daily' || value.kind === 'weekly') && (
        <DateTimePicker
          {...picker}
          label="First run"
          description={`${START_HELP[value.kind]} In this PC's time zone (${zone}).`}
          value={value.start}
          onChange={(start) => { set({ start }); }}
          error={value.kind === 'interval' ? undefined : error}
        />
      )}

      {value.kind === 'weekdays' && (
        <>
          <Input.Wrapper label="On these days" error={error}>
            <Chip.Group multiple value={value.days} onChange={(days) => { set({ days }); }}>
              <Group gap={6} mt={6} role="group" aria-label="Weekdays">
                {DAYS.map((day) => (
                  <Chip key={day.value} value={day.value} size="sm">
                    {day.label}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Input.Wrapper>
          <TimeInput
            label="At (time of day)"
            description={`24-hour clock, in this PC's time zone (${zone}).`}
            value={value.time}
            onChange={(event) => { set({ time: event.currentTarget.value }); }}
            w={200}
          />
        </>
      )}
    </Stack>
  );
}
