import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import { App } from './App';
import { commands } from './ipc';
import { renderWithApp } from './test/render';

describe('App', () => {
  test('opens on the dashboard with every page in the navigation', async () => {
    vi.spyOn(commands, 'getDashboard').mockResolvedValue({
      overview: {
        running: [],
        waiting: [],
        needsRecovery: [],
        upcoming: [],
        scheduler: { paused: false, changedAt: null, changedBy: null },
      },
      foreignRun: null,
      schedulerHere: true,
    });
    vi.spyOn(commands, 'getSettings').mockRejectedValue(new Error('no backend'));
    vi.spyOn(commands, 'getHostStatus').mockRejectedValue(new Error('no backend'));
    renderWithApp(<App />);
    expect(await screen.findByText('Robot free')).toBeTruthy();
    for (const page of ['Dashboard', 'Schedules', 'Calendar', 'History', 'Notifications', 'Settings', 'Diagnostics']) {
      expect(screen.getByRole('button', { name: page })).toBeTruthy();
    }
  });

  test('Diagnostics is reached from the navigation with the keyboard, and the address remembers it', async () => {
    vi.spyOn(commands, 'getDashboard').mockRejectedValue(new Error('no backend'));
    vi.spyOn(commands, 'getSettings').mockRejectedValue(new Error('no backend'));
    vi.spyOn(commands, 'getHostStatus').mockRejectedValue(new Error('no backend'));
    vi.spyOn(commands, 'runDiagnostics').mockResolvedValue([
      { name: 'Database', level: 'ok', message: 'The database is healthy.', hint: null },
    ]);
    vi.spyOn(commands, 'listBackups').mockResolvedValue({ folder: '/data/backups', files: [] });
    renderWithApp(<App />);
    const entry = screen.getByRole('button', { name: 'Diagnostics' });
    entry.focus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { level: 2, name: 'Diagnostics' })).toBeTruthy();
    expect(window.location.hash).toBe('#diagnostics');
    expect(entry.getAttribute('aria-current')).toBe('page');
    expect(await screen.findByText('The check passed')).toBeTruthy();
    window.location.hash = '';
  });
});
