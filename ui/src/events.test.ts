import { describe, expect, test } from 'vitest';

import type { Event as EngineEvent } from './bindings/Event';
import { staleKeys } from './events';

describe('staleKeys', () => {
  test('a schedule change makes the schedule lists stale', () => {
    const event = { type: 'schedule', schedule: {} } as unknown as EngineEvent;
    expect(staleKeys(event), 'the Schedules page reads again').toContainEqual(['schedules']);
  });

  test('a problem report changes no data', () => {
    expect(staleKeys({ type: 'problem', message: 'The database is busy.' }), 'nothing to re-read').toEqual([]);
  });
});
