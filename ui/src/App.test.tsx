import { screen } from '@testing-library/react';
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
    for (const page of ['Dashboard', 'Schedules', 'Calendar', 'History', 'Notifications', 'Settings']) {
      expect(screen.getByRole('button', { name: page })).toBeTruthy();
    }
  });
});
