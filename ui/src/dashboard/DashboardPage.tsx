import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPause, IconPlugConnectedX, IconRefreshAlert } from '@tabler/icons-react';
import { useState } from 'react';

import type { Current } from '../bindings/Current';
import type { Schedule } from '../bindings/Schedule';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { toCommandError } from '../ipc';
import { formatInstant } from '../schedules/format';
import { NextRuns } from './NextRuns';
import { OutcomeAlert, type Outcome } from './Outcome';
import { useDashboard, useSetPaused } from './queries';
import { RecoveryCards } from './RecoveryCards';
import { ResolveModal } from './ResolveModal';
import { robotStatus } from './robot';
import { RobotCard } from './RobotCard';
import { RunningRuns } from './RunningRuns';
import { WaitingRuns } from './WaitingRuns';
import { Loading } from '../components/Loading';

/** What the robot is doing, what runs, what needs a person, and what is next. */
export function DashboardPage() {
  const dashboard = useDashboard();
  const setPaused = useSetPaused();
  const [resolving, setResolving] = useState<Schedule | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const pause = (paused: boolean) => {
    setOutcome(null);
    setPaused.mutate(paused, {
      onSuccess: () => {
        setOutcome({
          kind: 'done',
          message: paused
            ? 'The scheduler is paused. A method already on the robot goes on; nothing new starts.'
            : 'The scheduler is running again. Runs missed while it was paused follow their schedules’ ' +
              'missed-run rules.',
        });
      },
      onError: (error) => {
        setOutcome({
          kind: 'failed',
          title: paused ? 'The scheduler was not paused' : 'The scheduler was not resumed',
          error: toCommandError(error),
        });
      },
    });
  };
  const aborted = (current: Current) => {
    // With the scheduler in another program, the abort is a request that program carries out;
    // here the engine ends HxRun at once (the run it returns is as it was before the kill).
    const requested = dashboard.data?.schedulerHere === false;
    setOutcome({
      kind: 'done',
      message: requested
        ? `Abort of “${current.scheduleName}” requested: the scheduler in the other program ends HxRun shortly. ` +
          'The schedule then needs recovery.'
        : `“${current.scheduleName}” was aborted. Check the deck, then resolve its recovery below.`,
    });
  };
  const resolved = (schedule: Schedule) => {
    setOutcome({
      kind: 'done',
      message: `“${schedule.name}” is resolved and runs again at its next planned time.`,
    });
  };

  let body;
  if (dashboard.data === undefined) {
    body = dashboard.isError ? (
      <CommandErrorAlert
        title="The dashboard could not be loaded"
        error={dashboard.error}
        onRetry={() => void dashboard.refetch()}
        retrying={dashboard.isFetching}
      />
    ) : (
      <Loading py={80}>Loading the dashboard…</Loading>
    );
  } else {
    const data = dashboard.data;
    const { running, waiting, needsRecovery, upcoming, scheduler } = data.overview;
    const pausing = setPaused.isPending;
    body = (
      <>
        {/* A failed refresh keeps what was last read on screen, marked as possibly out of date. */}
        {dashboard.isError && (
          <Alert color="yellow" variant="light" icon={<IconRefreshAlert />} title="This may be out of date">
            <Group justify="space-between" wrap="nowrap">
              <Stack gap={2}>
                <Text size="sm">The dashboard could not be refreshed: {toCommandError(dashboard.error).message}</Text>
                <Text size="xs" c="dimmed">
                  Error code: {toCommandError(dashboard.error).code}
                </Text>
              </Stack>
              <Button
                size="xs"
                variant="default"
                onClick={() => void dashboard.refetch()}
                loading={dashboard.isFetching}
              >
                Try again
              </Button>
            </Group>
          </Alert>
        )}
        {scheduler.paused && (
          <Alert color="yellow" variant="light" icon={<IconPlayerPause />} title="The scheduler is paused">
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm">
                {scheduler.changedBy !== null && scheduler.changedAt !== null
                  ? `Paused by ${scheduler.changedBy} on ${formatInstant(scheduler.changedAt)}. `
                  : ''}
                No run starts by itself until it is resumed, even after a restart. A method already on the robot goes
                on.
              </Text>
              <Button onClick={() => { pause(false); }} loading={pausing} style={{ flexShrink: 0 }}>
                Resume scheduler
              </Button>
            </Group>
          </Alert>
        )}
        {!data.schedulerHere && (
          <Alert color="gray" variant="light" icon={<IconPlugConnectedX />} title="Mostly read-only here">
            <Text size="sm">
              The scheduler runs in another program. A pause, an abort or a resolve made here is passed on to it. An
              action this window cannot do says so when you try it.
            </Text>
          </Alert>
        )}
        <RobotCard status={robotStatus(data)} paused={scheduler.paused} onPause={() => { pause(true); }} pausing={pausing} />
        {running.length > 0 && <RunningRuns runs={running} onAborted={aborted} />}
        {waiting.length > 0 && <WaitingRuns runs={waiting} />}
        {needsRecovery.length > 0 && <RecoveryCards schedules={needsRecovery} onResolve={setResolving} />}
        <NextRuns upcoming={upcoming} paused={scheduler.paused} />
      </>
    );
  }

  return (
    <Stack gap="lg" maw={1200}>
      <Title order={2}>Dashboard</Title>
      {outcome !== null && <OutcomeAlert outcome={outcome} onDismiss={() => { setOutcome(null); }} />}
      {body}
      <ResolveModal schedule={resolving} onClose={() => { setResolving(null); }} onResolved={resolved} />
    </Stack>
  );
}
