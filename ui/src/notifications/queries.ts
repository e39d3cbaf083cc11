import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { commands } from '../ipc';

/** One page of the notification log. */
export const LOG_PAGE_SIZE = 50;

export const notificationKeys = {
  all: ['notifications'] as const,
  contacts: ['notifications', 'contacts'] as const,
  destinations: ['notifications', 'destinations'] as const,
  smtp: ['notifications', 'smtp'] as const,
  pending: ['notifications', 'pending'] as const,
  logs: ['notifications', 'log'] as const,
  log: (offset: number) => ['notifications', 'log', offset] as const,
};

export function useContacts() {
  return useQuery({ queryKey: notificationKeys.contacts, queryFn: () => commands.listContacts() });
}

export function useDestinations() {
  return useQuery({ queryKey: notificationKeys.destinations, queryFn: () => commands.listDestinations() });
}

export function useSmtpSettings() {
  return useQuery({ queryKey: notificationKeys.smtp, queryFn: () => commands.getSmtpSettings() });
}

// The outbox delivers and retries in the background and engine events do not name it, so the
// log re-reads itself now and then while it is on screen.
const LOG_REFRESH_MS = 30_000;

export function usePendingNotifications() {
  return useQuery({
    queryKey: notificationKeys.pending,
    queryFn: () => commands.getPendingNotifications(),
    refetchInterval: LOG_REFRESH_MS,
  });
}

export function useNotificationLog(offset: number) {
  return useQuery({
    queryKey: notificationKeys.log(offset),
    queryFn: () => commands.getNotificationLog(LOG_PAGE_SIZE, offset),
    // Paging keeps the current rows on screen until the next page has arrived.
    placeholderData: keepPreviousData,
    refetchInterval: LOG_REFRESH_MS,
  });
}
