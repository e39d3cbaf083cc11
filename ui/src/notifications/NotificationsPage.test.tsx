import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import { commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { NotificationsPage } from './NotificationsPage';

describe('NotificationsPage', () => {
  test('opens on People and shows the other sections as tabs', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([]);
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([]);
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(null);
    vi.spyOn(commands, 'getHostStatus').mockResolvedValue({
      schedulerHere: true,
      schedulerProblem: null,
      keyringWorks: true,
      keyringProblem: null,
    });
    vi.spyOn(commands, 'getPendingNotifications').mockResolvedValue([]);
    vi.spyOn(commands, 'getNotificationLog').mockResolvedValue([]);
    renderWithApp(<NotificationsPage />);
    expect(await screen.findByText(/No one gets email yet/)).toBeTruthy();

    await userEvent.click(screen.getByRole('tab', { name: 'Chat and webhooks' }));
    expect(await screen.findByText(/No chat channel or webhook hears about runs yet/)).toBeTruthy();

    await userEvent.click(screen.getByRole('tab', { name: 'Mail server' }));
    expect(await screen.findByText(/No mail server is set up yet/)).toBeTruthy();

    await userEvent.click(screen.getByRole('tab', { name: 'Log' }));
    expect(await screen.findByText('Nothing is waiting: every message has gone out.')).toBeTruthy();
  });
});
