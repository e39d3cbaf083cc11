// Test data: schedules and runs as the core sends them.
import type { Run } from '../bindings/Run';
import type { Schedule } from '../bindings/Schedule';
import type { AppSettings } from '../bindings/AppSettings';
import { CommandError } from '../ipc';

export function aSchedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Plate wash',
    methodPath: 'C:\\Methods\\Wash.med',
    recurrence: { kind: 'daily', start: '2026-06-16T06:00:00Z' },
    retry: { maxAttempts: 5, delayMinutes: 2, backoff: 'fixed', maxDelayMinutes: 30 },
    missedRuns: { catchUp: true, graceMinutes: 15 },
    expectedDurationMinutes: null,
    stuckMinutes: null,
    active: true,
    archived: false,
    recovery: null,
    nextRun: '2026-06-17T06:00:00Z',
    lastRun: '2026-06-16T06:00:00Z',
    createdAt: '2026-06-01T09:00:00Z',
    updatedAt: '2026-06-10T09:00:00Z',
    ...overrides,
  };
}

export function aRun(overrides: Partial<Run> = {}): Run {
  return {
    id: '00000000-0000-4000-8000-0000000000aa',
    scheduleId: '00000000-0000-4000-8000-000000000001',
    slot: '2026-06-17T06:00:00Z',
    origin: 'manual',
    status: 'pending',
    attempt: 0,
    missedCount: null,
    queuedAt: '2026-06-16T12:00:00Z',
    startedAt: null,
    endedAt: null,
    commandLine: null,
    pid: null,
    exitCode: null,
    traceFile: null,
    outcomeDetail: null,
    errorMessage: null,
    deckEvidence: null,
    waitUntil: null,
    ...overrides,
  };
}

export const SETTINGS: AppSettings = {
  hxrunPath: 'C:\\Program Files (x86)\\HAMILTON\\Bin\\HxRun.exe',
  hxrunArgs: '{method} -r -t',
  methodsFolder: 'C:\\Program Files (x86)\\HAMILTON\\Methods',
  logFolder: 'C:\\Program Files (x86)\\HAMILTON\\LogFiles',
  maxConcurrentRuns: 1,
  robotProcessNames: ['HxRun'],
  stuckThresholdMinutes: 20,
  simulation: false,
  methodsFolderOnly: true,
  logLevel: 'info',
  backupKeep: 14,
  httpsProxy: '',
};

export function commandError(
  code: string,
  message: string,
  extra: Partial<Pick<CommandError, 'fields' | 'current'>> = {},
): CommandError {
  return new CommandError({ code, message, fields: extra.fields ?? [], current: extra.current ?? null });
}
