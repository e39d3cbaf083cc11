// Live updates: the shell forwards every engine event (a run moved, a schedule changed, the
// engine paused) as the Tauri event `deckhand://engine`; the cached queries it touches are
// read again, so every screen stays true without polling.

import { isTauri } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { QueryClient } from '@tanstack/react-query';

import type { Event as EngineEvent } from './bindings/Event';

/** The Tauri event name the shell emits engine events under (see src-tauri/src/host.rs). */
export const ENGINE_EVENT = 'deckhand://engine';

/** The query keys an engine event makes stale. */
export function staleKeys(event: EngineEvent): string[][] {
  switch (event.type) {
    case 'run':
    case 'overrun':
    case 'missed':
    case 'schedule':
      // A run's change may have queued notifications too.
      return [['schedules'], ['history'], ['overview'], ['notifications']];
    case 'engine':
      return [['overview']];
    case 'problem':
      return [];
    case 'settings':
      // Another program changed a setting: the Settings page, the Simulation badge and the
      // dashboard (the robot's program names) read them again.
      return [['settings'], ['host-status'], ['overview']];
  }
}

/** Starts listening; returns the function that stops. Outside Tauri it does nothing. */
export async function followEngine(client: QueryClient): Promise<() => void> {
  if (!isTauri()) return () => undefined;
  return listen<EngineEvent>(ENGINE_EVENT, ({ payload }) => {
    for (const queryKey of staleKeys(payload)) {
      void client.invalidateQueries({ queryKey });
    }
  });
}
