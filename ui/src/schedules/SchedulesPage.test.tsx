import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { describe, expect, test, vi } from 'vitest';

import type { Schedule } from '../bindings/Schedule';
import { commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { aRun, aSchedule, commandError, SETTINGS } from './fixtures';
import { formatInstant } from './format';
import { SchedulesPage } from './SchedulesPage';

const wash = aSchedule();
const prep = aSchedule({
  id: '00000000-0000-4000-8000-000000000002',
  name: 'Buffer prep',
  methodPath: 'C:\\Methods\\Dilute.hsl',
  nextRun: '2026-06-16T20:00:00Z',
  lastRun: null,
  active: false,
  updatedAt: '2026-06-11T10:00:00Z',
});
const elisa = aSchedule({
  id: '00000000-0000-4000-8000-000000000003',
  name: 'ELISA readout',
  methodPath: 'C:\\Methods\\Elisa.med',
  nextRun: null,
  lastRun: '2026-06-15T08:00:00Z',
  recovery: { note: 'Aborted at aspirate step', actor: 'deckhand', at: '2026-06-15T08:30:00Z' },
  active: false,
});

/**
 * The schedule names in the order the table shows them. Read from the DOM rather than through
 * `getAllByRole`: role queries over 50 rows of cells cost hundreds of milliseconds in jsdom.
 */
function rowNames(): string[] {
  const table = screen.getByRole('table');
  return Array.from(table.querySelectorAll('tbody tr'), (row) => {
    const cell = row.querySelector('td');
    // A schedule needing recovery has its note under the name, in a second paragraph.
    return cell?.querySelector('p')?.textContent ?? cell?.textContent ?? '';
  });
}

async function showPage(schedules: Schedule[] = [wash, prep, elisa]) {
  const list = vi.spyOn(commands, 'listSchedules').mockResolvedValue(schedules);
  const view = renderWithApp(<SchedulesPage />);
  if (schedules.length > 0) await screen.findByRole('table');
  return { list, ...view };
}

async function chooseAction(name: string, action: string) {
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: `Actions for ${name}` }));
  await user.click(await screen.findByRole('menuitem', { name: action }));
}

describe('SchedulesPage: the list', () => {
  test('shows a loader, then the schedules of the Active filter', async () => {
    const { list } = await showPage();
    expect(list, 'the page asks for the active schedules first').toHaveBeenCalledWith('active');
    expect(screen.getByText('Plate wash')).toBeTruthy();
    expect(screen.getByText(formatInstant('2026-06-17T06:00:00Z')), 'next run in local time').toBeTruthy();
    expect(screen.getByText('Aborted at aspirate step'), 'the recovery note under the name').toBeTruthy();
  });

  test('says loading while the list is on its way', () => {
    vi.spyOn(commands, 'listSchedules').mockReturnValue(new Promise(() => undefined));
    renderWithApp(<SchedulesPage />);
    expect(screen.getByText('Loading schedules…')).toBeTruthy();
  });

  test('an empty store offers to create the first schedule instead of the command line', async () => {
    vi.spyOn(commands, 'listSchedules').mockResolvedValue([]);
    vi.spyOn(commands, 'getSettings').mockResolvedValue(SETTINGS);
    vi.spyOn(commands, 'previewRecurrence').mockResolvedValue([]);
    renderWithApp(<SchedulesPage />);
    expect(await screen.findByText('No schedules yet')).toBeTruthy();
    expect(screen.queryByText(/command line/), 'no more pointing at the CLI').toBeNull();
    const buttons = screen.getAllByRole('button', { name: 'New schedule' });
    expect(buttons, 'one in the header, one in the empty state').toHaveLength(2);
    const inEmptyState = buttons.at(-1);
    if (inEmptyState === undefined) throw new Error('no New schedule button');
    await userEvent.click(inEmptyState);
    expect(await screen.findByRole('dialog', { name: 'New schedule' }), 'the editor opens').toBeTruthy();
  });

  test('a failed load says what happened and can be tried again', async () => {
    const list = vi
      .spyOn(commands, 'listSchedules')
      .mockRejectedValueOnce(commandError('database_busy', 'The schedule store is busy; try again in a moment.'))
      .mockResolvedValueOnce([wash]);
    renderWithApp(<SchedulesPage />);
    expect(await screen.findByText('The schedules could not be loaded')).toBeTruthy();
    expect(screen.getByText('The schedule store is busy; try again in a moment.')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Plate wash'), 'the retry shows the list').toBeTruthy();
    expect(list).toHaveBeenCalledTimes(2);
  });
});

describe('SchedulesPage: search and sort', () => {
  test('search matches the name or the method path, ignoring case', async () => {
    await showPage();
    const user = userEvent.setup();
    const search = screen.getByRole('textbox', { name: 'Search schedules' });

    // The table follows the search at a lower priority than the typing (useDeferredValue).
    await user.type(search, 'PLATE');
    await waitFor(() => { expect(rowNames(), 'by name, whatever the case').toEqual(['Plate wash']); });

    await user.clear(search);
    await user.type(search, 'dilute.HSL');
    await waitFor(() => { expect(rowNames(), 'by method file').toEqual(['Buffer prep']); });

    await user.clear(search);
    await user.type(search, 'Lysis');
    expect(await screen.findByText(/No schedule's name or method contains “Lysis”/)).toBeTruthy();
    expect(screen.queryByRole('table'), 'no table for no match').toBeNull();

    await user.click(screen.getByRole('button', { name: 'Clear the search' }));
    await waitFor(() => { expect(rowNames()).toHaveLength(3); });
  });

  test('the row menu opens from the keyboard and gives the focus back when closed', async () => {
    await showPage();
    const user = userEvent.setup();
    // Each row draws its menu only when first asked for it; the keyboard must not notice.
    screen.getByRole('button', { name: 'Actions for Plate wash' }).focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('menuitem', { name: 'Edit' })).toBeTruthy();
    await user.keyboard('{Escape}');
    await waitFor(() => {
      expect(screen.queryByRole('menuitem', { name: 'Edit' }), 'the menu closed').toBeNull();
    });
    await waitFor(() => {
      expect(document.activeElement, 'the focus is back on the row’s button').toBe(
        screen.getByRole('button', { name: 'Actions for Plate wash' }),
      );
    });
  });

  test('the method column shows the file name, and the whole path on hover', async () => {
    await showPage();
    const cell = screen.getByText('Dilute.hsl');
    expect(cell.getAttribute('title'), 'the browser’s tooltip names the whole path').toBe('C:\\Methods\\Dilute.hsl');
  });

  test('columns sort both ways and say so with aria-sort', async () => {
    await showPage();
    const user = userEvent.setup();
    const header = (name: string) => screen.getByRole('columnheader', { name });

    expect(rowNames(), 'by name to begin with').toEqual(['Buffer prep', 'ELISA readout', 'Plate wash']);
    expect(header('Name').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Next run').getAttribute('aria-sort')).toBe('none');

    await user.click(screen.getByRole('button', { name: 'Name' }));
    expect(rowNames()).toEqual(['Plate wash', 'ELISA readout', 'Buffer prep']);
    expect(header('Name').getAttribute('aria-sort')).toBe('descending');

    await user.click(screen.getByRole('button', { name: 'Next run' }));
    expect(rowNames(), 'soonest first; no next run last').toEqual(['Buffer prep', 'Plate wash', 'ELISA readout']);
    expect(header('Next run').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Name').getAttribute('aria-sort')).toBe('none');

    await user.click(screen.getByRole('button', { name: 'Next run' }));
    expect(rowNames(), 'latest first; no next run still last').toEqual(['Plate wash', 'Buffer prep', 'ELISA readout']);

    await user.click(screen.getByRole('button', { name: 'Last run' }));
    expect(rowNames(), 'never run last').toEqual(['ELISA readout', 'Plate wash', 'Buffer prep']);

    await user.click(screen.getByRole('button', { name: 'Status' }));
    expect(rowNames(), 'recovery first, then active, then paused').toEqual([
      'ELISA readout',
      'Plate wash',
      'Buffer prep',
    ]);
    await user.click(screen.getByRole('button', { name: 'Status' }));
    expect(rowNames()).toEqual(['Buffer prep', 'Plate wash', 'ELISA readout']);
    expect(header('Status').getAttribute('aria-sort')).toBe('descending');
  });
});

describe('SchedulesPage: pages of 50', () => {
  const many = Array.from({ length: 110 }, (_, i) =>
    aSchedule({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `Run ${String(i + 1).padStart(3, '0')}`,
    }),
  );

  test('a long list shows 50 rows at a time, and search starts again at the first page', async () => {
    await showPage(many);
    const user = userEvent.setup();
    expect(rowNames()).toHaveLength(50);
    expect(rowNames()[0]).toBe('Run 001');
    expect(screen.getByText('Showing 1–50 of 110')).toBeTruthy();
    const previous = screen.getByRole('button', { name: 'Previous' });
    const next = screen.getByRole('button', { name: 'Next' });
    expect(previous).toHaveProperty('disabled', true);

    await user.click(next);
    await user.click(next);
    expect(screen.getByText('Showing 101–110 of 110')).toBeTruthy();
    expect(rowNames()).toHaveLength(10);
    expect(next, 'the last page').toHaveProperty('disabled', true);

    // Pasted, not typed: one change is what this test is about (typing is tested above).
    await user.click(screen.getByRole('textbox', { name: 'Search schedules' }));
    await user.paste('Run 00');
    await waitFor(() => {
      expect(rowNames(), 'nine matches, from the first page').toEqual([
        'Run 001', 'Run 002', 'Run 003', 'Run 004', 'Run 005', 'Run 006', 'Run 007', 'Run 008', 'Run 009',
      ]);
    });
    expect(screen.queryByText(/^Showing/), 'no pager for one page').toBeNull();
  });

  test('a short list has no pager', async () => {
    await showPage();
    expect(screen.queryByText(/^Showing/)).toBeNull();
  });
});

describe('SchedulesPage: row actions', () => {
  test('Run now runs the schedule and says it starts even while paused', async () => {
    await showPage();
    const runNow = vi.spyOn(commands, 'runNow').mockResolvedValue(aRun());
    await chooseAction('Plate wash', 'Run now');
    expect(runNow).toHaveBeenCalledWith(wash.id);
    expect(await screen.findByText(/“Plate wash” was asked to run now/)).toBeTruthy();
  });

  test('Run now refused because the scheduler runs elsewhere: the message and code, inline', async () => {
    const { list } = await showPage();
    vi.spyOn(commands, 'runNow').mockRejectedValue(
      commandError('scheduler_elsewhere', 'The scheduler runs in another Deckhand window (process 42).'),
    );
    await chooseAction('Plate wash', 'Run now');
    expect(await screen.findByText('Could not run “Plate wash” now')).toBeTruthy();
    expect(screen.getByText('The scheduler runs in another Deckhand window (process 42).')).toBeTruthy();
    expect(screen.getByText('Error code: scheduler_elsewhere')).toBeTruthy();
    await vi.waitFor(() => { expect(list, 'the list is read again after a failure').toHaveBeenCalledTimes(2); });
  });

  test('Skip next run skips and names the skipped slot', async () => {
    await showPage();
    const skip = vi.spyOn(commands, 'skipNext').mockResolvedValue(
      aRun({ status: 'skipped', origin: 'schedule', slot: '2026-06-17T06:00:00Z' }),
    );
    await chooseAction('Plate wash', 'Skip next run');
    expect(skip).toHaveBeenCalledWith(wash.id);
    expect(
      await screen.findByText(`Skipped the run of “Plate wash” due ${formatInstant('2026-06-17T06:00:00Z')}.`),
    ).toBeTruthy();
  });

  test('Pause and Resume send the row’s version token', async () => {
    await showPage();
    const setActive = vi
      .spyOn(commands, 'setScheduleActive')
      .mockResolvedValueOnce({ ...wash, active: false })
      .mockResolvedValueOnce({ ...prep, active: true });

    await chooseAction('Plate wash', 'Pause');
    expect(setActive).toHaveBeenLastCalledWith(wash.id, false, '2026-06-10T09:00:00Z');
    expect(await screen.findByText('“Plate wash” is paused; it will not run until you resume it.')).toBeTruthy();

    await chooseAction('Buffer prep', 'Resume');
    expect(setActive).toHaveBeenLastCalledWith(prep.id, true, '2026-06-11T10:00:00Z');
    expect(await screen.findByText(/“Buffer prep” is active again\./)).toBeTruthy();
  });

  test('a schedule needing recovery cannot be resumed or run from the menu', async () => {
    await showPage();
    await userEvent.click(screen.getByRole('button', { name: 'Actions for ELISA readout' }));
    const resume = await screen.findByRole('menuitem', { name: 'Resume (resolve recovery first)' });
    expect(resume.hasAttribute('disabled') || resume.getAttribute('data-disabled') === 'true').toBe(true);
    const run = screen.getByRole('menuitem', { name: 'Run now' });
    expect(run.hasAttribute('disabled') || run.getAttribute('data-disabled') === 'true').toBe(true);
  });

  test('Archive and Unarchive flip the flag', async () => {
    const archived = aSchedule({ id: '00000000-0000-4000-8000-000000000009', name: 'Old assay', archived: true });
    await showPage([wash, archived]);
    const setArchived = vi
      .spyOn(commands, 'setScheduleArchived')
      .mockResolvedValueOnce({ ...wash, archived: true })
      .mockResolvedValueOnce({ ...archived, archived: false });

    await chooseAction('Plate wash', 'Archive');
    expect(setArchived).toHaveBeenLastCalledWith(wash.id, true);
    expect(await screen.findByText(/“Plate wash” is archived: it will not run/)).toBeTruthy();

    await chooseAction('Old assay', 'Unarchive');
    expect(setArchived).toHaveBeenLastCalledWith(archived.id, false);
    expect(await screen.findByText('“Old assay” is no longer archived.')).toBeTruthy();
  });

  test('Edit opens the editor with the schedule as stored now', async () => {
    await showPage();
    vi.spyOn(commands, 'getSettings').mockResolvedValue(SETTINGS);
    vi.spyOn(commands, 'previewRecurrence').mockResolvedValue([]);
    const get = vi.spyOn(commands, 'getSchedule').mockResolvedValue({ ...wash, name: 'Plate wash (renamed)' });
    await chooseAction('Plate wash', 'Edit');
    expect(get).toHaveBeenCalledWith(wash.id);
    const drawer = await screen.findByRole('dialog', { name: 'Edit schedule' });
    expect((await within(drawer).findByRole<HTMLInputElement>('textbox', { name: 'Name' })).value).toBe(
      'Plate wash (renamed)',
    );
  });
});

describe('SchedulesPage: delete', () => {
  test('confirms, saying the history stays, then reports how many runs were kept', async () => {
    await showPage();
    const remove = vi.spyOn(commands, 'deleteSchedule').mockResolvedValue(3);
    await chooseAction('Plate wash', 'Delete…');

    const dialog = await screen.findByRole('dialog', { name: 'Delete this schedule?' });
    expect(
      within(dialog).getByText(
        /“Plate wash” will be removed and will not run again\. Its past runs stay in History under this name\./,
      ),
    ).toBeTruthy();
    expect(remove, 'nothing is deleted before the confirmation').not.toHaveBeenCalled();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete schedule' }));
    expect(remove).toHaveBeenCalledWith(wash.id);
    expect(await screen.findByText('Deleted; 3 runs kept in history under the name “Plate wash”.')).toBeTruthy();
    expect(screen.queryByRole('dialog'), 'the confirmation closes').toBeNull();
  });

  test('cancel deletes nothing', async () => {
    await showPage();
    const remove = vi.spyOn(commands, 'deleteSchedule').mockResolvedValue(0);
    await chooseAction('Plate wash', 'Delete…');
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(remove).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('a refusal (a run in progress) shows in the dialog, which stays open', async () => {
    await showPage();
    vi.spyOn(commands, 'deleteSchedule').mockRejectedValue(
      commandError('run_in_progress', '“Plate wash” is running now; wait until the run ends, then delete it.'),
    );
    await chooseAction('Plate wash', 'Delete…');
    const dialog = await screen.findByRole('dialog', { name: 'Delete this schedule?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete schedule' }));
    expect(await within(dialog).findByText('The schedule was not deleted')).toBeTruthy();
    const message = '“Plate wash” is running now; wait until the run ends, then delete it.';
    expect(within(dialog).getByText(message)).toBeTruthy();
    expect(within(dialog).getByText('Error code: run_in_progress')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

describe('SchedulesPage: create', () => {
  test('a new schedule is created from the header button; the drawer closes and the result shows', async () => {
    await showPage();
    vi.spyOn(commands, 'getSettings').mockResolvedValue(SETTINGS);
    vi.spyOn(commands, 'previewRecurrence').mockResolvedValue([]);
    const created = aSchedule({ id: '00000000-0000-4000-8000-000000000010', name: 'Nightly QC' });
    const create = vi.spyOn(commands, 'createSchedule').mockResolvedValue(created);
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'New schedule' }));
    const drawer = await screen.findByRole('dialog', { name: 'New schedule' });
    await user.type(within(drawer).getByRole('textbox', { name: 'Name' }), 'Nightly QC');
    // Pasted, as a path usually is (and each key re-renders the whole form).
    await user.click(within(drawer).getByRole('textbox', { name: 'Method file' }));
    await user.paste('QC\\Nightly.med');
    await user.click(within(drawer).getByRole('button', { name: 'Create schedule' }));

    const start = dayjs().add(1, 'day').hour(8).minute(0).second(0).millisecond(0).toISOString();
    expect(create).toHaveBeenCalledWith({
      name: 'Nightly QC',
      methodPath: 'QC\\Nightly.med',
      recurrence: { kind: 'daily', start: start.replace('.000Z', 'Z') },
      retry: { maxAttempts: 5, delayMinutes: 2, backoff: 'fixed', maxDelayMinutes: 30 },
      missedRuns: { catchUp: true, graceMinutes: 15 },
      expectedDurationMinutes: null,
      stuckMinutes: null,
      active: true,
    });
    expect(await screen.findByText(/Created “Nightly QC”\./)).toBeTruthy();
    expect(screen.queryByRole('dialog'), 'the drawer closed').toBeNull();
  });
});
