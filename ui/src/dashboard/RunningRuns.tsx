import { Alert, Badge, Button, Card, Group, Modal, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';

import type { Current } from '../bindings/Current';
import type { Run } from '../bindings/Run';
import { toCommandError } from '../ipc';
import { formatInstant } from '../schedules/format';
import { useAbortRun } from './queries';
import { durationText, elapsedMinutes, elapsedText, useNow } from './time';

interface RunningRunsProps {
  runs: Current[];
  /** Told once an abort has been accepted, with the run as the core returned it. */
  onAborted: (current: Current, run: Run) => void;
}

/** The runs on the robot now, with their elapsed time ticking every second. */
export function RunningRuns({ runs, onAborted }: RunningRunsProps) {
  // Only this section re-renders every second; the 15 s refetch keeps the list itself true.
  const now = useNow(1000);
  return (
    <Stack gap="sm">
      <Title order={3}>Running now</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {runs.map((run) => (
          <RunCard key={run.runId} run={run} now={now} onAborted={onAborted} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

function StatusBadge({ status }: { status: Current['status'] }) {
  if (status === 'stuck') {
    return (
      <Badge color="orange" variant="filled" tt="none">
        Stuck
      </Badge>
    );
  }
  return (
    <Badge color="blue" variant="light" tt="none">
      {status === 'running' ? 'Running' : status}
    </Badge>
  );
}

function RunCard({ run, now, onAborted }: { run: Current; now: Date; onAborted: RunningRunsProps['onAborted'] }) {
  const [confirming, setConfirming] = useState(false);
  const abort = useAbortRun();
  const elapsed = run.startedAt === null ? null : elapsedMinutes(run.startedAt, now);
  const expected = run.expectedMinutes;
  const over = elapsed !== null && expected !== null && elapsed > expected;

  const close = () => {
    setConfirming(false);
    abort.reset();
  };
  const confirm = () => {
    abort.mutate(run.runId, {
      onSuccess: (result) => {
        setConfirming(false);
        onAborted(run, result);
      },
    });
  };

  return (
    <Card withBorder padding="md" radius="md">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600}>{run.scheduleName}</Text>
          <StatusBadge status={run.status} />
        </Group>
        {run.startedAt === null ? (
          <Text size="sm" c="dimmed">
            Starting — HxRun has not reported its start yet.
          </Text>
        ) : (
          <>
            <Text size="sm">Started {formatInstant(run.startedAt)}</Text>
            <Text size="sm">
              {elapsedText(run.startedAt, now)}
              {expected === null
                ? ' so far (no expected duration is set for this schedule)'
                : ` of about ${durationText(expected)}`}
            </Text>
          </>
        )}
        {elapsed !== null && expected !== null && (
          <>
            <Progress
              value={expected > 0 ? Math.min(100, (elapsed / expected) * 100) : 100}
              color={over ? 'orange' : 'blue'}
              aria-label={`Time elapsed against the expected ${durationText(expected)}`}
            />
            {over && (
              <Text size="sm" c="orange.8">
                {durationText(elapsed - expected)} longer than expected.
              </Text>
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button color="red" variant="light" size="xs" onClick={() => { setConfirming(true); }}>
            Abort…
          </Button>
        </Group>
      </Stack>

      <Modal
        opened={confirming}
        onClose={abort.isPending ? () => undefined : close}
        title={`Abort “${run.scheduleName}”?`}
      >
        <Stack gap="md">
          <Text size="sm">
            HxRun will be ended and the method stops where it is, leaving the deck as it is at that moment (plates,
            tips and liquids included).
          </Text>
          <Text size="sm">
            The schedule will need recovery before it runs again: someone checks the deck, then resolves it here with
            a note.
          </Text>
          {abort.isError && (
            <Alert color="red" variant="light" title="Not aborted">
              <Text size="sm">{toCommandError(abort.error).message}</Text>
              <Text size="xs" c="dimmed">
                Error code: {toCommandError(abort.error).code}
              </Text>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={abort.isPending}>
              Keep it running
            </Button>
            <Button color="red" onClick={confirm} loading={abort.isPending}>
              Abort the run
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
