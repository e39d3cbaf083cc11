import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import type { Destination } from '../bindings/Destination';
import { CommandError, commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { ChatSection } from './ChatSection';

const teams: Destination = {
  id: '7d0c1f9e-0000-4000-8000-0000000000aa',
  name: 'Robot alerts',
  kind: 'teams',
  host: 'prod-01.westeurope.logic.azure.com',
  enabled: true,
  events: ['run_stuck', 'run_failed'],
  createdAt: '2026-06-01T08:00:00Z',
  updatedAt: '2026-06-01T08:00:00Z',
};

function dialog() {
  return within(screen.getByRole('dialog'));
}

describe('ChatSection', () => {
  test('lists each destination with its kind, host (never its URL) and events', async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([teams]);
    renderWithApp(<ChatSection />);
    expect(screen.getByText('Loading destinations…')).toBeTruthy();
    expect(await screen.findByText('Robot alerts')).toBeTruthy();
    expect(screen.getByText('Microsoft Teams · prod-01.westeurope.logic.azure.com')).toBeTruthy();
    expect(screen.getByText('Run failed')).toBeTruthy();
    expect(screen.getByText('Run stuck')).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('switch', { name: 'Robot alerts sends messages' }).checked).toBe(true);
  });

  test('says what a destination is for when there is none', async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([]);
    renderWithApp(<ChatSection />);
    expect(await screen.findByText(/No chat channel or webhook hears about runs yet/)).toBeTruthy();
  });

  test('a new destination needs a name and a URL; the URL goes to the core once, hidden on screen', async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([]);
    const create = vi
      .spyOn(commands, 'createDestination')
      .mockResolvedValue({ destination: { ...teams, kind: 'slack' }, urlKept: 'keyring' });
    renderWithApp(<ChatSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add destination' }));
    await userEvent.click(dialog().getByRole('button', { name: 'Add destination' }));
    expect(dialog().getByText('Give the destination a name, e.g. the channel it posts to.')).toBeTruthy();
    expect(dialog().getByText('Paste the URL the channel gives you.')).toBeTruthy();
    expect(create, 'nothing reaches the core').not.toHaveBeenCalled();

    await userEvent.type(dialog().getByLabelText(/^Name/), ' Robot alerts ');
    await userEvent.click(dialog().getByText('Slack'));
    expect(dialog().getByText(/create an incoming webhook for the channel/), 'where the URL comes from').toBeTruthy();
    const url = dialog().getByLabelText<HTMLInputElement>(/^URL/);
    expect(url.type, 'the URL is a secret: not shown').toBe('password');
    await userEvent.click(url);
    await userEvent.paste('https://hooks.slack.com/services/T0/B0/SECRET');
    await userEvent.click(dialog().getByRole('button', { name: 'Add destination' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(create).toHaveBeenCalledWith({
      name: 'Robot alerts',
      kind: 'slack',
      url: 'https://hooks.slack.com/services/T0/B0/SECRET',
      enabled: true,
      events: ['run_failed', 'run_aborted', 'run_stuck', 'run_overrun', 'run_missed', 'run_skipped',
        'recovery_required', 'recovery_resolved'],
    });
    expect(screen.queryByText(/kept only until Deckhand closes/), 'kept in the keyring: no warning').toBeNull();
  });

  test("the core's refusal of the URL shows under the field and nothing closes", async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([]);
    vi.spyOn(commands, 'createDestination').mockRejectedValue(
      new CommandError({
        code: 'invalid_input',
        message: 'The URL must start with https://.',
        fields: [{ field: 'url', message: 'The URL must start with https://.' }],
        current: null,
      }),
    );
    renderWithApp(<ChatSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add destination' }));
    await userEvent.type(dialog().getByLabelText(/^Name/), 'Lims');
    await userEvent.type(dialog().getByLabelText(/^URL/), 'http://lims.lab/hook');
    await userEvent.click(dialog().getByRole('button', { name: 'Add destination' }));
    expect(await dialog().findByText('The URL must start with https://.')).toBeTruthy();
    expect(dialog().getByText(/Nothing was saved/)).toBeTruthy();
  });

  test('editing keeps the URL unless a new one is pasted, and warns when it is kept for the session only', async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([teams]);
    const update = vi
      .spyOn(commands, 'updateDestination')
      .mockResolvedValueOnce({ destination: teams, urlKept: null })
      .mockResolvedValueOnce({ destination: teams, urlKept: 'session_only' });
    renderWithApp(<ChatSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Robot alerts' }));
    expect(dialog().getByText(/it posts to prod-01\.westeurope\.logic\.azure\.com/)).toBeTruthy();
    await userEvent.click(dialog().getByRole('button', { name: 'Save destination' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(update).toHaveBeenLastCalledWith(teams.id, {
      name: 'Robot alerts',
      kind: 'teams',
      enabled: true,
      events: ['run_failed', 'run_stuck'],
    });
    await userEvent.click(screen.getByRole('button', { name: 'Edit Robot alerts' }));
    await userEvent.type(dialog().getByLabelText(/^URL/), 'https://new.example/hook');
    await userEvent.click(dialog().getByRole('button', { name: 'Save destination' }));
    expect(await screen.findByText('The URL is kept only until Deckhand closes')).toBeTruthy();
    expect(update.mock.lastCall?.[1].url).toBe('https://new.example/hook');
  });

  test('send test shows what the service answered, or why it did not arrive', async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([teams]);
    vi.spyOn(commands, 'sendTestPost')
      .mockResolvedValueOnce({
        destination: 'Robot alerts',
        kind: 'teams',
        host: teams.host,
        answer: 'HTTP 202 Accepted',
        error: null,
      })
      .mockResolvedValueOnce({
        destination: 'Robot alerts',
        kind: 'teams',
        host: teams.host,
        answer: null,
        error: `${teams.host} does not know this URL (HTTP 404 Not Found)`,
      });
    renderWithApp(<ChatSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Send a test message to Robot alerts' }));
    expect(
      await screen.findByText(`delivered — ${teams.host} answered HTTP 202 Accepted`),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Send a test message to Robot alerts' }));
    expect(await screen.findByText(/not delivered: .* does not know this URL/)).toBeTruthy();
  });

  test('turning a destination off saves at once, with everything else as it was', async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([teams]);
    const update = vi
      .spyOn(commands, 'updateDestination')
      .mockResolvedValue({ destination: { ...teams, enabled: false }, urlKept: null });
    renderWithApp(<ChatSection />);
    await userEvent.click(await screen.findByRole('switch', { name: 'Robot alerts sends messages' }));
    await waitFor(() => {
      expect(update).toHaveBeenCalledWith(teams.id, {
        name: 'Robot alerts',
        kind: 'teams',
        enabled: false,
        events: ['run_stuck', 'run_failed'],
      });
    });
  });

  test('deleting asks first and says what happens to waiting messages', async () => {
    vi.spyOn(commands, 'listDestinations').mockResolvedValue([teams]);
    const remove = vi.spyOn(commands, 'deleteDestination').mockResolvedValue(null);
    renderWithApp(<ChatSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Robot alerts' }));
    expect(dialog().getByText(/messages still waiting for it are not sent/)).toBeTruthy();
    await userEvent.click(dialog().getByRole('button', { name: 'Delete destination' }));
    await waitFor(() => {
      expect(remove).toHaveBeenCalledWith(teams.id);
    });
  });
});
