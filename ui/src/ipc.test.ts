import { describe, expect, test } from 'vitest';

import { CommandError, toCommandError } from './ipc';

describe('toCommandError', () => {
  test('keeps the code and message of an error from the core', () => {
    const error = toCommandError({ code: 'database_busy', message: 'The database is busy.', fields: [], current: null });
    expect(error, 'the UI switches on a CommandError').toBeInstanceOf(CommandError);
    expect([error.code, error.message], 'code and message pass through unchanged').toEqual([
      'database_busy',
      'The database is busy.',
    ]);
  });

  test('turns a bare string from Tauri into an ipc error', () => {
    const error = toCommandError('Command list_schedules not allowed by ACL');
    expect([error.code, error.message], 'Tauri reports ACL and argument failures as strings').toEqual([
      'ipc',
      'Command list_schedules not allowed by ACL',
    ]);
  });

  test('turns anything else into an internal error with its message', () => {
    expect(toCommandError(new TypeError('boom')).code, 'a JS exception is ours, not the core’s').toBe('internal');
  });
});
