import {
  Alert,
  Box,
  Button,
  Divider,
  Group,
  List,
  NativeSelect,
  NumberInput,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import type { Backoff } from '../bindings/Backoff';
import type { FieldError } from '../bindings/FieldError';
import type { Schedule } from '../bindings/Schedule';
import type { ScheduleDraft } from '../bindings/ScheduleDraft';
import { commands, toCommandError, type CommandError } from '../ipc';
import { useSettings } from '../settings/queries';
import { ConflictModal } from './ConflictModal';
import { formatInstant } from './format';
import {
  emptyValues,
  placeFieldErrors,
  toDraft,
  valuesFromSchedule,
  waitForRobotMinutes,
  type FieldErrors,
  type FormField,
  type FormValues,
} from './formValues';
import { invalidateAfterChange } from './queries';
import { RecurrenceEditor } from './RecurrenceEditor';
import { RecurrencePreview } from './RecurrencePreview';

const BACKOFFS: { value: Backoff; label: string }[] = [
  { value: 'fixed', label: 'The same each time (fixed)' },
  { value: 'linear', label: 'Longer by the delay each time (linear)' },
  { value: 'exponential', label: 'Doubling each time (exponential)' },
];

/** What the attempts mean for a run that finds the robot busy, in minutes. */
function WaitForRobot({ values }: { values: FormValues }) {
  const minutes = waitForRobotMinutes(values);
  if (minutes === null) return null;
  return (
    <Text size="sm" c="dimmed">
      {minutes === 0
        ? 'A run that finds the robot busy is skipped at once.'
        : `A run that finds the robot busy waits up to ${minutes} minute${minutes === 1 ? '' : 's'} for it (until its last attempt), then it is skipped.`}
    </Text>
  );
}

function isBackoff(value: string): value is Backoff {
  return BACKOFFS.some((backoff) => backoff.value === value);
}

/** Which fields each form value feeds, so editing a value clears the message about it. */
const FIELD_OF: Partial<Record<keyof FormValues, FormField>> = {
  name: 'name',
  methodPath: 'methodPath',
  recurrence: 'recurrence',
  maxAttempts: 'retry.maxAttempts',
  delayMinutes: 'retry.delayMinutes',
  maxDelayMinutes: 'retry.maxDelayMinutes',
  graceMinutes: 'missedRuns.graceMinutes',
  expectedDurationMinutes: 'expectedDurationMinutes',
  stuckMinutes: 'stuckMinutes',
};

export interface ScheduleFormProps {
  /** The schedule being edited, as read when the editor opened; null to create one. */
  schedule: Schedule | null;
  onSaved: (saved: Schedule, created: boolean) => void;
  onCancel: () => void;
}

/** Create or edit a schedule: every field, a live preview of the runs, and the core's verdict. */
export function ScheduleForm({ schedule, onSaved, onCancel }: ScheduleFormProps) {
  const client = useQueryClient();
  const settings = useSettings();
  const [values, setValues] = useState<FormValues>(() =>
    schedule === null ? emptyValues() : valuesFromSchedule(schedule),
  );
  // The version the edit is based on: its token goes with the save; reloading replaces it.
  const [base, setBase] = useState<Schedule | null>(schedule);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [otherErrors, setOtherErrors] = useState<FieldError[]>([]);
  const [conflict, setConflict] = useState<Schedule | null>(null);
  // After "Keep editing": their version, which must be loaded before a save can succeed.
  const [stale, setStale] = useState<Schedule | null>(null);
  const [browseError, setBrowseError] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (draft: ScheduleDraft) =>
      base === null ? commands.createSchedule(draft) : commands.updateSchedule(base.id, draft, base.updatedAt),
    onSuccess: (saved) => {
      void invalidateAfterChange(client);
      onSaved(saved, base === null);
    },
    onError: (error) => {
      const failure = toCommandError(error);
      if (failure.code === 'invalid_input' && failure.fields.length > 0) {
        const { byField, other } = placeFieldErrors(failure.fields);
        setErrors(byField);
        setOtherErrors(other);
      } else if (failure.code === 'conflict' && failure.current !== null) {
        setConflict(failure.current);
      }
    },
  });
  // Errors shown elsewhere (by the inputs, in the conflict dialog) are not repeated at the foot.
  const saveError: CommandError | null = (() => {
    if (save.error === null) return null;
    const failure = toCommandError(save.error);
    if (failure.code === 'invalid_input' && failure.fields.length > 0) return null;
    if (failure.code === 'conflict' && failure.current !== null) return null;
    return failure;
  })();

  const browse = useMutation({
    mutationFn: () => commands.pickMethodFile(),
    onMutate: () => { setBrowseError(null); },
    onSuccess: (path) => {
      if (path !== null) change('methodPath', path);
    },
    onError: (error) => { setBrowseError(toCommandError(error).message); },
  });

  function change<K extends keyof FormValues>(key: K, value: FormValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
    const field = FIELD_OF[key];
    if (field !== undefined) {
      setErrors((current) => ({ ...current, [field]: undefined }));
    }
  }

  function submit() {
    const result = toDraft(values);
    if ('errors' in result) {
      setErrors(result.errors);
      setOtherErrors([]);
      return;
    }
    setErrors({});
    setOtherErrors([]);
    save.mutate(result.draft);
  }

  function reload(current: Schedule) {
    setValues(valuesFromSchedule(current));
    setBase(current);
    setErrors({});
    setOtherErrors([]);
    setConflict(null);
    setStale(null);
    save.reset();
  }

  const methodsFolder = settings.data?.methodsFolder;
  const stuckDefault = settings.data?.stuckThresholdMinutes;
  const needsRecovery = base !== null && base.recovery !== null;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="lg">
        {stale !== null && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle />} title="Their version must be loaded first">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                Someone else saved this schedule ({formatInstant(stale.updatedAt)}). Saving your edits will be refused
                until you reload their version, which replaces what is in this form; note what you want to keep first.
              </Text>
              <Button size="xs" variant="default" onClick={() => { reload(stale); }}>
                Reload their version
              </Button>
            </Stack>
          </Alert>
        )}

        <Section title="What runs">
          <TextInput
            label="Name"
            required
            value={values.name}
            onChange={(event) => { change('name', event.currentTarget.value); }}
            error={errors.name}
          />
          <TextInput
            label="Method file"
            required
            description={
              methodsFolder === undefined
                ? 'A VENUS method (.med or .hsl). A relative path starts at the methods folder set in Settings.'
                : `A VENUS method (.med or .hsl). A relative path starts at the methods folder, ${methodsFolder}.`
            }
            value={values.methodPath}
            onChange={(event) => { change('methodPath', event.currentTarget.value); }}
            error={errors.methodPath ?? browseError ?? undefined}
            inputContainer={(input) => (
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Box style={{ flex: 1 }}>{input}</Box>
                <Button variant="default" loading={browse.isPending} onClick={() => { browse.mutate(); }}>
                  Browse…
                </Button>
              </Group>
            )}
          />
        </Section>

        <Section title="When">
          <RecurrenceEditor
            value={values.recurrence}
            onChange={(recurrence) => { change('recurrence', recurrence); }}
            error={errors.recurrence}
          />
          {/* The original recurrence lets an unchanged one-time run in the past stay valid. */}
          <RecurrencePreview values={values.recurrence} previous={base?.recurrence ?? null} />
        </Section>

        <Section
          title="If a run cannot start"
          description="A run that finds the robot busy waits in line and starts the moment it is free; a launch that failed is tried again after the wait."
        >
          <SimpleGrid cols={2} spacing="sm">
            <NumberInput
              label="Attempts in all"
              min={1}
              max={20}
              allowDecimal={false}
              value={values.maxAttempts}
              onChange={(value) => { change('maxAttempts', value); }}
              error={errors['retry.maxAttempts']}
            />
            <NumberInput
              label="Wait between attempts (minutes)"
              min={1}
              allowDecimal={false}
              value={values.delayMinutes}
              onChange={(value) => { change('delayMinutes', value); }}
              error={errors['retry.delayMinutes']}
            />
            <NativeSelect
              label="The wait grows"
              data={BACKOFFS}
              value={values.backoff}
              onChange={(event) => {
                const backoff = event.currentTarget.value;
                if (isBackoff(backoff)) change('backoff', backoff);
              }}
            />
            <NumberInput
              label="Longest wait (minutes)"
              min={1}
              allowDecimal={false}
              value={values.maxDelayMinutes}
              onChange={(value) => { change('maxDelayMinutes', value); }}
              error={errors['retry.maxDelayMinutes']}
            />
          </SimpleGrid>
          <WaitForRobot values={values} />
        </Section>

        <Section title="Missed runs" description="When Deckhand was closed or the PC slept at a run's time.">
          <Radio.Group
            label="What happens to a missed run"
            value={values.catchUp ? 'catchUp' : 'never'}
            onChange={(choice) => { change('catchUp', choice === 'catchUp'); }}
          >
            <Stack gap="xs">
              <Radio value="catchUp" label="Run it once when Deckhand is back, if it is not too late" />
              <Radio value="never" label="Never catch up; record it as missed" />
            </Stack>
          </Radio.Group>
          <NumberInput
            label="At most this late (minutes)"
            description="Later than this, the run is recorded as missed instead."
            min={0}
            allowDecimal={false}
            disabled={!values.catchUp}
            value={values.graceMinutes}
            onChange={(value) => { change('graceMinutes', value); }}
            error={errors['missedRuns.graceMinutes']}
            w={260}
          />
        </Section>

        <Section title="Watching a run">
          <SimpleGrid cols={2} spacing="sm">
            <NumberInput
              label="Expected duration (minutes)"
              description="Optional: a longer run is reported as overrunning."
              min={1}
              allowDecimal={false}
              value={values.expectedDurationMinutes}
              onChange={(value) => { change('expectedDurationMinutes', value); }}
              error={errors.expectedDurationMinutes}
            />
            <NumberInput
              label="Stuck after (minutes)"
              description={
                stuckDefault === undefined
                  ? 'Minutes without trace output. Blank: the app setting.'
                  : `Minutes without trace output. Blank: the app setting (${stuckDefault} min).`
              }
              min={1}
              allowDecimal={false}
              value={values.stuckMinutes}
              onChange={(value) => { change('stuckMinutes', value); }}
              error={errors.stuckMinutes}
            />
          </SimpleGrid>
        </Section>

        <Switch
          label="Active"
          description={
            needsRecovery
              ? 'This schedule needs recovery: it stays paused until someone has checked the deck and resolved it.'
              : 'Off: the schedule is saved but paused, and does not run.'
          }
          checked={values.active}
          disabled={needsRecovery}
          onChange={(event) => { change('active', event.currentTarget.checked); }}
        />

        {otherErrors.length > 0 && (
          <Alert color="red" variant="light" icon={<IconAlertCircle />} title="Also to fix">
            <List size="sm">
              {otherErrors.map((error) => (
                <List.Item key={`${error.field}:${error.message}`}>{error.message}</List.Item>
              ))}
            </List>
          </Alert>
        )}

        {saveError !== null && (
          <Alert color="red" variant="light" icon={<IconAlertCircle />} title="The schedule was not saved">
            <Text size="sm">{saveError.message}</Text>
            <Text size="xs" c="dimmed" mt={4}>
              Error code: {saveError.code}
            </Text>
          </Alert>
        )}

        <Divider />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {schedule === null ? 'Create schedule' : saveError === null ? 'Save changes' : 'Try again'}
          </Button>
        </Group>
      </Stack>

      <ConflictModal
        current={conflict}
        onReload={reload}
        onKeepEditing={() => {
          setStale(conflict);
          setConflict(null);
        }}
      />
    </form>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Stack gap="sm">
      <div>
        <Title order={4} size="h5">
          {title}
        </Title>
        {description !== undefined && (
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        )}
      </div>
      {children}
    </Stack>
  );
}
