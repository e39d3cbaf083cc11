import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';

import type { Channel } from '../bindings/Channel';
import type { Contact } from '../bindings/Contact';
import type { Destination } from '../bindings/Destination';
import type { EventKind } from '../bindings/EventKind';
import { displayTimeZone, formatInstant } from '../schedules/format';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { Pager } from '../components/Pager';
import { KIND_LABELS } from './destinations';
import { EVENT_LABELS } from './events';
import { LOG_PAGE_SIZE, useContacts, useDestinations, useNotificationLog, usePendingNotifications } from './queries';
import { Loading } from '../components/Loading';

/** What a message says about who gets it. */
interface Addressed {
  channel: Channel;
  contactId: string | null;
  destinationId: string | null;
  event: EventKind;
}

/** Who a message is for, as a person reads it. */
export function recipient(
  message: Addressed,
  contacts: Contact[] | undefined,
  destinations: Destination[] | undefined,
): string {
  const { channel, contactId, destinationId, event } = message;
  if (channel === 'desktop') return 'desktop';
  if (destinationId !== null) {
    if (destinations === undefined) return `destination ${destinationId.slice(0, 8)}`;
    const destination = destinations.find((d) => d.id === destinationId);
    return destination === undefined
      ? 'a removed destination'
      : `${destination.name} (${KIND_LABELS[destination.kind]})`;
  }
  // A test message sent to a typed address belongs to no contact.
  if (contactId === null) return event === 'test' ? 'a typed address (test)' : '—';
  if (contacts === undefined) return `contact ${contactId.slice(0, 8)}`;
  return contacts.find((contact) => contact.id === contactId)?.email ?? 'a removed contact';
}

/** Messages waiting to go out and the record of those that went (or failed). */
export function LogSection() {
  return (
    <Stack gap="xl">
      <PendingMessages />
      <SentMessages />
      <Text size="sm" c="dimmed">
        Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
      </Text>
    </Stack>
  );
}

function PendingMessages() {
  const pending = usePendingNotifications();
  const contacts = useContacts();
  const destinations = useDestinations();

  return (
    <Stack gap="sm">
      <Stack gap={2}>
        <Title order={3}>Waiting to go out</Title>
        <Text size="sm" c="dimmed">
          Messages that could not be delivered yet. Deckhand keeps trying, also after a restart.
        </Text>
      </Stack>
      {pending.isPending ? (
        <Loading py={32}>Loading waiting messages…</Loading>
      ) : pending.isError ? (
        <CommandErrorAlert
          title="The waiting messages could not be loaded"
          error={pending.error}
          onRetry={() => void pending.refetch()}
          retrying={pending.isFetching}
        />
      ) : pending.data.length === 0 ? (
        <Paper withBorder p="md">
          <Text size="sm">Nothing is waiting: every message has gone out.</Text>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="xs" horizontalSpacing="sm" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={200}>Event</Table.Th>
                <Table.Th w={220}>To</Table.Th>
                <Table.Th w={80}>Attempts</Table.Th>
                <Table.Th w={160}>Next try</Table.Th>
                <Table.Th>Last error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pending.data.map((message) => (
                <Table.Tr key={String(message.id)}>
                  <Table.Td>
                    <Text size="sm">{EVENT_LABELS[message.event]}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ wordBreak: 'break-all' }}>
                      {recipient(message, contacts.data, destinations.data)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{message.attempts}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatInstant(message.nextAttemptAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={message.lastError === null ? 'dimmed' : 'red.8'}>
                      {message.lastError ?? 'Not tried yet'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function SentMessages() {
  const [offset, setOffset] = useState(0);
  const log = useNotificationLog(offset);
  const contacts = useContacts();
  const destinations = useDestinations();
  const rows = log.data ?? [];
  // A short page is the last one; a full page may or may not have more behind it.
  const hasOlder = rows.length === LOG_PAGE_SIZE;

  return (
    <Stack gap="sm">
      <Stack gap={2}>
        <Title order={3}>Sent and failed</Title>
        <Text size="sm" c="dimmed">
          Every message Deckhand tried to deliver, newest first.
        </Text>
      </Stack>
      {log.isPending ? (
        <Loading py={32}>Loading the notification log…</Loading>
      ) : log.isError ? (
        <CommandErrorAlert
          title="The notification log could not be loaded"
          error={log.error}
          onRetry={() => void log.refetch()}
          retrying={log.isFetching}
        />
      ) : rows.length === 0 && offset === 0 ? (
        <Paper withBorder p="md">
          <Text size="sm">
            No message has been sent yet. Send a test email under Mail server to check that email reaches people.
          </Text>
        </Paper>
      ) : (
        <>
          {rows.length === 0 ? (
            <Paper withBorder p="md">
              <Text size="sm">There are no older messages.</Text>
            </Paper>
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table verticalSpacing="xs" horizontalSpacing="sm" withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={160}>When</Table.Th>
                    <Table.Th w={200}>Event</Table.Th>
                    <Table.Th w={220}>To</Table.Th>
                    <Table.Th w={80}>Channel</Table.Th>
                    <Table.Th w={80}>Status</Table.Th>
                    <Table.Th>Error</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((entry, index) => (
                    // The log has no id of its own; its position on the page is stable per page.
                    <Table.Tr key={`${entry.createdAt}-${index}`}>
                      <Table.Td>
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {formatInstant(entry.createdAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{EVENT_LABELS[entry.event]}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" style={{ wordBreak: 'break-all' }}>
                          {recipient(entry, contacts.data, destinations.data)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{entry.channel}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={entry.status === 'sent' ? 'teal' : 'red'} variant="light" tt="none" radius="sm">
                          {entry.status}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={entry.error === null ? 'dimmed' : 'red.8'}>
                          {entry.error ?? '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group justify="flex-end">
            <Pager
              label={rows.length === 0 ? `Nothing after message ${offset}` : `Messages ${offset + 1}–${offset + rows.length}`}
              back="Newer"
              forward="Older"
              canGoBack={offset > 0}
              canGoForward={hasOlder}
              onBack={() => {
                setOffset(Math.max(0, offset - LOG_PAGE_SIZE));
              }}
              onForward={() => {
                setOffset(offset + LOG_PAGE_SIZE);
              }}
              loading={log.isPlaceholderData}
            />
          </Group>
        </>
      )}
    </Stack>
  );
}
