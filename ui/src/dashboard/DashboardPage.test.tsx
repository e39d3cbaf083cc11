import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, test, vi } from 'vitest';

import { commands } from '../ipc';
import { aRun, commandError } from '../schedules/fixtures';
import { formatInstant } from '../schedules/format';
import { renderWithApp } from '../test/render';
import { DashboardPage } from './DashboardPage';
import { aCurrent, aDashboard, aRecovering, PAUSED_BY_ANN } from './fixtures';

afterEach(() => {
  vi.useRealTimers();
});

describe('loading', () => {
  test('shows a loader, then the dashboard', async () => {
    let answer: (value: ReturnType<typeof aDashboard>) => void = () => undefined;
    vi.spyOn(commands, 'getDashboard').mockReturnValue(new Promise((resolve) => { answer = resolve; }));
    renderWithApp(<DashboardPage />);
    expect(screen.getByText('Loading the dashboard…')).toBeTruthy();
    act(() => { answer(aDashboard()); });
    expect(await screen.findByText('Robot free')).toBeTruthy();
    expect(screen.queryByText('Loading the dashboard…')).toBeNull();
  });

  test('a load error says what happened, with its code, and can be tried again', async () => {
    const load = vi
      .spyOn(commands, 'getDashboard')
      .mockRejectedValueOnce(commandError('database_busy', 'The database is busy; try again in a moment.'))
      .mockResolvedValue(aDashboard());
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('The dashboard could not be loaded')).toBeTruthy();
    expect(screen.getByText('The database is busy; try again in a moment.')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Robot free')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });
  test('a failed refresh keeps what was read, marked as possibly out of date', async () => {
    vi.spyOn(commands, 'getDashboard')
      .mockResolvedValueOnce(aDashboard())
      .mockRejectedValue(commandError('database_busy', 'The database is busy; try again in a moment.'));
    const { client } = renderWithApp(<DashboardPage />);
    expect(await screen.findByText('Robot free')).toBeTruthy();
    await act(() => client.refetchQueries({ queryKey: ['overview'] }));
    expect(await screen.findByText('This may be out of date')).toBeTruthy();
    expect(screen.getByText(/could not be refreshed: The database is busy/)).toBeTruthy();
    expect(screen.getByText('Robot free')).toBeTruthy();
  });
});

describe('robot status', () => {
  test.each([
    ['free', aDashboard(), 'Robot free'],
    ['running', aDashboard({}, { running: [aCurrent(12)] }), 'Busy — Deckhand is running “Plate prep”'],
    [
      'busy with a foreign run',
      aDashboard({ foreignRun: 'HxRun.exe, pid 4242' }),
      'Busy with a run Deckhand did not start: HxRun.exe, pid 4242',
    ],
    [
      'stuck',
      aDashboard({}, { running: [aCurrent(60, { status: 'stuck' })] }),
      '“Plate prep” is stuck — VENUS is probably waiting on a dialog; go to the robot',
    ],
  ])('%s', async (_, dashboard, wording) => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(dashboard);
    renderWithApp(<DashboardPage />);
    expect((await screen.findByRole('status')).textContent).toBe(wording);
  });

  test('a foreign run makes due runs wait, and the waiting runs say so', async () => {
    const reason = 'Waiting: the robot is busy with a run Deckhand did not start (HxRun.exe, process 4242).';
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(
      aDashboard(
        { foreignRun: 'HxRun.exe, pid 4242' },
        {
          waiting: [
            {
              runId: 'run-9',
              scheduleId: 'schedule-9',
              scheduleName: 'Buffer fill',
              slot: '2026-06-15T12:00:00Z',
              attempt: 2,
              reason,
              waitUntil: '2026-06-15T12:08:00Z',
            },
            {
              runId: 'run-10',
              scheduleId: 'schedule-10',
              scheduleName: 'Plate wash',
              slot: '2026-06-15T12:01:00Z',
              attempt: 1,
              reason,
              waitUntil: '2026-06-15T12:09:00Z',
            },
          ],
        },
      ),
    );
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText(/Runs that come due wait until it has finished/)).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Waiting to start' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    const [first, second] = items as [HTMLElement, HTMLElement];
    expect(within(first).getByText('Buffer fill')).toBeTruthy();
    expect(within(first).getByText('Next to start')).toBeTruthy();
    expect(within(first).getByText(`Due ${formatInstant('2026-06-15T12:00:00Z')}`)).toBeTruthy();
    expect(within(first).getByText('Waiting · try 2')).toBeTruthy();
    expect(within(first).getByText(reason)).toBeTruthy();
    expect(
      within(first).getByText(
        `May wait until ${formatInstant('2026-06-15T12:08:00Z')}; skipped if the robot is still busy then.`,
      ),
    ).toBeTruthy();
    expect(within(second).getByText('Plate wash')).toBeTruthy();
    expect(within(second).getByLabelText('Number 2 in line')).toBeTruthy();
    expect(within(second).queryByText('Next to start')).toBeNull();
  });

  test('nothing waiting, no waiting list', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard());
    renderWithApp(<DashboardPage />);
    await screen.findByText('Next runs');
    expect(screen.queryByText('Waiting to start')).toBeNull();
  });
});

describe('the scheduler switch', () => {
  test('a paused scheduler is resumed from its banner', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard({}, { scheduler: PAUSED_BY_ANN }));
    const setPaused = vi.spyOn(commands, 'setSchedulerPaused').mockResolvedValue(null);
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('The scheduler is paused')).toBeTruthy();
    expect(
      screen.getByText(`Paused by Ann on ${formatInstant('2026-06-15T12:05:00Z')}.`, { exact: false }),
      'who paused it and when',
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Pause scheduler' }), 'no pause while paused').toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Resume scheduler' }));
    expect(setPaused).toHaveBeenCalledExactlyOnceWith(false);
    expect(await screen.findByText(/The scheduler is running again/)).toBeTruthy();
  });

  test('a running scheduler is paused from the robot card', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard());
    const setPaused = vi.spyOn(commands, 'setSchedulerPaused').mockResolvedValue(null);
    renderWithApp(<DashboardPage />);
    expect(screen.queryByText('The scheduler is paused')).toBeNull();
    await userEvent.click(await screen.findByRole('button', { name: 'Pause scheduler' }));
    expect(setPaused).toHaveBeenCalledExactlyOnceWith(true);
  });

  test('with the scheduler in another program, the page says so and shows why an action failed', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard({ schedulerHere: false }));
    vi.spyOn(commands, 'setSchedulerPaused').mockRejectedValue(
      commandError('scheduler_elsewhere', 'The scheduler does not run in this window, so it cannot do that.'),
    );
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('Mostly read-only here')).toBeTruthy();
    expect(screen.getByText(/The scheduler runs in another program/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Pause scheduler' }));
    expect(await screen.findByText('The scheduler was not paused')).toBeTruthy();
    expect(screen.getByText('The scheduler does not run in this window, so it cannot do that.')).toBeTruthy();
    expect(screen.getByText('Error code: scheduler_elsewhere')).toBeTruthy();
  });
});

describe('running runs', () => {
  test('show start time, elapsed against expected, and status', async () => {
    const run = aCurrent(12);
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard({}, { running: [run] }));
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('12 min of about 45 min')).toBeTruthy();
    expect(screen.getByText(`Started ${formatInstant(run.startedAt ?? '')}`)).toBeTruthy();
    expect(screen.getByText('Running')).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Time elapsed against the expected 45 min' });
    expect(Number(bar.getAttribute('aria-valuenow'))).toBeCloseTo(((12 * 60 + 5) / (45 * 60)) * 100, 1);
    expect(bar.getAttribute('style')).toContain('blue');
    expect(screen.queryByText(/longer than expected/)).toBeNull();
  });

  test('turn orange past the expected duration', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(
      aDashboard({}, { running: [aCurrent(50, { status: 'stuck' })] }),
    );
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('50 min of about 45 min')).toBeTruthy();
    expect(screen.getByText('5 min longer than expected.')).toBeTruthy();
    expect(screen.getByText('Stuck')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('style')).toContain('orange');
  });

  test('elapsed time ticks every second, and the data is read again every 15 s', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], shouldAdvanceTime: true });
    // Two seconds short of 13 minutes.
    const startedAt = new Date(Date.now() - (13 * 60 - 2) * 1000).toISOString();
    const load = vi
      .spyOn(commands, 'getDashboard')
      .mockResolvedValue(aDashboard({}, { running: [aCurrent(12, { startedAt })] }));
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText('12 min of about 45 min')).toBeTruthy();
    act(() => { vi.advanceTimersByTime(3_000); });
    expect(screen.getByText('13 min of about 45 min')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(1);
    await act(async () => { await vi.advanceTimersByTimeAsync(15_000); });
    expect(load).toHaveBeenCalledTimes(2);
  });

  test('abort asks first, says what will happen, then aborts that run', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard({}, { running: [aCurrent(12)] }));
    // The engine answers with the run as it was just before it ended HxRun.
    const abort = vi.spyOn(commands, 'abortRun').mockResolvedValue(aRun({ id: 'run-1', status: 'stuck' }));
    renderWithApp(<DashboardPage />);

    await userEvent.click(await screen.findByRole('button', { name: 'Abort…' }));
    let dialog = await screen.findByRole('dialog', { name: 'Abort “Plate prep”?' });
    expect(within(dialog).getByText(/HxRun will be ended and the method stops where it is/)).toBeTruthy();
    expect(within(dialog).getByText(/The schedule will need recovery before it runs again/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep it running' }));
    expect(abort).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Abort…' }));
    dialog = await screen.findByRole('dialog', { name: 'Abort “Plate prep”?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Abort the run' }));
    expect(abort).toHaveBeenCalledExactlyOnceWith('run-1');
    expect(await screen.findByText(/“Plate prep” was aborted\. Check the deck/)).toBeTruthy();
  });

  test('with the scheduler in another program, an abort is a request it carries out', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(
      aDashboard({ schedulerHere: false }, { running: [aCurrent(12)] }),
    );
    const abort = vi.spyOn(commands, 'abortRun').mockResolvedValue(aRun({ id: 'run-1', status: 'running' }));
    renderWithApp(<DashboardPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Abort…' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Abort the run' }));
    expect(abort).toHaveBeenCalledExactlyOnceWith('run-1');
    expect(await screen.findByText(/Abort of “Plate prep” requested: the scheduler in the other program/))
      .toBeTruthy();
  });

  test('a refused abort says why in the dialog', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard({}, { running: [aCurrent(12)] }));
    vi.spyOn(commands, 'abortRun').mockRejectedValue(
      commandError('invalid_input', 'This run is completed; only a running (or stuck) run can be aborted.'),
    );
    renderWithApp(<DashboardPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Abort…' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Abort the run' }));
    expect(await within(dialog).findByText('Not aborted')).toBeTruthy();
    expect(within(dialog).getByText(/only a running \(or stuck\) run can be aborted/)).toBeTruthy();
    expect(within(dialog).getByText('Error code: invalid_input')).toBeTruthy();
  });
});

describe('recovery', () => {
  async function openResolve() {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard({}, { needsRecovery: [aRecovering()] }));
    const result = renderWithApp(<DashboardPage />);
    const card = await screen.findByRole('region', { name: 'Recovery of Nightly wash' });
    await userEvent.click(within(card).getByRole('button', { name: 'Resolve…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Resolve “Nightly wash”' });
    return { ...result, card, dialog };
  }

  test('a card shows the note and who marked it when', async () => {
    const { card } = await openResolve();
    expect(within(card).getByText('The run was aborted by ann. Check the deck, then resolve.')).toBeTruthy();
    expect(within(card).getByText(`Marked by engine, ${formatInstant('2026-06-01T08:10:00Z')}`)).toBeTruthy();
  });

  test('resolving needs a note and a name; nothing is sent without them', async () => {
    const resolve = vi.spyOn(commands, 'resolveRecovery');
    const { dialog } = await openResolve();
    const note = within(dialog).getByRole('textbox', { name: 'What did you do?' });
    const name = within(dialog).getByRole('textbox', { name: 'Your name' });
    expect((name as HTMLInputElement).value, 'the name starts empty').toBe('');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));
    expect(within(dialog).getByText('Say what you did, so the next person knows the state of the deck.')).toBeTruthy();
    expect(within(dialog).getByText('Give your name: the audit log records who resolved it.')).toBeTruthy();

    await userEvent.type(note, 'Cleared the deck');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));
    expect(within(dialog).queryByText(/Say what you did/)).toBeNull();
    expect(within(dialog).getByText(/Give your name/)).toBeTruthy();

    await userEvent.type(name, '   ');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));
    expect(within(dialog).getByText(/Give your name/), 'spaces are not a name').toBeTruthy();
    expect(resolve).not.toHaveBeenCalled();
  });

  test('a resolve sends the note and name, closes, and refreshes the dashboard and the schedules', async () => {
    const resolve = vi
      .spyOn(commands, 'resolveRecovery')
      .mockResolvedValue(aRecovering({ recovery: null, active: true }));
    const { dialog, client } = await openResolve();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    const note = within(dialog).getByRole('textbox', { name: 'What did you do?' });
    await userEvent.type(note, 'Cleared the deck, refilled tips');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Your name' }), 'Ann Lee');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));

    expect(resolve).toHaveBeenCalledExactlyOnceWith('schedule-2', 'Cleared the deck, refilled tips', 'Ann Lee');
    expect(await screen.findByText('“Nightly wash” is resolved and runs again at its next planned time.'))
      .toBeTruthy();
    await vi.waitFor(() => { expect(screen.queryByRole('dialog')).toBeNull(); });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['overview'] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['schedules'] });
  });

  test("the core's field messages appear by their inputs", async () => {
    vi.spyOn(commands, 'resolveRecovery').mockRejectedValue(
      commandError('invalid_input', 'The note is 2001 characters long; at most 2000 are allowed.', {
        fields: [
          { field: 'note', message: 'The note is 2001 characters long; at most 2000 are allowed.' },
          { field: 'actor', message: 'Who did it (the actor) contains a line break, tab or other control character.' },
        ],
      }),
    );
    const { dialog } = await openResolve();
    const note = within(dialog).getByRole('textbox', { name: 'What did you do?' });
    await userEvent.type(note, 'x');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Your name' }), 'Ann');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));

    const noteMessage = await within(dialog).findByText('The note is 2001 characters long; at most 2000 are allowed.');
    expect(note.getAttribute('aria-describedby')).toContain(noteMessage.id);
    expect(within(dialog).getByText(/contains a line break, tab or other control character/)).toBeTruthy();
    expect(within(dialog).queryByText('Not resolved'), 'placed by the inputs, not in an alert').toBeNull();
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  test('an error that belongs to no input is shown in the dialog with its code', async () => {
    const NOTHING_TO_RESOLVE = "Schedule 'Nightly wash' does not need recovery; there is nothing to resolve.";
    vi.spyOn(commands, 'resolveRecovery').mockRejectedValue(
      commandError('invalid_input', NOTHING_TO_RESOLVE, { fields: [{ field: 'id', message: NOTHING_TO_RESOLVE }] }),
    );
    const { dialog } = await openResolve();
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'What did you do?' }), 'Cleared it');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Your name' }), 'Ann');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Resolve and run again' }));
    expect(await within(dialog).findByText('Not resolved')).toBeTruthy();
    expect(within(dialog).getByText(/does not need recovery/)).toBeTruthy();
    expect(within(dialog).getByText('Error code: invalid_input')).toBeTruthy();
  });
});

describe('next runs', () => {
  test('are listed with local time and how far off they are', async () => {
    const at = new Date(Date.now() + 2 * 3_600_000 + 10_000).toISOString();
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(
      aDashboard({}, { upcoming: [{ scheduleId: 'schedule-1', scheduleName: 'Plate prep', at }] }),
    );
    renderWithApp(<DashboardPage />);
    const list = await screen.findByRole('list', { name: 'Next runs' });
    expect(within(list).getByText('Plate prep')).toBeTruthy();
    expect(within(list).getByText(formatInstant(at), { exact: false })).toBeTruthy();
    expect(within(list).getByText('(in 2 h)')).toBeTruthy();
  });

  test('an empty plan says what to do next', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue(aDashboard());
    renderWithApp(<DashboardPage />);
    expect(await screen.findByText(/^Nothing planned\. Paused or archived schedules/)).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Next runs' })).toBeNull();
  });
});
