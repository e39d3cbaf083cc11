import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';

import { commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { ThisPc } from './ThisPc';

describe('ThisPc', () => {
  test('start at login is switched and the logs folder opened', async () => {
    vi.spyOn(commands, 'getAutostart').mockResolvedValue(false);
    const set = vi.spyOn(commands, 'setAutostart').mockResolvedValue(true);
    const open = vi.spyOn(commands, 'openLogsFolder').mockResolvedValue('/data/logs');
    renderWithApp(<ThisPc />);
    const toggle = await screen.findByRole('switch', { name: /Start Deckhand when I log in/ });
    await vi.waitFor(() => { expect((toggle as HTMLInputElement).disabled).toBe(false); });
    await userEvent.click(toggle);
    expect(set).toHaveBeenCalledWith(true);
    await userEvent.click(screen.getByRole('button', { name: 'Open logs folder' }));
    expect(open).toHaveBeenCalled();
    expect(await screen.findByText('/data/logs')).toBeTruthy();
  });
});
