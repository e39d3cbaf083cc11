import {
  Alert,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Modal,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconPlayerPause, IconRobot } from '@tabler/icons-react';
import { useEffect, useState } from 'react';

import type { Current } from '../bindings/Current';
import type { Dashboard } from '../bindings/Dashboard';
import type { Schedule } from '../bindings/Schedule';
import { toCommandError } from '../ipc';
import { displayTimeZone, formatInstant } from '../schedules/format';
import { elapsedPercent, elapsedText, untilText } from './elapsed';
import { useAbortRun, useDashboard, useSetPaused } from './queries';
import { ResolveModal } from './ResolveModal';

/** The current time, ticking every second (for elapsed times). */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => { setNow(new Date()); }, 1000);
    return () => { window.clearInterval(timer); };
  }, []);
  return now;
}

/** What the robot is doing, in one sentence. */
export function robotSentence(dashboard: Dashboard): { title: string; detail: string; color: string } {
  const stuck = dashboard.overview.running.find((r) => r.status === 'stuck');
  if (stuck) {
    return {
      title: `“${stuck.scheduleName}” is stuck`,
      detail: 'VENUS is probably waiting on an error dialog. Go to the robot.',
      color: 'orange',
    };
  }
  const ours = dashboard.overview.running[0];
  if (ours) {
    return { title: `Busy — Deckhand is running “${ours.scheduleName}”`, detail: 'Runs that come due wait for it.', color: 'blue' };
  }
  if (dashboard.foreignRun) {
    return {
      title: 'Busy with a run Deckhand did not start',
      detail: `${dashboard.foreignRun}. Runs that come due wait until the robot is free.`,
      color: 'grape',
    };
  }
  return { title: 'Robot free', detail: 'Nothing is running on the robot.', color: 'teal' };
}

function RunningCard({ run, now, canAbort }: { run: Current; now: Date; canAbort: boolean }) {
  const [confirm, setConfirm] = useState(false);
  const abort = useAbortRun();
  const over = run.startedAt !== null && run.expectedMinutes !== null && elapsedPercent(run.startedAt, run.expectedMinutes, now) > 100;
  return (
    <Card withBorder padding="md" radius="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{run.scheduleName}</Text>
          <Badge color={run.status === 'stuck' ? 'orange' : 'blue'} variant="light">
            {run.status === 'stuck' ? 'Stuck' : 'Running'}
          </Badge>
        </Group>
        {run.startedAt && (
          <Text size="sm">
            Started {formatInstant(run.startedAt)} · {elapsedText(run.startedAt, now)}
            {run.expectedMinutes !== null && ` of about ${run.expectedMinutes} min`}
            {over && ' — longer than expected'}
          </Text>
        )}
        {run.startedAt && run.expectedMinutes !== null && (
          <Progress
            value={Math.min(100, elapsedPercent(run.startedAt, run.expectedMinutes, now))}
            color={over ? 'orange' : 'blue'}
            aria-label={`Elapsed against the expected ${run.expectedMinutes} minutes`}
          />
        )}
        {abort.isError && (
          <Text size="sm" c="red.8">
            {toCommandError(abort.error).message}
          </Text>
        )}
        {canAbort && (
          <Group justify="flex-end">
            <Button color="red" variant="light" size="xs" onClick={() => { setConfirm(true); }} loading={abort.isPending}>
              Abort…
            </Button>
          </Group>
        )}
      </Stack>
      <Modal opened={confirm} onClose={() => { setConfirm(false); }} title={`Abort “${run.scheduleName}”?`}>
        <Stack gap="md">
          <Text size="sm">
            HxRun will be ended and the method stops where it is, with whatever is on the deck. The schedule will then need
            recovery: someone checks the deck and resolves it before it runs again.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => { setConfirm(false); }}>
              Keep it running
            </Button>
            <Button
              color="red"
              onClick={() => {
                setConfirm(false);
                abort.mutate(run.runId);
              }}
            >
              Abort the run
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function RecoveryCard({ schedule, onResolve }: { schedule: Schedule; onResolve: () => void }) {
  return (
    <Card withBorder padding="md" radius="md" style={{ borderColor: 'var(--mantine-color-red-4)' }}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{schedule.name}</Text>
          <Badge color="red">Recovery required</Badge>
        </Group>
        {schedule.recovery && (
          <>
            <Text size="sm">{schedule.recovery.note}</Text>
            <Text size="xs" c="dimmed">
              Marked by {schedule.recovery.actor}, {formatInstant(schedule.recovery.at)}
            </Text>
          </>
        )}
        <Group justify="flex-end">
          <Button size="xs" onClick={onResolve}>
            Resolve…
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Robot status, what runs, what needs a person, what is next. */
export function DashboardPage() {
  const dashboard = useDashboard();
  const setPaused = useSetPaused();
  const now = useNow();
  const [resolving, setResolving] = useState<Schedule | null>(null);

  if (dashboard.isPending) {
    return (
      <Center py={80}>
        <Group gap="sm">
          <Loader size="sm" />
          <Text c="dimmed">Loading…</Text>
        </Group>
      </Center>
    );
  }
  if (dashboard.isError) {
    const { code, message } = toCommandError(dashboard.error);
    return (
      <Alert color="red" variant="light" title="The dashboard could not be loaded" icon={<IconAlertCircle />}>
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{message}</Text>
          <Text size="xs" c="dimmed">
            Error code: {code}
          </Text>
          <Button size="xs" variant="default" onClick={() => void dashboard.refetch()} loading={dashboard.isFetching}>
            Try again
          </Button>
        </Stack>
      </Alert>
    );
  }
  const data = dashboard.data;
  const robot = robotSentence(data);
  const { running, needsRecovery, upcoming } = data.overview;
  const pauseError = setPaused.error ? toCommandError(setPaused.error).message : null;

  return (
    <Stack gap="lg" maw={1200}>
      <Title order={2}>Dashboard</Title>
      {data.paused && (
        <Alert color="yellow" icon={<IconPlayerPause />} title="The scheduler is paused">
          <Group justify="space-between">
            <Text size="sm">No run starts until it is resumed. A method already on the deck goes on.</Text>
            <Button size="xs" onClick={() => { setPaused.mutate(false); }} loading={setPaused.isPending}>
              Resume scheduler
            </Button>
          </Group>
        </Alert>
      )}
      {!data.schedulerHere && (
        <Alert color="gray" title="Read-only here">
          <Text size="sm">
            The scheduler runs in another program, so this window shows what it does but cannot pause it or start runs.
          </Text>
        </Alert>
      )}
      {pauseError && (
        <Text size="sm" c="red.8">
          {pauseError}
        </Text>
      )}

      <Card withBorder padding="lg" radius="md">
        <Group justify="space-between" align="flex-start">
          <Group gap="md" align="flex-start">
            <IconRobot size={32} stroke={1.5} color={`var(--mantine-color-${robot.color}-7)`} />
            <Stack gap={4}>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Robot
              </Text>
              <Text fw={600} size="lg">
                {robot.title}
              </Text>
              <Text size="sm">{robot.detail}</Text>
            </Stack>
          </Group>
          {data.schedulerHere && !data.paused && (
            <Button variant="default" size="xs" onClick={() => { setPaused.mutate(true); }} loading={setPaused.isPending}>
              Pause scheduler
            </Button>
          )}
        </Group>
      </Card>

      {needsRecovery.length > 0 && (
        <Stack gap="sm">
          <Group gap="xs">
            <IconAlertTriangle size={18} color="var(--mantine-color-red-7)" />
            <Title order={3}>Needs a person</Title>
          </Group>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {needsRecovery.map((schedule) => (
              <RecoveryCard key={schedule.id} schedule={schedule} onResolve={() => { setResolving(schedule); }} />
            ))}
          </SimpleGrid>
        </Stack>
      )}

      {running.length > 0 && (
        <Stack gap="sm">
          <Title order={3}>Running now</Title>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {running.map((run) => (
              <RunningCard key={run.runId} run={run} now={now} canAbort />
            ))}
          </SimpleGrid>
        </Stack>
      )}

      <Stack gap="sm">
        <Title order={3}>Next runs</Title>
        {upcoming.length === 0 ? (
          <Text c="dimmed" size="sm">
            Nothing planned — create a schedule on the Schedules page.
          </Text>
        ) : (
          <Card withBorder padding={0} radius="md">
            {upcoming.map((u, i) => (
              <Group
                key={`${u.scheduleId}@${u.at}`}
                justify="space-between"
                px="md"
                py="sm"
                style={i > 0 ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}
              >
                <Text size="sm" fw={500}>
                  {u.scheduleName}
                </Text>
                <Text size="sm">
                  {formatInstant(u.at)}{' '}
                  <Text span c="dimmed" size="sm">
                    ({untilText(u.at, now)})
                  </Text>
                </Text>
              </Group>
            ))}
          </Card>
        )}
        <Text size="sm" c="dimmed">
          Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
        </Text>
      </Stack>
      <ResolveModal schedule={resolving} onClose={() => { setResolving(null); }} />
    </Stack>
  );
}
