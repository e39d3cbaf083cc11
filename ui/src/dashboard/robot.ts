import type { Dashboard } from '../bindings/Dashboard';

export type RobotState = 'stuck' | 'ours' | 'foreign' | 'free';

export interface RobotStatus {
  state: RobotState;
  /** The one sentence a person reads from across the lab. */
  title: string;
  /** What it means for the runs that come due. */
  detail: string;
  /** A Mantine theme colour. */
  color: string;
}

function quoted(names: string[]): string {
  const list = names.map((name) => `“${name}”`);
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list.at(-1) ?? ''}`;
}

/**
 * What the robot is doing. A stuck run comes first because it needs someone at the robot; then
 * Deckhand's own runs; then a run someone started by hand (the engine waits for it).
 */
export function robotStatus(dashboard: Dashboard): RobotStatus {
  const { running } = dashboard.overview;
  const stuck = running.find((run) => run.status === 'stuck');
  if (stuck) {
    return {
      state: 'stuck',
      title: `“${stuck.scheduleName}” is stuck — VENUS is probably waiting on a dialog; go to the robot`,
      detail:
        'Its trace has been silent for longer than the stuck threshold while HxRun is still open. ' +
        'Runs that come due wait until the robot is free.',
      color: 'orange',
    };
  }
  if (running.length > 0) {
    return {
      state: 'ours',
      title: `Busy — Deckhand is running ${quoted(running.map((run) => run.scheduleName))}`,
      detail: dashboard.foreignRun
        ? `A run Deckhand did not start is on the robot too: ${dashboard.foreignRun}.`
        : 'Runs that come due meanwhile wait until the robot is free.',
      color: 'blue',
    };
  }
  if (dashboard.foreignRun) {
    return {
      state: 'foreign',
      title: `Busy with a run Deckhand did not start: ${dashboard.foreignRun}`,
      detail: 'Runs that come due wait until it has finished and the robot is free.',
      color: 'grape',
    };
  }
  return {
    state: 'free',
    title: 'Robot free',
    detail: dashboard.overview.scheduler.paused
      ? 'Nothing runs on it, and the scheduler is paused, so nothing starts by itself.'
      : 'Nothing runs on it. The next run starts at its time.',
    color: 'teal',
  };
}
