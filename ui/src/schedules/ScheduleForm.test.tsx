import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import type { Recurrence } from '../bindings/Recurrence';
import type { Schedule } from '../bindings/Schedule';
import { commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { aSchedule, commandError, SETTINGS } from './fixtures';
import { describeRecurrence, formatInstant } from './format';
import { ScheduleForm } from './ScheduleForm';

const FIVE = [
  '2026-06-17T06:00:00Z',
  '2026-06-18T06:00:00Z',
  '2026-06-19T06:00:00Z',
  '2026-06-20T06:00:00Z',
  '2026-06-21T06:00:00Z',
];

function showForm(schedule: Schedule | null = null) {
  vi.spyOn(commands, 'getSettings').mockResolvedValue(SETTINGS);
  const preview = vi.spyOn(commands, 'previewRecurrence').mockResolvedValue(FIVE);
  const onSaved = vi.fn();
  const onCancel = vi.fn();
  renderWithApp(<ScheduleForm schedule={schedule} onSaved={onSaved} onCancel={onCancel} />);
  return { preview, onSaved, onCancel };
}

/** The description and error texts an input points at with aria-describedby. */
function describedText(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id !== '');
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' | ');
}

const textbox = (name: string) => screen.getByRole<HTMLInputElement>('textbox', { name });

describe('ScheduleForm: checks and the core’s field errors', () => {
  test('a name and a method are required before anything is sent', async () => {
    showForm();
    const create = vi.spyOn(commands, 'createSchedule');
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    expect(describedText(textbox('Name'))).toContain('Give the schedule a name.');
    expect(describedText(textbox('Method file'))).toContain('Choose the VENUS method file to run.');
    expect(create, 'nothing sent with required fields blank').not.toHaveBeenCalled();

    await userEvent.type(textbox('Name'), 'QC');
    expect(describedText(textbox('Name')), 'typing clears the message').not.toContain('Give the schedule a name.');
  });

  test('the method field names the methods folder from the settings', async () => {
    showForm();
    expect(
      await screen.findByText(
        `A VENUS method (.med or .hsl). A relative path starts at the methods folder, ${SETTINGS.methodsFolder}.`,
      ),
    ).toBeTruthy();
    expect(await screen.findByText(/Blank: the app setting \(20 min\)\./), 'the stuck default').toBeTruthy();
  });

  test('Browse… fills in the method file the person picked', async () => {
    showForm();
    const pick = vi.spyOn(commands, 'pickMethodFile').mockResolvedValue('C:\\Methods\\Picked.med');
    await userEvent.click(screen.getByRole('button', { name: 'Browse…' }));
    expect(pick).toHaveBeenCalledWith();
    await vi.waitFor(() => { expect(textbox('Method file').value).toBe('C:\\Methods\\Picked.med'); });
  });

  test('the core’s field errors show by their inputs; unknown fields are listed under the form', async () => {
    showForm();
    vi.spyOn(commands, 'createSchedule').mockRejectedValue(
      commandError('invalid_input', 'The schedule has mistakes.', {
        fields: [
          { field: 'name', message: 'The name is 130 characters long; at most 120 are allowed.' },
          { field: 'method_path', message: "'Wash.txt' is not a VENUS method: the name must end in .med or .hsl." },
          { field: 'retry.maxAttempts', message: '30 attempts is out of range: allow 1 to 20.' },
          { field: 'stuckMinutes', message: 'A stuck threshold of 5000 minutes is out of range.' },
          { field: 'owner', message: 'The owner is unknown.' },
        ],
      }),
    );
    await userEvent.type(textbox('Name'), 'Wash');
    await userEvent.type(textbox('Method file'), 'Wash.txt');
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    await vi.waitFor(() => {
      expect(describedText(textbox('Name'))).toContain('The name is 130 characters long; at most 120 are allowed.');
    });
    expect(describedText(textbox('Method file')), 'method_path is placed by the method input').toContain(
      "'Wash.txt' is not a VENUS method",
    );
    expect(describedText(textbox('Attempts in all'))).toContain('30 attempts is out of range: allow 1 to 20.');
    expect(describedText(textbox('Stuck after (minutes)'))).toContain('A stuck threshold of 5000 minutes');
    const other = screen.getByRole('alert', { name: 'Also to fix' });
    expect(within(other).getByText('The owner is unknown.')).toBeTruthy();
    expect(screen.queryByText('The schedule was not saved'), 'no second, general message').toBeNull();
  });

  test('an error without fields shows under the form with its code', async () => {
    showForm();
    vi.spyOn(commands, 'createSchedule').mockRejectedValue(
      commandError('database_busy', 'The schedule store is busy; try again in a moment.'),
    );
    await userEvent.type(textbox('Name'), 'Wash');
    await userEvent.type(textbox('Method file'), 'Wash.med');
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    expect(await screen.findByText('The schedule was not saved')).toBeTruthy();
    expect(screen.getByText('The schedule store is busy; try again in a moment.')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();
  });
});

describe('ScheduleForm: the preview', () => {
  test('shows the next 5 runs in local time, asked with the original recurrence as previous', async () => {
    const once: Recurrence = { kind: 'once', at: '2026-06-01T07:30:00Z' };
    const { preview } = showForm(aSchedule({ recurrence: once }));
    const list = await screen.findByRole('list', { name: 'Next runs' });
    const items = within(list).getAllByRole('listitem').map((item) => item.textContent);
    expect(items).toEqual(FIVE.map((iso) => formatInstant(iso)));
    expect(preview).toHaveBeenCalledWith(once, once, 5);
  });

  test('an invalid recurrence shows the core’s message instead of the list', async () => {
    const { preview } = showForm();
    preview.mockImplementation((recurrence) =>
      recurrence.kind === 'weekdays' && recurrence.days.length === 0
        ? Promise.reject(
            commandError('invalid_input', 'The recurrence is not valid.', {
              fields: [{ field: 'recurrence', message: 'Choose at least one weekday.' }],
            }),
          )
        : Promise.resolve(FIVE),
    );
    const user = userEvent.setup();
    await screen.findByRole('list', { name: 'Next runs' });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Repeats' }), 'weekdays');
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) {
      await user.click(screen.getByRole('checkbox', { name: day }));
    }
    expect(await screen.findByText('Choose at least one weekday.')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Next runs' }), 'no list for an invalid recurrence').toBeNull();
    expect(preview).toHaveBeenLastCalledWith({ kind: 'weekdays', days: [], time: '08:00' }, null, 5);
  });
});

describe('ScheduleForm: saving an edit', () => {
  const wash = aSchedule();
  const theirs = aSchedule({
    name: 'Plate wash (Anna)',
    methodPath: 'C:\\Methods\\Wash2.med',
    recurrence: { kind: 'weekdays', days: ['mon', 'wed'], time: '09:15' },
    active: false,
    updatedAt: '2026-06-12T14:45:00Z',
  });

  test('sends the draft with the version it was based on', async () => {
    const { onSaved } = showForm(wash);
    const update = vi.spyOn(commands, 'updateSchedule').mockResolvedValue({ ...wash, name: 'Plate wash B' });
    await userEvent.clear(textbox('Name'));
    await userEvent.type(textbox('Name'), 'Plate wash B');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(update).toHaveBeenCalledWith(
      wash.id,
      {
        name: 'Plate wash B',
        methodPath: wash.methodPath,
        recurrence: wash.recurrence,
        retry: wash.retry,
        missedRuns: wash.missedRuns,
        expectedDurationMinutes: null,
        stuckMinutes: null,
        active: true,
      },
      '2026-06-10T09:00:00Z',
    );
    await vi.waitFor(() => { expect(onSaved).toHaveBeenCalledWith({ ...wash, name: 'Plate wash B' }, false); });
  });

  test('a conflict shows their version; Reload puts it in the form and saves against it', async () => {
    const { onSaved } = showForm(wash);
    const update = vi
      .spyOn(commands, 'updateSchedule')
      .mockRejectedValueOnce(commandError('conflict', 'Someone else changed it.', { current: theirs }))
      .mockResolvedValueOnce(theirs);
    const user = userEvent.setup();
    await user.clear(textbox('Name'));
    await user.type(textbox('Name'), 'Mine');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    const dialog = await screen.findByRole('dialog', { name: 'Someone else changed this schedule' });
    for (const value of [
      'Plate wash (Anna)',
      'C:\\Methods\\Wash2.med',
      describeRecurrence(theirs.recurrence),
      'No (Paused)',
      formatInstant('2026-06-12T14:45:00Z'),
    ]) {
      expect(within(dialog).getByText(value), `the dialog lists ${value}`).toBeTruthy();
    }

    await user.click(within(dialog).getByRole('button', { name: 'Reload their version' }));
    expect(screen.queryByRole('dialog'), 'the dialog closes').toBeNull();
    expect(textbox('Name').value).toBe('Plate wash (Anna)');
    expect(textbox('Method file').value).toBe('C:\\Methods\\Wash2.med');
    const active = screen.getByRole<HTMLInputElement>('switch', { name: /^Active/ });
    expect(active.checked, 'their version is paused').toBe(false);
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: 'Wed' }).checked).toBe(true);
    expect(onSaved, 'nothing was saved').not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(update).toHaveBeenLastCalledWith(
      wash.id,
      expect.objectContaining({ name: 'Plate wash (Anna)', recurrence: theirs.recurrence, active: false }),
      '2026-06-12T14:45:00Z',
    );
  });

  test('Keep editing keeps the edits and explains that a reload is still needed', async () => {
    showForm(wash);
    vi.spyOn(commands, 'updateSchedule').mockRejectedValue(
      commandError('conflict', 'Someone else changed it.', { current: theirs }),
    );
    const user = userEvent.setup();
    await user.clear(textbox('Name'));
    await user.type(textbox('Name'), 'Mine');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Someone else changed this schedule' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));

    expect(textbox('Name').value, 'my edit stays').toBe('Mine');
    expect(screen.getByText('Their version must be loaded first')).toBeTruthy();
    expect(screen.getByText(/Saving your edits will be refused until you reload their version/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Reload their version' }));
    expect(textbox('Name').value).toBe('Plate wash (Anna)');
    expect(screen.queryByText('Their version must be loaded first')).toBeNull();
  });
});
