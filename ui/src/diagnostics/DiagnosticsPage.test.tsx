import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, test, vi } from 'vitest';

import type { BackupFile } from '../bindings/BackupFile';
import type { Check } from '../bindings/Check';
import { SETTINGS } from '../schedules/fixtures';
import { CommandError, commands } from '../ipc';
import { formatInstant } from '../schedules/format';
import { renderWithApp } from '../test/render';
import { DiagnosticsPage } from './DiagnosticsPage';

const FOLDER = 'C:\\Users\\lab\\AppData\\Roaming\\Deckhand\\data\\backups';

const ok = (name: string, message: string): Check => ({ name, level: 'ok', message, hint: null });

const HEALTHY: Check[] = [
  ok('Database', 'The database is healthy (schema version 9).'),
  ok('HxRun', 'HxRun is at C:\\Program Files (x86)\\HAMILTON\\Bin\\HxRun.exe.'),
  ok('Mail server', 'mail.lab.example.org:587 answers.'),
];

const TROUBLED: Check[] = [
  ok('Database', 'The database is healthy (schema version 9).'),
  {
    name: 'Mail server',
    level: 'warning',
    message: 'No mail server is set up, so nobody gets an email when a run fails or aborts.',
    hint: 'Set it up in Notifications in the app, or with `deckhand smtp set`.',
  },
  {
    name: 'HxRun',
    level: 'error',
    message: 'HxRun is not at C:\\VENUS\\HxRun.exe, so no run can start.',
    hint: 'Set the path to HxRun.exe in Settings.',
  },
];

function backup(name: string, takenAt: string, bytes = 1_430_000): BackupFile {
  return { path: `${FOLDER}\\${name}`, name, bytes, takenAt, beforeRestore: false };
}

beforeEach(() => {
  vi.spyOn(commands, 'getSettings').mockResolvedValue({ ...SETTINGS, backupKeep: 14 });
  vi.spyOn(commands, 'listBackups').mockResolvedValue({ folder: FOLDER, files: [] });
});

describe('DiagnosticsPage', () => {
  test('every check says its level in a word, with what was found and what to do, under a summary', async () => {
    vi.spyOn(commands, 'runDiagnostics').mockResolvedValue(TROUBLED);
    renderWithApp(<DiagnosticsPage />);
    expect(screen.getByText(/Checking… the mail server may take up to 5 seconds/)).toBeTruthy();
    expect(await screen.findByText('2 of 3 checks need attention (1 error, 1 warning)')).toBeTruthy();

    const list = screen.getByRole('list', { name: 'Checks' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('aria-label'))).toEqual([
      'Database: OK',
      'Mail server: Warning',
      'HxRun: Error',
    ]);
    const [database, mail, hxrun] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(database).getByText('OK')).toBeTruthy();
    expect(within(database).queryByText(/What to do/), 'nothing to do when ok').toBeNull();
    expect(within(mail).getByText('Warning')).toBeTruthy();
    expect(within(mail).getByText(/No mail server is set up/)).toBeTruthy();
    expect(within(mail).getByText('deckhand smtp set').tagName, 'commands shown as code').toBe('CODE');
    expect(within(hxrun).getByText('Error')).toBeTruthy();
    expect(within(hxrun).getByText('What to do: Set the path to HxRun.exe in Settings.')).toBeTruthy();
    expect(screen.getByText(/^Checked /)).toBeTruthy();
  });

  test('all passed, and "Check again" runs the checks again and says it is running', async () => {
    let answer: (checks: Check[]) => void = () => undefined;
    const run = vi
      .spyOn(commands, 'runDiagnostics')
      .mockResolvedValueOnce(HEALTHY)
      .mockImplementationOnce(
        () =>
          new Promise<Check[]>((resolve) => {
            answer = resolve;
          }),
      );
    renderWithApp(<DiagnosticsPage />);
    expect(await screen.findByText('All 3 checks passed')).toBeTruthy();
    expect(run).toHaveBeenCalledTimes(1);

    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByText(/Checking again… the mail server may take up to 5 seconds/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Check again' }).getAttribute('data-loading')).toBe('true');
    answer(TROUBLED);
    expect(await screen.findByText('2 of 3 checks need attention (1 error, 1 warning)')).toBeTruthy();
    expect(run).toHaveBeenCalledTimes(2);
  });

  test('checks that cannot be run say why and can be tried again', async () => {
    vi.spyOn(commands, 'runDiagnostics')
      .mockRejectedValueOnce(
        new CommandError({ code: 'internal', message: 'The checks did not finish.', fields: [], current: null }),
      )
      .mockResolvedValueOnce(HEALTHY);
    renderWithApp(<DiagnosticsPage />);
    expect(await screen.findByText('The checks could not be run')).toBeTruthy();
    expect(screen.getByText('The checks did not finish.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('All 3 checks passed')).toBeTruthy();
  });

  test('no backups yet: the folder, how many are kept, how to restore, and what happens next', async () => {
    vi.spyOn(commands, 'runDiagnostics').mockResolvedValue(HEALTHY);
    renderWithApp(<DiagnosticsPage />);
    expect(await screen.findByText(FOLDER)).toBeTruthy();
    expect(await screen.findByText(/No backups yet/)).toBeTruthy();
    expect(await screen.findByText(/keeps the newest 14/)).toBeTruthy();
    expect(screen.getByText('To restore a backup')).toBeTruthy();
    expect(screen.getByText('deckhand restore FILE').tagName).toBe('CODE');
    expect(screen.queryByRole('button', { name: /restore/i }), 'no restore button: the window runs the scheduler').toBeNull();
    expect(screen.queryByRole('table', { name: 'Backups' })).toBeNull();
  });

  test('"Back up now" is busy, then names the new file and its size, and the list is read again', async () => {
    vi.spyOn(commands, 'runDiagnostics').mockResolvedValue(HEALTHY);
    const made = backup('deckhand-2026-11-27-2300.sqlite3', '2026-11-27T22:00:00Z');
    const list = vi
      .spyOn(commands, 'listBackups')
      .mockResolvedValueOnce({ folder: FOLDER, files: [] })
      .mockResolvedValue({ folder: FOLDER, files: [made] });
    let finish: () => void = () => undefined;
    const now = vi.spyOn(commands, 'backupNow').mockImplementation(
      () =>
        new Promise((resolve) => {
          finish = () => {
            resolve({ path: made.path, bytes: made.bytes, schemaVersion: 9, removed: [`${FOLDER}\\old.sqlite3`] });
          };
        }),
    );
    renderWithApp(<DiagnosticsPage />);
    await screen.findByText(/No backups yet/);
    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(await screen.findByText('Copying and checking the database…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back up now' }).getAttribute('data-loading')).toBe('true');
    finish();
    expect(
      await screen.findByText('Backup made: deckhand-2026-11-27-2300.sqlite3 (1.4 MB), checked. 1 older backup was removed.'),
    ).toBeTruthy();
    expect(now).toHaveBeenCalledTimes(1);
    const table = await screen.findByRole('table', { name: 'Backups' });
    expect(within(table).getByText('deckhand-2026-11-27-2300.sqlite3')).toBeTruthy();
    expect(within(table).getByText(formatInstant('2026-11-27T22:00:00Z')), 'in local time').toBeTruthy();
    expect(within(table).getByText('1.4 MB')).toBeTruthy();
    expect(list).toHaveBeenCalledTimes(2);
  });

  test('a backup that fails says why in words, with its code', async () => {
    vi.spyOn(commands, 'runDiagnostics').mockResolvedValue(HEALTHY);
    vi.spyOn(commands, 'backupNow').mockRejectedValue(
      new CommandError({
        code: 'io',
        message: `Could not create a file in ${FOLDER}: No space left on device`,
        fields: [],
        current: null,
      }),
    );
    renderWithApp(<DiagnosticsPage />);
    await screen.findByText(/No backups yet/);
    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(await screen.findByText('The backup was not made')).toBeTruthy();
    expect(screen.getByText(/No space left on device/)).toBeTruthy();
    expect(screen.getByText('Error code: io')).toBeTruthy();
    expect(screen.queryByText(/Backup made/)).toBeNull();
  });

  test('more than 20 backups are paged, newest first', async () => {
    vi.spyOn(commands, 'runDiagnostics').mockResolvedValue(HEALTHY);
    const files = Array.from({ length: 25 }, (_, i) => {
      const day = String(25 - i).padStart(2, '0');
      return backup(`deckhand-2026-10-${day}-2300.sqlite3`, `2026-10-${day}T22:00:00Z`);
    });
    vi.spyOn(commands, 'listBackups').mockResolvedValue({ folder: FOLDER, files });
    renderWithApp(<DiagnosticsPage />);
    const table = await screen.findByRole('table', { name: 'Backups' });
    expect(within(table).getAllByRole('row')).toHaveLength(21);
    expect(screen.getByText('Backups 1–20 of 25')).toBeTruthy();
    expect(within(table).getByText('deckhand-2026-10-25-2300.sqlite3')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => {
      expect(screen.getByText('Backups 21–25 of 25')).toBeTruthy();
    });
    expect(within(screen.getByRole('table', { name: 'Backups' })).getByText('deckhand-2026-10-01-2300.sqlite3')).toBeTruthy();
  });

  test('"Open backups folder" opens it', async () => {
    vi.spyOn(commands, 'runDiagnostics').mockResolvedValue(HEALTHY);
    const open = vi.spyOn(commands, 'openBackupsFolder').mockResolvedValue(FOLDER);
    renderWithApp(<DiagnosticsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Open backups folder' }));
    expect(open).toHaveBeenCalled();
  });
});
