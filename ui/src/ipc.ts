// The typed doorway to the Rust shell. Every command the UI calls is listed in
// `commands`, with argument and result types from the generated bindings, so a
// renamed field in the core breaks `tsc` rather than a screen.

import { invoke, isTauri, type InvokeArgs } from '@tauri-apps/api/core';

import type { AppSettings } from './bindings/AppSettings';
import type { AuditEntry } from './bindings/AuditEntry';
import type { BackupReport } from './bindings/BackupReport';
import type { Backups } from './bindings/Backups';
import type { CalendarItem } from './bindings/CalendarItem';
import type { Check } from './bindings/Check';
import type { Contact } from './bindings/Contact';
import type { ContactDraft } from './bindings/ContactDraft';
import type { Dashboard } from './bindings/Dashboard';
import type { Destination } from './bindings/Destination';
import type { DestinationDraft } from './bindings/DestinationDraft';
import type { HistoryPage } from './bindings/HistoryPage';
import type { HistoryQuery } from './bindings/HistoryQuery';
import type { HostStatus } from './bindings/HostStatus';
import type { IpcError } from './bindings/IpcError';
import type { NotificationLogEntry } from './bindings/NotificationLogEntry';
import type { PasswordKept } from './bindings/PasswordKept';
import type { PendingNotification } from './bindings/PendingNotification';
import type { Recurrence } from './bindings/Recurrence';
import type { Run } from './bindings/Run';
import type { Schedule } from './bindings/Schedule';
import type { ScheduleDraft } from './bindings/ScheduleDraft';
import type { SavedDestination } from './bindings/SavedDestination';
import type { ScheduleListFilter } from './bindings/ScheduleListFilter';
import type { SettingKey } from './bindings/SettingKey';
import type { SmtpSettings } from './bindings/SmtpSettings';
import type { TestEmailResult } from './bindings/TestEmailResult';
import type { TestPostResult } from './bindings/TestPostResult';

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

/**
 * Every command the shell offers (src-tauri/src/commands.rs), typed. Argument names are the
 * Rust parameter names in camelCase, as Tauri expects.
 */
export const commands = {
  // Schedules
  listSchedules: (filter: ScheduleListFilter) => call<Schedule[]>('list_schedules', { filter }),
  getSchedule: (id: string) => call<Schedule>('get_schedule', { id }),
  createSchedule: (draft: ScheduleDraft) => call<Schedule>('create_schedule', { draft }),
  updateSchedule: (id: string, draft: ScheduleDraft, expectedUpdatedAt: string) =>
    call<Schedule>('update_schedule', { id, draft, expectedUpdatedAt }),
  setScheduleActive: (id: string, active: boolean, expectedUpdatedAt: string) =>
    call<Schedule>('set_schedule_active', { id, active, expectedUpdatedAt }),
  setScheduleArchived: (id: string, archived: boolean) =>
    call<Schedule>('set_schedule_archived', { id, archived }),
  deleteSchedule: (id: string) => call<number>('delete_schedule', { id }),
  previewRecurrence: (recurrence: Recurrence, previous: Recurrence | null, count: number) =>
    call<string[]>('preview_recurrence', { recurrence, previous, count }),
  resolveRecovery: (id: string, note: string, name: string) =>
    call<Schedule>('resolve_recovery', { id, note, name }),
  runNow: (id: string) => call<Run>('run_now', { id }),
  skipNext: (id: string) => call<Run>('skip_next', { id }),
  cancelRun: (runId: string) => call<Run>('cancel_run', { runId }),
  abortRun: (runId: string) => call<Run>('abort_run', { runId }),
  pickMethodFile: () => call<string | null>('pick_method_file'),

  // The scheduler
  getDashboard: () => call<Dashboard>('get_dashboard'),
  setSchedulerPaused: (paused: boolean) => call<null>('set_scheduler_paused', { paused }),
  getHostStatus: () => call<HostStatus>('get_host_status'),
  getAutostart: () => call<boolean>('get_autostart'),
  setAutostart: (enabled: boolean) => call<boolean>('set_autostart', { enabled }),
  openLogsFolder: () => call<string>('open_logs_folder'),

  // History
  getHistory: (query: HistoryQuery) => call<HistoryPage>('get_history', { query }),
  exportHistoryCsv: (query: HistoryQuery) => call<number | null>('export_history_csv', { query }),
  getCalendar: (from: string, to: string) => call<CalendarItem[]>('get_calendar', { from, to }),

  // Notifications
  listContacts: () => call<Contact[]>('list_contacts'),
  createContact: (draft: ContactDraft) => call<Contact>('create_contact', { draft }),
  updateContact: (id: string, draft: ContactDraft) => call<Contact>('update_contact', { id, draft }),
  deleteContact: (id: string) => call<null>('delete_contact', { id }),
  getSmtpSettings: () => call<SmtpSettings | null>('get_smtp_settings'),
  setSmtpSettings: (settings: SmtpSettings) => call<SmtpSettings>('set_smtp_settings', { settings }),
  setSmtpPassword: (password: string) => call<PasswordKept>('set_smtp_password', { password }),
  sendTestEmail: (to: string | null) => call<TestEmailResult[]>('send_test_email', { to }),
  listDestinations: () => call<Destination[]>('list_destinations'),
  createDestination: (draft: DestinationDraft) => call<SavedDestination>('create_destination', { draft }),
  updateDestination: (id: string, draft: DestinationDraft) =>
    call<SavedDestination>('update_destination', { id, draft }),
  deleteDestination: (id: string) => call<null>('delete_destination', { id }),
  sendTestPost: (id: string) => call<TestPostResult>('send_test_post', { id }),
  getNotificationLog: (limit: number, offset: number) =>
    call<NotificationLogEntry[]>('get_notification_log', { limit, offset }),
  getPendingNotifications: () => call<PendingNotification[]>('get_pending_notifications'),

  // Settings and the audit log
  getSettings: () => call<AppSettings>('get_settings'),
  setSetting: (key: SettingKey, value: string) => call<AppSettings>('set_setting', { key, value }),
  resetSetting: (key: SettingKey) => call<AppSettings>('reset_setting', { key }),
  getAuditLog: (target: string | null, limit: number) =>
    call<AuditEntry[]>('get_audit_log', { target, limit }),

  // Diagnostics and backups
  runDiagnostics: () => call<Check[]>('run_diagnostics'),
  listBackups: () => call<Backups>('list_backups'),
  backupNow: () => call<BackupReport>('backup_now'),
  openBackupsFolder: () => call<string>('open_backups_folder'),
};
