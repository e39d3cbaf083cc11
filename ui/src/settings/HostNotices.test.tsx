import { screen } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';

import { commands } from '../ipc';
import { renderWithApp } from '../test/render';
import { HostNotices } from './HostNotices';

describe('HostNotices', () => {
  test('says plainly when another program runs the scheduler and the keyring is unavailable', async () => {
    vi.spyOn(commands, 'getHostStatus').mockResolvedValue({
      schedulerHere: false,
      schedulerProblem: 'Another Deckhand engine is already running on this database (process 42).',
      keyringWorks: false,
      keyringProblem: 'it does not keep passwords',
    });
    renderWithApp(<HostNotices />);
    expect(await screen.findByText('The scheduler does not run in this window')).toBeTruthy();
    expect(screen.getByText(/process 42/)).toBeTruthy();
    expect(screen.getByText('Mail password kept for this session only')).toBeTruthy();
    expect(screen.getAllByRole('alert'), 'both notices are alerts').toHaveLength(2);
  });

  test('says nothing when all is well', async () => {
    const status = vi.spyOn(commands, 'getHostStatus').mockResolvedValue({
      schedulerHere: true,
      schedulerProblem: null,
      keyringWorks: true,
      keyringProblem: null,
    });
    renderWithApp(<HostNotices />);
    await vi.waitFor(() => { expect(status).toHaveBeenCalled(); });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByRole('alert'), 'no notice at all').toBeNull();
  });
});
