import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, test, vi } from 'vitest';

import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { HistoryQuery } from '../bindings/HistoryQuery';
import type { Run } from '../bindings/Run';
import type { Schedule } from '../bindings/Schedule';
import { CommandError, commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { dayRangeToInstants } from './dayRange';
import { HistoryPage } from './HistoryPage';

const COMMAND_LINE = '"C:\\Program Files (x86)\\HAMILTON\\Bin\\HxRun.exe" C:\\Methods\\Prep.med -r -t';
const TRACE_FILE = 'C:\\Program Files (x86)\\HAMILTON\\LogFiles\\Prep_abc_Trace.trc';

const NO_FILTER_QUERY: HistoryQuery = { scheduleId: null, status: null, from: null, to: null, limit: 50, offset: 0 };

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    scheduleId: 'sched-prep',
    slot: '2026-06-16T06:00:00.000Z',
    origin: 'schedule',
    status: 'completed',
    attempt: 1,
    missedCount: null,
    queuedAt: '2026-06-16T06:00:00.000Z',
    startedAt: '2026-06-16T06:00:05.000Z',
    endedAt: '2026-06-16T06:42:05.000Z',
    commandLine: COMMAND_LINE,
    pid: 4242,
    exitCode: 0,
    traceFile: TRACE_FILE,
    outcomeDetail: '2026-06-16 08:42:05> SYSTEM : End method - complete;',
    errorMessage: null,
    deckEvidence: null,
    waitUntil: null,
    ...overrides,
  };
}

function entry(overrides: Partial<Run> = {}, more: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    run: run(overrides),
    scheduleName: 'Plate prep',
    methodPath: 'C:\\Methods\\Prep.med',
    scheduleDeleted: false,
    ...more,
  };
}

function schedule(id: string, name: string, archived = false): Schedule {
  return {
    id,
    name,
    methodPath: `C:\\Methods\\${name}.med`,
    recurrence: { kind: 'daily', start: '2026-06-01T06:00:00.000Z' },
    retry: { maxAttempts: 5, delayMinutes: 2, backoff: 'fixed', maxDelayMinutes: 30 },
    missedRuns: { catchUp: true, graceMinutes: 15 },
    expectedDurationMinutes: null,
    stuckMinutes: null,
    active: !archived,
    archived,
    recovery: null,
    nextRun: null,
    lastRun: null,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
  };
}

/** `count` distinct entries, for a full page. */
function manyEntries(count: number, first = 0): HistoryEntry[] {
  return Array.from({ length: count }, (_, i) => entry({ id: `run-${first + i}` }));
}

function mockSchedules() {
  return vi
    .spyOn(commands, 'listSchedules')
    .mockResolvedValue([schedule('sched-prep', 'Plate prep'), schedule('sched-wash', 'Washer', true)]);
}

/** A day of the month the date picker opens on (the current one), as "YYYY-MM-DD". */
function dayThisMonth(day: number): string {
  const now = new Date();
  const month = String(now.getMonth() + 1).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${String(day).padStart(2, '0')}`;
}

/** The date picker's label for a day: "10 November 2026". */
function dayLabel(day: number): string {
  const now = new Date();
  return `${day} ${now.toLocaleString('en-US', { month: 'long' })} ${now.getFullYear()}`;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('HistoryPage', () => {
  test('loads the newest page with no filters and shows each run', async () => {
    mockSchedules();
    const history = vi.spyOn(commands, 'getHistory').mockResolvedValue({
      entries: [
        entry(),
        entry(
          {
            id: 'run-2',
            status: 'missed',
            missedCount: 3,
            startedAt: null,
            endedAt: null,
            commandLine: null,
            pid: null,
            exitCode: null,
            traceFile: null,
            outcomeDetail: null,
            errorMessage: 'Deckhand was not running when 3 runs were due.',
          },
          { scheduleName: 'Old assay', scheduleDeleted: true },
        ),
      ],
      hasMore: false,
    });
    renderWithApp(<HistoryPage />);

    expect(screen.getByText('Loading history…')).toBeTruthy();
    expect(await screen.findByText('Old assay')).toBeTruthy();
    expect(history).toHaveBeenCalledWith(NO_FILTER_QUERY);
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(3);
    const [, first, second] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(first).getByText('Plate prep')).toBeTruthy();
    expect(within(first).getByText('Completed')).toBeTruthy();
    expect(within(first).getByText('42 min')).toBeTruthy();
    // The deciding words without VENUS's time stamp; the whole line in the tooltip.
    const deciding = within(first).getByText('End method - complete');
    expect(deciding.getAttribute('title')).toBe('2026-06-16 08:42:05> SYSTEM : End method - complete;');
    expect(within(first).queryByText('(deleted)')).toBeNull();
    expect(within(second).getByText('(deleted)')).toBeTruthy();
    expect(within(second).getByText('Missed')).toBeTruthy();
    expect(within(second).getByText('×3')).toBeTruthy();
    expect(within(second).getByText('Not started')).toBeTruthy();
    expect(within(second).getByText('Deckhand was not running when 3 runs were due.')).toBeTruthy();
    expect(screen.getByText('Showing 1–2')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Previous' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Next' })).toHaveProperty('disabled', true);
  });

  test('each filter narrows the query the core gets, and Clear filters undoes them', async () => {
    // A PC east of UTC, so that local midnight and UTC midnight differ.
    vi.stubEnv('TZ', 'Europe/Berlin');
    const user = userEvent.setup();
    mockSchedules();
    const history = vi.spyOn(commands, 'getHistory').mockResolvedValue({ entries: [entry()], hasMore: false });
    renderWithApp(<HistoryPage />);
    await screen.findByText('Showing 1–1');

    await user.click(screen.getByRole('combobox', { name: 'Schedule' }));
    await user.click(await screen.findByRole('option', { name: 'Washer (archived)' }));
    await waitFor(() => {
      expect(history).toHaveBeenLastCalledWith({ ...NO_FILTER_QUERY, scheduleId: 'sched-wash' });
    });

    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Stuck' }));
    await waitFor(() => {
      expect(history).toHaveBeenLastCalledWith({ ...NO_FILTER_QUERY, scheduleId: 'sched-wash', status: 'stuck' });
    });

    await user.click(screen.getByRole('button', { name: 'Due between' }));
    await user.click(await screen.findByRole('button', { name: dayLabel(10) }));
    await user.click(screen.getByRole('button', { name: dayLabel(12) }));
    const { from, to } = dayRangeToInstants([dayThisMonth(10), dayThisMonth(12)]);
    // Whole local days: from midnight of the 10th to midnight after the 12th.
    expect(from).toBe(new Date(new Date().getFullYear(), new Date().getMonth(), 10).toISOString());
    expect(to).toBe(new Date(new Date().getFullYear(), new Date().getMonth(), 13).toISOString());
    expect(from?.endsWith('T00:00:00.000Z'), 'Berlin midnight is not UTC midnight').toBe(false);
    await waitFor(() => {
      expect(history).toHaveBeenLastCalledWith({
        ...NO_FILTER_QUERY,
        scheduleId: 'sched-wash',
        status: 'stuck',
        from,
        to,
      });
    });

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => {
      expect(screen.getByRole('combobox', { name: 'Status' })).toHaveProperty('value', 'All statuses');
    });
    expect(screen.getByRole('combobox', { name: 'Schedule' })).toHaveProperty('value', 'All schedules');
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
    // Back to the first, unfiltered query, which is still cached.
    expect(history.mock.calls.map(([query]) => query)).toContainEqual(NO_FILTER_QUERY);
  });

  test('pages of 50: Next asks for the next offset, Previous goes back, a filter starts again', async () => {
    const user = userEvent.setup();
    mockSchedules();
    // One full page, unfiltered; the other pages and the filtered list hold a few runs each,
    // which is all the paging needs (the offsets come from the page size, not from how many runs
    // came back), and 50 rows take a long time to draw in jsdom.
    const history = vi.spyOn(commands, 'getHistory').mockImplementation((query) =>
      Promise.resolve(
        query.offset === 0 && query.status === null
          ? { entries: manyEntries(50), hasMore: true }
          : { entries: manyEntries(3, query.offset), hasMore: query.offset < 100 },
      ),
    );
    renderWithApp(<HistoryPage />);
    expect(await screen.findByText('Showing 1–50')).toBeTruthy();
    expect(screen.getByRole('table').querySelectorAll('tbody tr'), 'a full page of 50 rows').toHaveLength(50);
    // Found once: role queries over 50 rows are slow in jsdom, and the pager stays in place.
    const previous = screen.getByRole('button', { name: 'Previous' });
    const next = screen.getByRole('button', { name: 'Next' });
    expect(previous).toHaveProperty('disabled', true);

    await user.click(next);
    expect(await screen.findByText('Showing 51–53')).toBeTruthy();
    expect(history).toHaveBeenLastCalledWith({ ...NO_FILTER_QUERY, offset: 50 });

    await user.click(next);
    expect(await screen.findByText('Showing 101–103')).toBeTruthy();
    expect(history).toHaveBeenLastCalledWith({ ...NO_FILTER_QUERY, offset: 100 });
    await waitFor(() => {
      expect(next, 'no page after the last').toHaveProperty('disabled', true);
    });

    await user.click(previous);
    expect(await screen.findByText('Showing 51–53')).toBeTruthy();

    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Failed' }));
    await waitFor(() => {
      expect(history).toHaveBeenLastCalledWith({ ...NO_FILTER_QUERY, status: 'failed', offset: 0 });
    });
    expect(await screen.findByText('Showing 1–3'), 'the first page of the filtered runs').toBeTruthy();
  });

  test('the details panel shows everything about a run, from a click or the keyboard', async () => {
    const user = userEvent.setup();
    mockSchedules();
    vi.spyOn(commands, 'getHistory').mockResolvedValue({
      entries: [
        entry({
          id: 'run-aborted',
          status: 'aborted',
          origin: 'catch_up',
          attempt: 2,
          queuedAt: '2026-06-16T06:10:00.000Z',
          startedAt: '2026-06-16T06:13:00.000Z',
          endedAt: '2026-06-16T06:25:00.000Z',
          exitCode: 3,
          outcomeDetail: '2026-06-16 08:24:59> SYSTEM : Method has been aborted by the user - complete;',
          errorMessage: 'The method was aborted; the schedule needs recovery.',
          deckEvidence:
            'May have been touched. The method started on the deck (line 5: “2026-06-16 08:13:04> SYSTEM : Execute method - start”).',
        }),
      ],
      hasMore: false,
    });
    renderWithApp(<HistoryPage />);
    const details = await screen.findByRole('button', { name: /^Details of the Plate prep run due/ });

    details.focus();
    await user.keyboard('{Enter}');
    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).getByText('Run details')).toBeTruthy();
    expect(within(drawer).getByText('Aborted')).toBeTruthy();
    expect(within(drawer).getByText(/Check the deck before the schedule runs again/)).toBeTruthy();
    expect(within(drawer).getByText('Catch-up for a run missed while Deckhand was closed')).toBeTruthy();
    expect(within(drawer).getByText('10 min after it was due', { exact: false })).toBeTruthy();
    expect(within(drawer).getByText('3 min after it was queued', { exact: false })).toBeTruthy();
    expect(within(drawer).getByText('ran for 12 min', { exact: false })).toBeTruthy();
    const cell = (label: string) => {
      const header = within(drawer).getByRole('rowheader', { name: label });
      return within(header.closest('tr') as HTMLElement);
    };
    expect(cell('Attempts').getByText('2')).toBeTruthy();
    expect(cell('Command line').getByText(COMMAND_LINE)).toBeTruthy();
    expect(cell('Command line').getByRole('button', { name: 'Copy the command line' })).toBeTruthy();
    expect(cell('Process id').getByText('4242')).toBeTruthy();
    expect(cell('Exit code').getByText('3')).toBeTruthy();
    expect(
      cell('Deciding trace line').getByText(
        '2026-06-16 08:24:59> SYSTEM : Method has been aborted by the user - complete;',
      ),
    ).toBeTruthy();
    expect(cell('Trace file').getByText(TRACE_FILE)).toBeTruthy();
    expect(cell('Trace file').getByRole('button', { name: 'Copy the trace file path' })).toBeTruthy();
    expect(cell('Message').getByText('The method was aborted; the schedule needs recovery.')).toBeTruthy();
    expect(
      cell('Deck').getByText(/^May have been touched\. The method started on the deck \(line 5: /),
      'what decided that the run is not repeated by itself',
    ).toBeTruthy();
    expect(cell('Run id').getByText('run-aborted')).toBeTruthy();
    expect(within(drawer).queryByRole('rowheader', { name: 'Missed runs' })).toBeNull();

    await user.keyboard('{Escape}');
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });

    // A click anywhere on the row opens it too.
    await user.click(within(screen.getByRole('table')).getByText('Plate prep'));
    expect(await screen.findByRole('dialog')).toBeTruthy();
  });

  test('a missed row says how many runs it stands for and that VENUS never started', async () => {
    const user = userEvent.setup();
    mockSchedules();
    vi.spyOn(commands, 'getHistory').mockResolvedValue({
      entries: [
        entry(
          {
            status: 'missed',
            missedCount: 4,
            startedAt: null,
            endedAt: null,
            commandLine: null,
            pid: null,
            exitCode: null,
            traceFile: null,
            outcomeDetail: null,
          },
          { scheduleName: 'Old assay', scheduleDeleted: true },
        ),
      ],
      hasMore: false,
    });
    renderWithApp(<HistoryPage />);
    await user.click(await screen.findByRole('button', { name: /^Details of the Old assay run/ }));
    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).getByText(/did not run/)).toBeTruthy();
    expect(within(drawer).getByText('This row stands for 4 missed runs; it shows the last of them.')).toBeTruthy();
    expect(within(drawer).getByText(/has been deleted; its name and method are shown as they were then/)).toBeTruthy();
    expect(within(drawer).getByText('VENUS was not started for this run')).toBeTruthy();
    expect(within(drawer).getByText('No trace file found')).toBeTruthy();
    expect(within(drawer).getAllByText('Did not start')).toHaveLength(2);
  });

  test('Export CSV exports the current filters, all pages, and says how many runs', async () => {
    const user = userEvent.setup();
    mockSchedules();
    // Two runs a page are enough to page; the export is of every page whatever the page holds.
    vi.spyOn(commands, 'getHistory').mockResolvedValue({ entries: manyEntries(2), hasMore: true });
    const exportCsv = vi.spyOn(commands, 'exportHistoryCsv').mockResolvedValue(1234);
    renderWithApp(<HistoryPage />);
    await screen.findByText('Showing 1–2');

    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Completed' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Showing 51–52');

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Exported 1,234 runs.')).toBeTruthy();
    expect(exportCsv).toHaveBeenCalledTimes(1);
    expect(exportCsv).toHaveBeenCalledWith({ ...NO_FILTER_QUERY, status: 'completed', offset: 0 });
  });

  test('a cancelled save dialog says nothing', async () => {
    const user = userEvent.setup();
    mockSchedules();
    vi.spyOn(commands, 'getHistory').mockResolvedValue({ entries: [entry()], hasMore: false });
    const exportCsv = vi.spyOn(commands, 'exportHistoryCsv').mockResolvedValue(null);
    renderWithApp(<HistoryPage />);
    await screen.findByText('Showing 1–1');

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => {
      expect(exportCsv).toHaveBeenCalledWith(NO_FILTER_QUERY);
    });
    await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Export CSV' }).getAttribute('data-loading')).toBeNull();
    });
    expect(screen.queryByText(/Exported/)).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('a failed export says why, inline, and can be tried again', async () => {
    const user = userEvent.setup();
    mockSchedules();
    vi.spyOn(commands, 'getHistory').mockResolvedValue({ entries: [entry()], hasMore: false });
    const exportCsv = vi
      .spyOn(commands, 'exportHistoryCsv')
      .mockRejectedValueOnce(
        new CommandError({
          code: 'io',
          message: 'Could not write D:\\history.csv: access denied',
          fields: [],
          current: null,
        }),
      )
      .mockResolvedValueOnce(1);
    renderWithApp(<HistoryPage />);
    await screen.findByText('Showing 1–1');

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The history could not be exported')).toBeTruthy();
    expect(within(alert).getByText('Could not write D:\\history.csv: access denied')).toBeTruthy();
    expect(within(alert).getByText('Error code: io')).toBeTruthy();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Exported 1 run.')).toBeTruthy();
    expect(exportCsv).toHaveBeenCalledTimes(2);
    expect(screen.queryByText('The history could not be exported')).toBeNull();
  });

  test('with no runs at all, says runs appear once schedules have run', async () => {
    mockSchedules();
    vi.spyOn(commands, 'getHistory').mockResolvedValue({ entries: [], hasMore: false });
    renderWithApp(<HistoryPage />);
    expect(await screen.findByText('No runs yet')).toBeTruthy();
    expect(screen.getByText('Runs appear here once schedules have run.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  test('with filters that match nothing, offers to clear them', async () => {
    const user = userEvent.setup();
    mockSchedules();
    const history = vi
      .spyOn(commands, 'getHistory')
      .mockImplementation((query) =>
        Promise.resolve(query.status === null ? { entries: [entry()], hasMore: false } : { entries: [], hasMore: false }),
      );
    renderWithApp(<HistoryPage />);
    await screen.findByText('Showing 1–1');

    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Interrupted' }));
    expect(await screen.findByText('No runs match these filters')).toBeTruthy();
    expect(history).toHaveBeenLastCalledWith({ ...NO_FILTER_QUERY, status: 'interrupted' });
    expect(screen.queryByText('No runs yet')).toBeNull();

    const clearButtons = screen.getAllByRole('button', { name: 'Clear filters' });
    expect(clearButtons).toHaveLength(2);
    const [, inEmptyState] = clearButtons;
    if (inEmptyState === undefined) throw new Error('no Clear filters button in the empty state');
    await user.click(inEmptyState);
    expect(await screen.findByText('Showing 1–1')).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Status' })).toHaveProperty('value', 'All statuses');
  });

  test('a load error says what happened and offers Try again', async () => {
    const user = userEvent.setup();
    mockSchedules();
    const history = vi
      .spyOn(commands, 'getHistory')
      .mockRejectedValueOnce(
        new CommandError({
          code: 'database_busy',
          message: 'The schedule store is busy. Try again in a moment.',
          fields: [],
          current: null,
        }),
      )
      .mockResolvedValueOnce({ entries: [entry()], hasMore: false });
    renderWithApp(<HistoryPage />);

    expect(await screen.findByText('The history could not be loaded')).toBeTruthy();
    expect(screen.getByText('The schedule store is busy. Try again in a moment.')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Showing 1–1')).toBeTruthy();
    expect(history).toHaveBeenCalledTimes(2);
    expect(screen.queryByText('The history could not be loaded')).toBeNull();
  });

  test('when the schedules cannot be listed, the schedule filter says so and history still loads', async () => {
    vi.spyOn(commands, 'listSchedules').mockRejectedValue(
      new CommandError({ code: 'database_busy', message: 'The store is busy.', fields: [], current: null }),
    );
    vi.spyOn(commands, 'getHistory').mockResolvedValue({ entries: [entry()], hasMore: false });
    renderWithApp(<HistoryPage />);
    expect(await screen.findByText('The schedules could not be loaded: The store is busy.')).toBeTruthy();
    expect(screen.getByText('Showing 1–1')).toBeTruthy();
  });
});
