import { Group, List, Loader, Paper, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';

import type { Recurrence } from '../bindings/Recurrence';
import { commands, toCommandError } from '../ipc';
import { displayTimeZone, formatInstant } from './format';
import { buildRecurrence, type RecurrenceValues } from './formValues';

const COUNT = 5;

/** Why the core refused a recurrence, in its own words. */
function refusal(error: unknown): { message: string; code: string } {
  const { code, message, fields } = toCommandError(error);
  const fieldMessages = fields.map((field) => field.message);
  return { code, message: fieldMessages.length > 0 ? fieldMessages.join(' ') : message };
}

/**
 * The next runs of the recurrence being edited, from the core itself, so the preview follows
 * exactly the rules the scheduler uses (local time, daylight saving). Asked again 300 ms
 * after the last change rather than on every keystroke.
 */
export function RecurrencePreview({ values, previous }: { values: RecurrenceValues; previous: Recurrence | null }) {
  const built = buildRecurrence(values);
  const [debounced] = useDebouncedValue(JSON.stringify(built), 300);
  const settled = JSON.stringify(built) === debounced;
  const parsed = JSON.parse(debounced) as ReturnType<typeof buildRecurrence>;
  const recurrence = 'recurrence' in parsed ? parsed.recurrence : null;

  const preview = useQuery({
    queryKey: ['recurrence-preview', recurrence, previous],
    queryFn: () => {
      if (recurrence === null) throw new Error('nothing to preview');
      return commands.previewRecurrence(recurrence, previous, COUNT);
    },
    enabled: recurrence !== null,
    placeholderData: keepPreviousData,
  });

  const waiting = !settled || preview.isFetching;

  return (
    <Paper withBorder p="sm" bg="gray.0" aria-live="polite">
      <Stack gap={6}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Next {COUNT} runs
          </Text>
          {waiting && <Loader size={12} aria-label="Updating the preview" />}
        </Group>
        {'problem' in built ? (
          <Text size="sm" c="dimmed">
            {built.problem}
          </Text>
        ) : preview.isError ? (
          <PreviewError {...refusal(preview.error)} />
        ) : preview.data === undefined ? (
          <Text size="sm" c="dimmed">
            Working out the next runs…
          </Text>
        ) : preview.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            No runs to come: this one-time run has already happened.
          </Text>
        ) : (
          <>
            <List size="sm" spacing={2} aria-label="Next runs">
              {preview.data.map((instant) => (
                <List.Item key={instant}>{formatInstant(instant)}</List.Item>
              ))}
            </List>
            <Text size="xs" c="dimmed">
              In this PC&apos;s time zone ({displayTimeZone()}).
            </Text>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function PreviewError({ message, code }: { message: string; code: string }) {
  return (
    <Stack gap={2}>
      <Text size="sm" c="red.8">
        {message}
      </Text>
      {code !== 'invalid_input' && (
        <Text size="xs" c="dimmed">
          Error code: {code}
        </Text>
      )}
    </Stack>
  );
}
