import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, test, vi } from 'vitest';

import type { AppSettings } from '../bindings/AppSettings';
import type { AuditEntry } from '../bindings/AuditEntry';
import { CommandError, commands } from '../ipc';
import { formatInstant } from '../schedules/format';
import { renderWithApp } from '../test/render';
import { SettingsPage } from './SettingsPage';

const settings: AppSettings = {
  hxrunPath: 'C:\\Program Files (x86)\\HAMILTON\\Bin\\HxRun.exe',
  hxrunArgs: '{method} -r -t --log-folder {log_folder}',
  methodsFolder: 'C:\\Methods',
  logFolder: 'C:\\Program Files (x86)\\HAMILTON\\LogFiles',
  maxConcurrentRuns: 1,
  robotProcessNames: ['HxRun.exe', 'HxMethodEditor.exe'],
  stuckThresholdMinutes: 15,
  simulation: false,
  methodsFolderOnly: true,
  logLevel: 'info',
  backupKeep: 14,
  httpsProxy: '',
};

const changed: AuditEntry = {
  id: 12,
  at: '2026-06-16T09:30:00Z',
  actor: 'mlab',
  action: 'setting_changed',
  targetKind: 'setting',
  targetId: 'max_concurrent_runs',
  detail: 'max_concurrent_runs: 1 → 2',
};

/** A store that keeps what was saved, so the re-read after a save sees the new value. */
function storeWith(initial: AppSettings) {
  let current = initial;
  vi.spyOn(commands, 'getSettings').mockImplementation(() => Promise.resolve(current));
  return (next: AppSettings) => () => {
    current = next;
    return Promise.resolve(next);
  };
}

/** `setSetting` refuses the first save, naming `field` with `message` (as the core does), then
 * stores `next`. Returns the spy. */
function refusedOnceThenSaved(field: string, message: string, next: AppSettings) {
  const stored = storeWith(settings);
  return vi
    .spyOn(commands, 'setSetting')
    .mockRejectedValueOnce(
      new CommandError({ code: 'invalid_input', message: 'Not valid.', fields: [{ field, message }], current: null }),
    )
    .mockImplementationOnce(stored(next));
}

function input(label: RegExp) {
  return screen.getByLabelText<HTMLInputElement>(label);
}

function button(name: string) {
  return screen.getByRole<HTMLButtonElement>('button', { name });
}

beforeEach(() => {
  vi.spyOn(commands, 'getAuditLog').mockResolvedValue([changed]);
});

describe('SettingsPage', () => {
  test('shows every setting in force, grouped, and the audit log', async () => {
    const read = vi.spyOn(commands, 'getSettings').mockResolvedValue(settings);
    const audit = vi.spyOn(commands, 'getAuditLog').mockResolvedValue([changed]);
    renderWithApp(<SettingsPage />);
    expect(screen.getByText('Loading settings…')).toBeTruthy();
    await screen.findByRole('heading', { name: 'VENUS' });
    expect(read).toHaveBeenCalled();
    expect(input(/^HxRun path/).value).toBe('C:\\Program Files (x86)\\HAMILTON\\Bin\\HxRun.exe');
    expect(input(/^HxRun arguments/).value).toBe('{method} -r -t --log-folder {log_folder}');
    expect(input(/^Methods folder/).value).toBe('C:\\Methods');
    expect(input(/^Log folder/).value).toBe('C:\\Program Files (x86)\\HAMILTON\\LogFiles');
    expect(input(/^Robot process names/).value, 'names comma-separated').toBe('HxRun.exe, HxMethodEditor.exe');
    expect(input(/^Runs at the same time/).value).toBe('1');
    expect(input(/^Stuck after/).value).toBe('15');
    expect(screen.getByRole('switch', { name: /^Simulation/ })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Running' })).toBeTruthy();

    expect(await screen.findByText('max_concurrent_runs: 1 → 2')).toBeTruthy();
    expect(screen.getByText('mlab')).toBeTruthy();
    expect(screen.getByText('Setting changed')).toBeTruthy();
    expect(screen.getByText(formatInstant('2026-06-16T09:30:00Z'))).toBeTruthy();
    expect(audit).toHaveBeenCalledWith(null, 50);
  });

  test('shows a load error that can be retried, and an empty audit log', async () => {
    vi.spyOn(commands, 'getSettings')
      .mockRejectedValueOnce(
        new CommandError({ code: 'database_busy', message: 'The database is busy.', fields: [], current: null }),
      )
      .mockResolvedValueOnce(settings);
    vi.spyOn(commands, 'getAuditLog').mockResolvedValue([]);
    renderWithApp(<SettingsPage />);
    expect(await screen.findByText('The settings could not be loaded')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();
    expect(await screen.findByText(/Nothing has been changed yet/)).toBeTruthy();
    await userEvent.click(button('Try again'));
    expect(await screen.findByRole('heading', { name: 'VENUS' })).toBeTruthy();
  });

  test("saves one setting, showing the core's message under it when refused", async () => {
    const save = refusedOnceThenSaved(
      'max_concurrent_runs',
      "'40' is not allowed for max_concurrent_runs: give a whole number of runs from 1 to 32.",
      { ...settings, maxConcurrentRuns: 2 },
    );
    renderWithApp(<SettingsPage />);
    await screen.findByRole('heading', { name: 'VENUS' });
    const saveRuns = button('Save Runs at the same time');
    expect(saveRuns.disabled, 'nothing to save before a change').toBe(true);

    await userEvent.clear(input(/^Runs at the same time/));
    await userEvent.type(input(/^Runs at the same time/), '40');
    expect(saveRuns.disabled).toBe(false);
    await userEvent.click(saveRuns);
    expect(
      await screen.findByText("'40' is not allowed for max_concurrent_runs: give a whole number of runs from 1 to 32."),
    ).toBeTruthy();
    expect(input(/^Runs at the same time/).getAttribute('aria-invalid')).toBe('true');
    expect(save).toHaveBeenLastCalledWith('max_concurrent_runs', '40');

    await userEvent.clear(input(/^Runs at the same time/));
    await userEvent.type(input(/^Runs at the same time/), '2');
    await userEvent.click(saveRuns);
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(save).toHaveBeenLastCalledWith('max_concurrent_runs', '2');
    expect(input(/^Runs at the same time/).value).toBe('2');
    expect(saveRuns.disabled, 'saved: nothing left to save').toBe(true);
    expect(screen.queryByText(/is not allowed/)).toBeNull();
  });

  test('saves the process names as typed, comma-separated', async () => {
    const stored = storeWith(settings);
    const save = vi
      .spyOn(commands, 'setSetting')
      .mockImplementation(stored({ ...settings, robotProcessNames: ['HxRun.exe'] }));
    renderWithApp(<SettingsPage />);
    await screen.findByRole('heading', { name: 'VENUS' });
    await userEvent.clear(input(/^Robot process names/));
    await userEvent.type(input(/^Robot process names/), 'HxRun.exe');
    await userEvent.click(button('Save Robot process names'));
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(save).toHaveBeenCalledWith('robot_process_names', 'HxRun.exe');
  });

  test('a refusal without a field is shown with its code', async () => {
    vi.spyOn(commands, 'getSettings').mockResolvedValue(settings);
    vi.spyOn(commands, 'setSetting').mockRejectedValue(
      new CommandError({ code: 'database_busy', message: 'The database is busy.', fields: [], current: null }),
    );
    renderWithApp(<SettingsPage />);
    await screen.findByRole('heading', { name: 'VENUS' });
    await userEvent.type(input(/^Methods folder/), '\\Lab');
    await userEvent.click(button('Save Methods folder'));
    expect(await screen.findByText('Methods folder was not saved')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();
  });

  test('resets one setting to its default and shows the value it is back to', async () => {
    const stored = storeWith(settings);
    const reset = vi
      .spyOn(commands, 'resetSetting')
      .mockImplementation(stored({ ...settings, hxrunArgs: '{method} -r -t' }));
    renderWithApp(<SettingsPage />);
    await screen.findByRole('heading', { name: 'VENUS' });
    await userEvent.type(input(/^HxRun arguments/), ' -x');
    await userEvent.click(button('Reset HxRun arguments to default'));
    expect(await screen.findByText('Back to the default: {method} -r -t')).toBeTruthy();
    expect(reset).toHaveBeenCalledWith('hxrun_args');
    expect(input(/^HxRun arguments/).value, 'the typed change is dropped').toBe('{method} -r -t');
  });

  test('the simulation switch warns that runs go to the simulator, not the robot', async () => {
    const stored = storeWith(settings);
    const save = vi.spyOn(commands, 'setSetting').mockImplementation(stored({ ...settings, simulation: true }));
    renderWithApp(<SettingsPage />);
    await screen.findByRole('heading', { name: 'VENUS' });
    expect(screen.queryByText('Simulation on: runs go to the simulator'), 'no warning while off').toBeNull();

    await userEvent.click(screen.getByRole('switch', { name: /^Simulation/ }));
    const warning = screen.getByRole('alert');
    expect(within(warning).getByText('Simulation on: runs go to the simulator')).toBeTruthy();
    expect(within(warning).getByText(/runs go to the VENUS simulator and not to the robot/)).toBeTruthy();
    expect(within(warning).getByText(settings.hxrunPath), 'names the program that will really start').toBeTruthy();
    expect(save, 'nothing saved until Save').not.toHaveBeenCalled();

    await userEvent.click(button('Save Simulation'));
    await waitFor(() => {
      expect(save).toHaveBeenCalledWith('simulation', 'true');
    });
    expect(await screen.findByText('Saved')).toBeTruthy();
  });

  test('the methods-folder rule is a switch, on, and turning it off is saved as false without the simulation warning', async () => {
    const stored = storeWith(settings);
    const save = vi
      .spyOn(commands, 'setSetting')
      .mockImplementation(stored({ ...settings, methodsFolderOnly: false }));
    renderWithApp(<SettingsPage />);
    const rule = await screen.findByRole('switch', { name: /^Only methods in the methods folder/ });
    expect((rule as HTMLInputElement).checked, 'on by default').toBe(true);
    await userEvent.click(rule);
    expect(screen.queryByText('Simulation on: runs go to the simulator')).toBeNull();
    await userEvent.click(button('Save Only methods in the methods folder'));
    await waitFor(() => {
      expect(save).toHaveBeenCalledWith('methods_folder_only', 'false');
    });
  });

  test('the log level is chosen from the five words, each saying what it is for, and applies when saved', async () => {
    const stored = storeWith(settings);
    const save = vi.spyOn(commands, 'setSetting').mockImplementation(stored({ ...settings, logLevel: 'debug' }));
    renderWithApp(<SettingsPage />);
    await screen.findByRole('heading', { name: 'Logs and backups' });
    const level = screen.getByRole<HTMLSelectElement>('combobox', { name: /^Log level/ });
    expect(level.value, 'info unless changed').toBe('info');
    const options = within(level).getAllByRole<HTMLOptionElement>('option');
    expect(options.map((o) => o.value)).toEqual(['error', 'warn', 'info', 'debug', 'trace']);
    expect(
      within(level).getByRole('option', { name: 'debug: every decision in detail, for a support request' }),
    ).toBeTruthy();
    expect(screen.getByText(/A change applies at once/)).toBeTruthy();

    await userEvent.selectOptions(level, 'debug');
    expect(save, 'nothing saved until Save').not.toHaveBeenCalled();
    await userEvent.click(button('Save Log level'));
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(save).toHaveBeenCalledWith('log_level', 'debug');
    expect(level.value).toBe('debug');
  });

  test('backups to keep is a number; a refused count shows the message under it and keeps what is stored', async () => {
    const save = refusedOnceThenSaved(
      'backup_keep',
      "'0' is not allowed for backup_keep: give a whole number of backups from 1 to 365.",
      { ...settings, backupKeep: 30 },
    );
    renderWithApp(<SettingsPage />);
    await screen.findByRole('heading', { name: 'Logs and backups' });
    expect(input(/^Backups to keep/).value, '14 unless changed').toBe('14');

    await userEvent.clear(input(/^Backups to keep/));
    await userEvent.type(input(/^Backups to keep/), '0');
    await userEvent.click(button('Save Backups to keep'));
    expect(
      await screen.findByText("'0' is not allowed for backup_keep: give a whole number of backups from 1 to 365."),
    ).toBeTruthy();
    expect(input(/^Backups to keep/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByText('Saved'), 'nothing saved').toBeNull();
    expect(screen.getByText('Not saved yet')).toBeTruthy();

    await userEvent.clear(input(/^Backups to keep/));
    await userEvent.type(input(/^Backups to keep/), '30');
    await userEvent.click(button('Save Backups to keep'));
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(save).toHaveBeenLastCalledWith('backup_keep', '30');
    expect(input(/^Backups to keep/).value).toBe('30');
  });
});
