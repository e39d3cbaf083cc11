import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import type { Contact } from '../bindings/Contact';
import type { NotificationLogEntry } from '../bindings/NotificationLogEntry';
import type { PendingNotification } from '../bindings/PendingNotification';
import { CommandError, commands } from '../ipc';
import { formatInstant } from '../schedules/format';
import { renderWithApp } from '../test/render';
import { LogSection } from './LogSection';

const alice: Contact = {
  id: 'c-alice',
  name: 'Alice Berg',
  email: 'alice@lab.example.org',
  enabled: true,
  events: ['run_failed'],
  createdAt: '2026-06-01T08:00:00Z',
  updatedAt: '2026-06-01T08:00:00Z',
};

const waiting: PendingNotification = {
  id: 7n,
  event: 'run_failed',
  channel: 'email',
  runId: 'r1',
  scheduleId: 's1',
  contactId: 'c-alice',
  destinationId: null,
  attempts: 3,
  nextAttemptAt: '2026-06-16T08:05:00Z',
  lastError: 'connection refused',
  createdAt: '2026-06-16T08:00:00Z',
};

function entry(index: number, overrides: Partial<NotificationLogEntry> = {}): NotificationLogEntry {
  return {
    event: 'run_completed',
    runId: `r${index}`,
    scheduleId: 's1',
    contactId: 'c-alice',
    destinationId: null,
    channel: 'email',
    status: 'sent',
    error: null,
    createdAt: new Date(Date.UTC(2026, 5, 16, 8, 0) - index * 60_000).toISOString(),
    ...overrides,
  };
}

function page(from: number, count: number): NotificationLogEntry[] {
  return Array.from({ length: count }, (_, i) => entry(from + i));
}

describe('LogSection', () => {
  test('lists waiting messages with their recipient, attempts, next try and last error', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    vi.spyOn(commands, 'getPendingNotifications').mockResolvedValue([
      waiting,
      { ...waiting, id: 8n, event: 'run_overrun', channel: 'desktop', contactId: null, attempts: 0, lastError: null },
    ]);
    vi.spyOn(commands, 'getNotificationLog').mockResolvedValue([]);
    renderWithApp(<LogSection />);
    expect(screen.getByText('Loading waiting messages…')).toBeTruthy();
    expect(await screen.findByText('connection refused')).toBeTruthy();
    expect(screen.getByText('Run failed')).toBeTruthy();
    expect(screen.getByText('alice@lab.example.org'), 'the contact id becomes the address').toBeTruthy();
    expect(screen.getByText('3')).toBeTruthy();
    expect(screen.getAllByText(formatInstant('2026-06-16T08:05:00Z'))).toHaveLength(2);
    expect(screen.getByText('Taking longer than expected')).toBeTruthy();
    expect(screen.getByText('desktop')).toBeTruthy();
    expect(screen.getByText('Not tried yet')).toBeTruthy();
  });

  test('a message for a chat or webhook destination names it and its kind', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([
      {
        id: 'd-teams',
        name: 'Robot alerts',
        kind: 'teams',
        host: 'prod-01.westeurope.logic.azure.com',
        enabled: true,
        events: ['run_failed'],
        createdAt: '2026-06-01T08:00:00Z',
        updatedAt: '2026-06-01T08:00:00Z',
      },
    ]);
    vi.spyOn(commands, 'getPendingNotifications').mockResolvedValue([
      { ...waiting, channel: 'teams', contactId: null, destinationId: 'd-teams', lastError: 'HTTP 503' },
      { ...waiting, id: 9n, channel: 'webhook', contactId: null, destinationId: 'd-gone', lastError: 'HTTP 500' },
    ]);
    vi.spyOn(commands, 'getNotificationLog').mockResolvedValue([]);
    renderWithApp(<LogSection />);
    expect(await screen.findByText('Robot alerts (Microsoft Teams)')).toBeTruthy();
    expect(screen.getByText('a removed destination')).toBeTruthy();
  });

  test('says when nothing waits and nothing was sent', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([]);
    vi.spyOn(commands, 'getPendingNotifications').mockResolvedValue([]);
    vi.spyOn(commands, 'getNotificationLog').mockResolvedValue([]);
    renderWithApp(<LogSection />);
    expect(await screen.findByText('Nothing is waiting: every message has gone out.')).toBeTruthy();
    expect(await screen.findByText(/No message has been sent yet\. Send a test email/)).toBeTruthy();
  });

  test('shows a failed log read with its code', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([]);
    vi.spyOn(commands, 'getPendingNotifications').mockResolvedValue([]);
    vi.spyOn(commands, 'getNotificationLog').mockRejectedValue(
      new CommandError({ code: 'database_busy', message: 'The database is busy.', fields: [], current: null }),
    );
    renderWithApp(<LogSection />);
    expect(await screen.findByText('The notification log could not be loaded')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();
  });

  test('shows each delivery and pages through older ones 50 at a time', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    vi.spyOn(commands, 'getPendingNotifications').mockResolvedValue([]);
    const log = vi.spyOn(commands, 'getNotificationLog').mockImplementation((_limit, offset) =>
      Promise.resolve(
        offset === 0
          ? [entry(0, { event: 'run_failed', status: 'failed', error: '550 no such user' }), ...page(1, 49)]
          : [entry(50, { event: 'test', contactId: null }), ...page(51, 2)],
      ),
    );
    renderWithApp(<LogSection />);
    expect(await screen.findByText('550 no such user')).toBeTruthy();
    expect(screen.getByText('failed')).toBeTruthy();
    expect(screen.getByText('Messages 1–50')).toBeTruthy();
    expect(screen.getByText(formatInstant('2026-06-16T08:00:00.000Z'))).toBeTruthy();
    expect(log).toHaveBeenLastCalledWith(50, 0);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Newer' }).disabled).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('Messages 51–53')).toBeTruthy();
    expect(log).toHaveBeenLastCalledWith(50, 50);
    expect(screen.getByText('Test message')).toBeTruthy();
    expect(screen.getByText('a typed address (test)')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Older' }).disabled, 'a short page is the last').toBe(
      true,
    );

    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    await waitFor(() => {
      expect(screen.getByText('Messages 1–50')).toBeTruthy();
    });
  });
});
