import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import type { Contact } from '../bindings/Contact';
import { CommandError, commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { NEEDS_A_PERSON } from './events';
import { PeopleSection } from './PeopleSection';

const alice: Contact = {
  id: '7d0c1f9e-0000-4000-8000-000000000001',
  name: 'Alice Berg',
  email: 'alice@lab.example.org',
  enabled: true,
  events: ['run_overrun', 'run_failed'],
  createdAt: '2026-06-01T08:00:00Z',
  updatedAt: '2026-06-01T08:00:00Z',
};

function dialog() {
  return within(screen.getByRole('dialog'));
}

describe('PeopleSection', () => {
  test('shows a loading line, then each contact with readable event chips', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    renderWithApp(<PeopleSection />);
    expect(screen.getByText('Loading contacts…')).toBeTruthy();
    expect(await screen.findByText('Alice Berg')).toBeTruthy();
    expect(screen.getByText('alice@lab.example.org')).toBeTruthy();
    expect(screen.getByText('Run failed'), 'the event kind in words').toBeTruthy();
    expect(screen.getByText('Taking longer than expected'), 'overrun reads as a person says it').toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('switch', { name: 'Alice Berg gets email' }).checked).toBe(true);
  });

  test('says what to do when nobody is set up', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([]);
    renderWithApp(<PeopleSection />);
    expect(await screen.findByText(/No one gets email yet\. Add a contact/)).toBeTruthy();
  });

  test('shows the error with its code and tries again', async () => {
    const list = vi
      .spyOn(commands, 'listContacts')
      .mockRejectedValueOnce(
        new CommandError({ code: 'database_busy', message: 'The database is busy.', fields: [], current: null }),
      )
      .mockResolvedValueOnce([alice]);
    renderWithApp(<PeopleSection />);
    expect(await screen.findByText('The contacts could not be loaded')).toBeTruthy();
    expect(screen.getByText('The database is busy.')).toBeTruthy();
    expect(screen.getByText('Error code: database_busy')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Alice Berg')).toBeTruthy();
    expect(list).toHaveBeenCalledTimes(2);
  });

  test('a new contact needs a name and an address before anything is sent', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([]);
    const create = vi.spyOn(commands, 'createContact');
    renderWithApp(<PeopleSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add contact' }));
    await userEvent.click(dialog().getByRole('button', { name: 'Add contact' }));
    expect(dialog().getByText('Give the contact a name.')).toBeTruthy();
    expect(dialog().getByText('Give an email address to send to.')).toBeTruthy();
    expect(create, 'nothing reaches the core').not.toHaveBeenCalled();
    await userEvent.type(dialog().getByLabelText(/^Name/), 'B');
    expect(dialog().queryByText('Give the contact a name.'), 'typing clears that field’s error').toBeNull();
  });

  test('a new contact hears everything that needs a person, and the button puts that back', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([]);
    const created: Contact = {
      ...alice,
      id: 'new',
      name: 'Bo',
      email: 'bo@lab.example.org',
      events: [...NEEDS_A_PERSON],
    };
    const create = vi.spyOn(commands, 'createContact').mockResolvedValue(created);
    renderWithApp(<PeopleSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add contact' }));

    const box = (label: string) => dialog().getByRole<HTMLInputElement>('checkbox', { name: label });
    expect(box('Run started').checked, 'good news is off by default').toBe(false);
    expect(box('Run completed').checked).toBe(false);
    for (const label of ['Run failed', 'Run aborted', 'Run stuck', 'Taking longer than expected', 'Run missed',
      'Run skipped', 'Recovery required', 'Recovery resolved']) {
      expect(box(label).checked, `${label} is on by default`).toBe(true);
    }
    expect(dialog().queryByRole('checkbox', { name: 'Test message' }), 'test is not selectable').toBeNull();

    await userEvent.click(box('Run started'));
    await userEvent.click(box('Run failed'));
    expect(box('Run started').checked).toBe(true);
    await userEvent.click(dialog().getByRole('button', { name: 'Everything that needs a person' }));
    expect(box('Run started').checked).toBe(false);
    expect(box('Run failed').checked).toBe(true);

    await userEvent.type(dialog().getByLabelText(/^Name/), ' Bo ');
    await userEvent.click(dialog().getByLabelText(/^Email address/));
    await userEvent.paste('bo@lab.example.org');
    await userEvent.click(dialog().getByRole('button', { name: 'Add contact' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog'), 'the modal closes once saved').toBeNull();
    });
    expect(create).toHaveBeenCalledWith({
      name: 'Bo',
      email: 'bo@lab.example.org',
      enabled: true,
      events: ['run_failed', 'run_aborted', 'run_stuck', 'run_overrun', 'run_missed', 'run_skipped',
        'recovery_required', 'recovery_resolved'],
    });
  });

  test("shows the core's field error next to the address and keeps the form open", async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    vi.spyOn(commands, 'createContact').mockRejectedValue(
      new CommandError({
        code: 'invalid_input',
        message: 'The contact is not valid.',
        fields: [{ field: 'email', message: 'A contact with the address alice@lab.example.org exists already.' }],
        current: null,
      }),
    );
    renderWithApp(<PeopleSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add contact' }));
    await userEvent.type(dialog().getByLabelText(/^Name/), 'Alice again');
    await userEvent.type(dialog().getByLabelText(/^Email address/), 'alice@lab.example.org');
    await userEvent.click(dialog().getByRole('button', { name: 'Add contact' }));
    const input = dialog().getByLabelText(/^Email address/);
    expect(await dialog().findByText('A contact with the address alice@lab.example.org exists already.')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(dialog().getByText(/Nothing was saved/)).toBeTruthy();
  });

  test('edits a contact with its id and the whole draft', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    const update = vi.spyOn(commands, 'updateContact').mockResolvedValue({ ...alice, name: 'Alice B.' });
    renderWithApp(<PeopleSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Alice Berg' }));
    const name = dialog().getByLabelText(/^Name/);
    await userEvent.clear(name);
    await userEvent.type(name, 'Alice B.');
    await userEvent.click(dialog().getByRole('button', { name: 'Save contact' }));
    await waitFor(() => {
      expect(update).toHaveBeenCalledWith(alice.id, {
        name: 'Alice B.',
        email: 'alice@lab.example.org',
        enabled: true,
        events: ['run_failed', 'run_overrun'],
      });
    });
  });

  test('turns email off for one contact straight from the table', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    const update = vi.spyOn(commands, 'updateContact').mockResolvedValue({ ...alice, enabled: false });
    renderWithApp(<PeopleSection />);
    await userEvent.click(await screen.findByRole('switch', { name: 'Alice Berg gets email' }));
    expect(update).toHaveBeenCalledWith(alice.id, {
      name: 'Alice Berg',
      email: 'alice@lab.example.org',
      enabled: false,
      events: ['run_overrun', 'run_failed'],
    });
  });

  test('deletes only after the confirmation, which says who is removed', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    const remove = vi.spyOn(commands, 'deleteContact').mockResolvedValue(null);
    renderWithApp(<PeopleSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Alice Berg' }));
    expect(dialog().getByText(/Alice Berg \(alice@lab\.example\.org\) will be removed/)).toBeTruthy();
    await userEvent.click(dialog().getByRole('button', { name: 'Keep contact' }));
    expect(remove, 'keeping deletes nothing').not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Delete Alice Berg' }));
    await userEvent.click(dialog().getByRole('button', { name: 'Delete contact' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(remove).toHaveBeenCalledWith(alice.id);
  });

  test('a failed delete says why and keeps the confirmation open', async () => {
    vi.spyOn(commands, 'listContacts').mockResolvedValue([alice]);
    vi.spyOn(commands, 'deleteContact').mockRejectedValue(
      new CommandError({ code: 'not_found', message: 'No contact with that id.', fields: [], current: null }),
    );
    renderWithApp(<PeopleSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Alice Berg' }));
    await userEvent.click(dialog().getByRole('button', { name: 'Delete contact' }));
    expect(await dialog().findByText('The contact was not deleted')).toBeTruthy();
    expect(dialog().getByText('Error code: not_found')).toBeTruthy();
  });
});
