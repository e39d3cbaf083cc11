import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, test, vi } from 'vitest';

import type { HostStatus } from '../bindings/HostStatus';
import type { SmtpSettings } from '../bindings/SmtpSettings';
import { CommandError, commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { MailServerSection } from './MailServerSection';

const server: SmtpSettings = {
  host: 'smtp.lab.example.org',
  port: 587,
  tls: 'starttls',
  username: 'deckhand',
  fromAddress: 'deckhand@lab.example.org',
};

const keyringWorks: HostStatus = {
  schedulerHere: true,
  schedulerProblem: null,
  keyringWorks: true,
  keyringProblem: null,
};

function invalid(field: string, message: string) {
  const fields = [{ field, message }];
  return new CommandError({ code: 'invalid_input', message: 'Not valid.', fields, current: null });
}

function input(label: RegExp) {
  return screen.getByLabelText<HTMLInputElement>(label);
}

beforeEach(() => {
  vi.spyOn(commands, 'getHostStatus').mockResolvedValue(keyringWorks);
});

describe('MailServerSection: the server', () => {
  test('loads the saved server into the form', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(server);
    renderWithApp(<MailServerSection />);
    expect(screen.getByText('Loading the mail server settings…')).toBeTruthy();
    await screen.findByText('Deckhand sends every email through this server.');
    expect(input(/^Host/).value).toBe('smtp.lab.example.org');
    expect(input(/^Port/).value).toBe('587');
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /STARTTLS/ }).checked).toBe(true);
    expect(screen.getByText(/Encrypted from the first byte/), 'each mode explains itself').toBeTruthy();
    expect(input(/^User name/).value).toBe('deckhand');
    expect(input(/^From address/).value).toBe('deckhand@lab.example.org');
  });

  test('says so when no server is set up', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(null);
    renderWithApp(<MailServerSection />);
    expect(await screen.findByText(/No mail server is set up yet/)).toBeTruthy();
    expect(input(/^Host/).value).toBe('');
    expect(input(/^Password/).disabled, 'no user, no password').toBe(true);
    expect(screen.getByText(/Save a user name above first/)).toBeTruthy();
  });

  test('shows a load error with a way to try again', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockRejectedValue(
      new CommandError({ code: 'database', message: 'The database could not be read.', fields: [], current: null }),
    );
    renderWithApp(<MailServerSection />);
    expect(await screen.findByText('The mail server settings could not be loaded')).toBeTruthy();
    expect(screen.getByText('Error code: database')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  test('checks the required fields, shows the core’s field error, then saves', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(null);
    const save = vi
      .spyOn(commands, 'setSmtpSettings')
      .mockRejectedValueOnce(invalid('host', "'smtp://x' is not a host name: write just the server's name."))
      .mockResolvedValueOnce({ ...server, host: 'smtp.example.org', port: 465, tls: 'tls', username: null });
    renderWithApp(<MailServerSection />);
    await screen.findByText(/No mail server is set up yet/);

    await userEvent.click(screen.getByRole('button', { name: 'Save mail server' }));
    expect(screen.getByText("Give the mail server's host name, e.g. smtp.example.org.")).toBeTruthy();
    expect(screen.getByText('Give the address messages come from.')).toBeTruthy();
    expect(save).not.toHaveBeenCalled();

    await userEvent.type(input(/^Host/), 'smtp://x');
    // Pasted: typing it key by key re-renders the form 24 times and tests nothing more.
    await userEvent.click(input(/^From address/));
    await userEvent.paste('deckhand@lab.example.org');
    await userEvent.click(screen.getByRole('button', { name: 'Save mail server' }));
    expect(await screen.findByText("'smtp://x' is not a host name: write just the server's name.")).toBeTruthy();
    expect(save).toHaveBeenLastCalledWith({
      host: 'smtp://x',
      port: 587,
      tls: 'starttls',
      username: null,
      fromAddress: 'deckhand@lab.example.org',
    });

    await userEvent.clear(input(/^Host/));
    await userEvent.paste('smtp.example.org');
    expect(screen.queryByText(/is not a host name/), 'editing the field clears its error').toBeNull();
    await userEvent.clear(input(/^Port/));
    await userEvent.type(input(/^Port/), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save mail server' }));
    expect(
      screen.getByText('0 is not a port: give a whole number from 1 to 65535, e.g. 587.'),
      'said, not clamped to 1 and saved',
    ).toBeTruthy();
    expect(save).toHaveBeenCalledTimes(1);
    await userEvent.clear(input(/^Port/));
    await userEvent.type(input(/^Port/), '70000');
    await userEvent.click(screen.getByRole('button', { name: 'Save mail server' }));
    expect(screen.getByText('70000 is not a port: give a whole number from 1 to 65535, e.g. 587.')).toBeTruthy();
    expect(save).toHaveBeenCalledTimes(1);
    await userEvent.clear(input(/^Port/));
    await userEvent.type(input(/^Port/), '465');
    await userEvent.click(screen.getByRole('radio', { name: /TLS from the start/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save mail server' }));
    expect(await screen.findByText('Mail server settings saved.')).toBeTruthy();
    expect(save).toHaveBeenLastCalledWith({
      host: 'smtp.example.org',
      port: 465,
      tls: 'tls',
      username: null,
      fromAddress: 'deckhand@lab.example.org',
    });
  });
});

describe('MailServerSection: the password', () => {
  test('says where the password is kept: the keyring', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(server);
    const setPassword = vi.spyOn(commands, 'setSmtpPassword').mockResolvedValue('keyring');
    renderWithApp(<MailServerSection />);
    await screen.findByText('Deckhand sends every email through this server.');
    await userEvent.click(screen.getByRole('button', { name: 'Save password' }));
    expect(screen.getByText('Type the password first.')).toBeTruthy();
    expect(setPassword).not.toHaveBeenCalled();

    await userEvent.type(input(/^Password/), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Save password' }));
    expect(await screen.findByText("Password saved: kept in the system's password store (Credential Manager on Windows).")).toBeTruthy();
    expect(setPassword).toHaveBeenCalledWith('s3cret');
    expect(input(/^Password/).value, 'the password does not linger on screen').toBe('');
  });

  test('says where the password is kept: this session only, and warns up front', async () => {
    vi.spyOn(commands, 'getHostStatus').mockResolvedValue({
      ...keyringWorks,
      keyringWorks: false,
      keyringProblem: 'no Secret Service is running',
    });
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(server);
    vi.spyOn(commands, 'setSmtpPassword').mockResolvedValue('session_only');
    renderWithApp(<MailServerSection />);
    expect(await screen.findByText('The keyring is not available')).toBeTruthy();
    expect(screen.getByText(/no Secret Service is running/)).toBeTruthy();
    await userEvent.type(input(/^Password/), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Save password' }));
    expect(
      await screen.findByText('Password saved: kept until Deckhand closes: the keyring is not available.'),
    ).toBeTruthy();
  });

  test('shows why a password was refused', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(server);
    vi.spyOn(commands, 'setSmtpPassword').mockRejectedValue(
      new CommandError({
        code: 'invalid_input',
        message: 'The mail server is set up without a user name, so it takes no password.',
        fields: [],
        current: null,
      }),
    );
    renderWithApp(<MailServerSection />);
    await screen.findByText('Deckhand sends every email through this server.');
    await userEvent.type(input(/^Password/), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Save password' }));
    expect(await screen.findByText('The password was not saved')).toBeTruthy();
    expect(screen.getByText('The mail server is set up without a user name, so it takes no password.')).toBeTruthy();
  });
});

describe('MailServerSection: test email', () => {
  test('sends to every enabled contact and shows each answer', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(server);
    const send = vi.spyOn(commands, 'sendTestEmail').mockResolvedValue([
      { to: 'alice@lab.example.org', answer: '250 OK', error: null },
      { to: 'bo@lab.example.org', answer: null, error: 'mailbox unavailable' },
    ]);
    renderWithApp(<MailServerSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Send test email' }));
    expect(await screen.findByText(': sent — the server answered 250 OK')).toBeTruthy();
    expect(screen.getByText('alice@lab.example.org')).toBeTruthy();
    expect(screen.getByText(': not sent: mailbox unavailable')).toBeTruthy();
    expect(send).toHaveBeenCalledWith(null);
  });

  test('sends to a typed address and shows a bad address next to the input', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(server);
    const send = vi
      .spyOn(commands, 'sendTestEmail')
      .mockRejectedValue(invalid('to', "'nobody' is not a valid email address; write it like name@example.org."));
    renderWithApp(<MailServerSection />);
    await userEvent.type(await screen.findByLabelText(/^Send to/), ' nobody ');
    await userEvent.click(screen.getByRole('button', { name: 'Send test email' }));
    expect(await screen.findByText(/'nobody' is not a valid email address/)).toBeTruthy();
    expect(screen.getByLabelText(/^Send to/).getAttribute('aria-invalid')).toBe('true');
    expect(send).toHaveBeenCalledWith('nobody');
  });

  test('says when the password is missing', async () => {
    vi.spyOn(commands, 'getSmtpSettings').mockResolvedValue(server);
    vi.spyOn(commands, 'sendTestEmail').mockRejectedValue(
      new CommandError({
        code: 'no_password',
        message: 'The mail server needs a password for deckhand and none is kept; enter it first.',
        fields: [],
        current: null,
      }),
    );
    renderWithApp(<MailServerSection />);
    await userEvent.click(await screen.findByRole('button', { name: 'Send test email' }));
    expect(await screen.findByText('No test email was sent')).toBeTruthy();
    expect(screen.getByText(/needs a password for deckhand/)).toBeTruthy();
    expect(screen.getByText('Save the password above, then send again.')).toBeTruthy();
    expect(screen.getByText('Error code: no_password')).toBeTruthy();
    await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Send test email' }).hasAttribute('data-loading')).toBe(false);
    });
  });
});
