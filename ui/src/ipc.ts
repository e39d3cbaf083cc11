// The typed doorway to the Rust shell. Every command the UI calls is listed in
// `commands`, with argument and result types from the generated bindings, so a
// renamed field in the core breaks `tsc` rather than a screen.

import { invoke, isTauri, type InvokeArgs } from '@tauri-apps/api/core';

import type { AppSettings } from './bindings/AppSettings';
import type { HostStatus } from './bindings/HostStatus';
import type { IpcError } from './bindings/IpcError';
import type { Schedule } from './bindings/Schedule';
import type { ScheduleListFilter } from './bindings/ScheduleListFilter';

/** A failed command: `code` is stable and what the UI switches on; `message` is for people. */
export class CommandError extends Error {
  readonly code: string;
  /** For `invalid_input`: which fields are wrong and why. */
  readonly fields: IpcError['fields'];
  /** For `conflict`: the record as it is now, to offer a reload. */
  readonly current: IpcError['current'];

  constructor({ code, message, fields, current }: IpcError) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    this.fields = fields;
    this.current = current;
  }
}

/** An error raised on this side of the IPC boundary, shaped like the core's. */
function localError(code: string, message: string): CommandError {
  return new CommandError({ code, message, fields: [], current: null });
}

/** Enough of an `IpcError` to trust: the code and the message. */
function isIpcError(value: unknown): value is Pick<IpcError, 'code' | 'message'> & Partial<IpcError> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).code === 'string' &&
    typeof (value as Record<string, unknown>).message === 'string'
  );
}

/** Whatever a rejected `invoke` produced, as a `CommandError`. */
export function toCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  if (isIpcError(error)) return new CommandError({ fields: [], current: null, ...error });
  // Tauri itself rejects with a bare string when it cannot reach the command
  // (unknown command, denied by the capabilities, arguments that do not parse).
  if (typeof error === 'string') return localError('ipc', error);
  const message = error instanceof Error ? error.message : String(error);
  return localError('internal', message);
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  if (!isTauri()) {
    throw localError(
      'no_backend',
      'This page runs outside the Deckhand app, so it cannot reach the schedule store.',
    );
  }
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toCommandError(error);
  }
}

export const commands = {
  listSchedules: (filter: ScheduleListFilter) => call<Schedule[]>('list_schedules', { filter }),
  getSettings: () => call<AppSettings>('get_settings'),
  getHostStatus: () => call<HostStatus>('get_host_status'),
};
