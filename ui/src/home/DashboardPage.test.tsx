import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import type { Dashboard } from '../bindings/Dashboard';
import type { Schedule } from '../bindings/Schedule';
import { CommandError, commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { DashboardPage, robotSentence } from './DashboardPage';
import { elapsedText, untilText } from './elapsed';

const idle: Dashboard = {
  overview: { running: [], needsRecovery: [], upcoming: [] },
  foreignRun: null,
  paused: false,
  schedulerHere: true,
};

function running(status: 'running' | 'stuck' = 'running') {
  return {
    runId: 'run-1',
    scheduleId: 's1',
    scheduleName: 'Plate prep',
    status,
    startedAt: new Date(Date.now() - 12 * 60_000).toISOString(),
    expectedMinutes: 45,
  };
}

const recovering = {
  id: 's2',
  name: 'Nightly wash',
  recovery: { note: 'The run aborted. Check the deck, then resolve.', actor: 'engine', at: '2026-06-01T08:10:00Z' },
} as unknown as Schedule;

describe('robot status', () => {
  test('says what the robot is doing', () => {
    expect(robotSentence(idle).title).toBe('Robot free');
    expect(robotSentence({ ...idle, foreignRun: 'HxRun.exe, pid 4242' }).detail).toContain('HxRun.exe, pid 4242');
    expect(robotSentence({ ...idle, overview: { ...idle.overview, running: [running()] } }).title).toBe(
      'Busy — Deckhand is running “Plate prep”',
    );
    expect(robotSentence({ ...idle, overview: { ...idle.overview, running: [running('stuck')] } }).detail).toContain(
      'Go to the robot',
    );
  });

  test('elapsed and relative times read plainly', () => {
    const now = new Date('2026-06-01T10:00:00Z');
    expect(elapsedText('2026-06-01T08:55:00Z', now)).toBe('1 h 05 min');
    expect(untilText('2026-06-01T12:00:00Z', now)).toBe('in 2 h');
    expect(untilText('2026-06-01T09:00:00Z', now)).toBe('now');
  });
});

describe('DashboardPage', () => {
  test('an empty lab says what to do next', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(idle);
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('Robot free')).toBeTruthy();
    expect(screen.getByText(/Nothing planned — create a schedule/)).toBeTruthy();
  });

  test('a paused scheduler can be resumed from its banner', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue({ ...idle, paused: true });
    const resume = vi.spyOn(commands, 'setSchedulerPaused').mockResolvedValue(null);
    renderWithApp(<DashboardPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Resume scheduler' }));
    expect(resume).toHaveBeenCalledWith(false);
  });

  test('aborting asks first, then aborts that run', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue({ ...idle, overview: { ...idle.overview, running: [running()] } });
    const abort = vi.spyOn(commands, 'abortRun').mockResolvedValue({} as never);
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText(/12 min of about 45 min/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Abort…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/schedule will then need\s+recovery/)).toBeTruthy();
    expect(abort).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Abort the run' }));
    expect(abort).toHaveBeenCalledWith('run-1');
  });

  test('resolving needs a note and a name, then sends them', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue({
      ...idle,
      overview: { ...idle.overview, needsRecovery: [recovering] },
    });
    const resolve = vi.spyOn(commands, 'resolveRecovery').mockResolvedValue(recovering);
    renderWithApp(<DashboardPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Resolve…' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));
    expect(within(dialog).getByText('Say what was done, for the next person.')).toBeTruthy();
    expect(within(dialog).getByText(/Give your name/)).toBeTruthy();
    expect(resolve).not.toHaveBeenCalled();
    await userEvent.type(within(dialog).getByLabelText('What did you do?'), 'Cleared the deck');
    await userEvent.type(within(dialog).getByLabelText('Your name'), 'Ann Lee');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));
    expect(resolve).toHaveBeenCalledWith('s2', 'Cleared the deck', 'Ann Lee');
  });

  test("the server's field messages appear by their inputs", async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue({
      ...idle,
      overview: { ...idle.overview, needsRecovery: [recovering] },
    });
    vi.spyOn(commands, 'resolveRecovery').mockRejectedValue(
      new CommandError({
        code: 'invalid_input',
        message: 'The note is too long.',
        fields: [{ field: 'note', message: 'The note is longer than 2,000 characters.' }],
        current: null,
      }),
    );
    renderWithApp(<DashboardPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Resolve…' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('What did you do?'), 'x');
    await userEvent.type(within(dialog).getByLabelText('Your name'), 'Ann');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));
    expect(await within(dialog).findByText('The note is longer than 2,000 characters.')).toBeTruthy();
  });

  test('a load error offers to try again', async () => {
    const load = vi
      .spyOn(commands, 'getDashboard')
      .mockRejectedValueOnce(new CommandError({ code: 'database_busy', message: 'The database is busy.', fields: [], current: null }))
      .mockResolvedValue(idle);
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('The database is busy.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Robot free')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
