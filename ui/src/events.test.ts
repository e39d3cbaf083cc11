import { describe, expect, test } from 'vitest';

import type { Event as EngineEvent } from './bindings/Event';
import { staleKeys } from './events';

describe('staleKeys', () => {
  test('a schedule change makes the schedule lists stale', () => {
    const event = { type: 'schedule', schedule: {} } as unknown as EngineEvent;
    expect(staleKeys(event), 'the Schedules page reads again').toContainEqual(['schedules']);
  });

  test('settings changed by another program make the settings and the badge stale', () => {
    const event = { type: 'settings', settings: {} } as unknown as EngineEvent;
    const keys = staleKeys(event);
    expect(keys, 'the Settings page reads again').toContainEqual(['settings']);
    expect(keys, 'the Simulation badge reads again').toContainEqual(['host-status']);
  });

  test('a problem report changes no data', () => {
    expect(staleKeys({ type: 'problem', message: 'The database is busy.' }), 'nothing to re-read').toEqual([]);
  });
});
