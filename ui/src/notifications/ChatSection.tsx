import { Alert, Button, Group, Paper, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { IconPlus, IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import type { Destination } from '../bindings/Destination';
import type { SavedDestination } from '../bindings/SavedDestination';
import type { TestPostResult } from '../bindings/TestPostResult';
import { commands } from '../ipc';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { Loading } from '../components/Loading';
import { DestinationModal } from './DestinationModal';
import { KIND_LABELS } from './destinations';
import { EventBadges } from './EventChoices';
import { DeleteRecordModal, EditDeleteIcons } from './RecordActions';
import { notificationKeys, useDestinations } from './queries';

/** A test post's outcome in words. */
export function describeTestPost(result: TestPostResult): string {
  if (result.error !== null) return `not delivered: ${result.error}`;
  return result.answer === null ? 'delivered' : `delivered — ${result.host} answered ${result.answer}`;
}

/** Microsoft Teams, Slack and webhook destinations: what they hear about, testing and editing them. */
export function ChatSection() {
  const destinations = useDestinations();
  const [editing, setEditing] = useState<Destination | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Destination | null>(null);
  const [saved, setSaved] = useState<SavedDestination | null>(null);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Stack gap={2}>
          <Title order={3}>Chat and webhooks</Title>
          <Text size="sm" c="dimmed">
            Channels in Microsoft Teams or Slack, and other systems, that hear about runs. They get the same messages
            as email, retried until they arrive.
          </Text>
        </Stack>
        <Button
          leftSection={<IconPlus size={16} />}
          onClick={() => {
            setSaved(null);
            setEditing('new');
          }}
        >
          Add destination
        </Button>
      </Group>

      {saved?.urlKept === 'session_only' && (
        <Alert color="yellow" variant="light" title="The URL is kept only until Deckhand closes">
          <Text size="sm">
            This PC&apos;s credential store did not work, so the URL of “{saved.destination.name}” is kept in memory.
            After Deckhand restarts, enter it again (Edit), or ask IT why the credential store is unavailable.
          </Text>
        </Alert>
      )}

      {destinations.isPending ? (
        <Loading>Loading destinations…</Loading>
      ) : destinations.isError ? (
        <CommandErrorAlert
          title="The destinations could not be loaded"
          error={destinations.error}
          onRetry={() => void destinations.refetch()}
          retrying={destinations.isFetching}
        />
      ) : destinations.data.length === 0 ? (
        <Paper withBorder p="lg">
          <Text size="sm">
            No chat channel or webhook hears about runs yet. Add one if your lab watches a Teams or Slack channel
            rather than email.
          </Text>
        </Paper>
      ) : (
        <DestinationTable
          destinations={destinations.data}
          onEdit={(destination) => {
            setSaved(null);
            setEditing(destination);
          }}
          onDelete={setDeleting}
        />
      )}

      <DestinationModal
        editing={editing}
        onClose={() => {
          setEditing(null);
        }}
        onSaved={setSaved}
      />
      <DeleteRecordModal
        noun="destination"
        record={deleting}
        consequence={(destination) =>
          `${destination.name} (${KIND_LABELS[destination.kind]}, ${destination.host}) will be removed and its URL forgotten. ` +
          'Messages already sent stay in the log; messages still waiting for it are not sent.'
        }
        deleteRecord={(id) => commands.deleteDestination(id)}
        queryKey={notificationKeys.destinations}
        onClose={() => {
          setDeleting(null);
        }}
      />
    </Stack>
  );
}

interface DestinationTableProps {
  destinations: Destination[];
  onEdit: (destination: Destination) => void;
  onDelete: (destination: Destination) => void;
}

function DestinationTable({ destinations, onEdit, onDelete }: DestinationTableProps) {
  const client = useQueryClient();
  // Turning a destination on or off saves at once; its URL and choices stay.
  const toggle = useMutation({
    mutationFn: ({ destination, enabled }: { destination: Destination; enabled: boolean }) =>
      commands.updateDestination(destination.id, {
        name: destination.name,
        kind: destination.kind,
        enabled,
        events: destination.events,
      }),
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.destinations }),
  });
  const test = useMutation({
    mutationFn: (destination: Destination) => commands.sendTestPost(destination.id),
    // Each test lands in the notification log.
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.logs }),
  });

  return (
    <Stack gap="sm">
      {toggle.isError && (
        <CommandErrorAlert
          title={`${toggle.variables.destination.name} was not turned ${toggle.variables.enabled ? 'on' : 'off'}`}
          error={toggle.error}
        />
      )}
      {test.isError && (
        <CommandErrorAlert title={`No test message was sent to ${test.variables.name}`} error={test.error} />
      )}
      {test.isSuccess && (
        <Alert
          color={test.data.error === null ? 'teal' : 'red'}
          variant="light"
          title={`Test message to ${test.data.destination}`}
          withCloseButton
          onClose={() => {
            test.reset();
          }}
        >
          <Text size="sm">{describeTestPost(test.data)}</Text>
        </Alert>
      )}
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" horizontalSpacing="sm" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={260}>Destination</Table.Th>
              <Table.Th w={70}>On</Table.Th>
              <Table.Th>Hears about</Table.Th>
              <Table.Th w={170} aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {destinations.map((destination) => {
              return (
                <Table.Tr key={destination.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {destination.name}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                      {KIND_LABELS[destination.kind]} · {destination.host}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`${destination.name} sends messages`}
                      checked={destination.enabled}
                      disabled={toggle.isPending && toggle.variables.destination.id === destination.id}
                      onChange={(event) => {
                        toggle.mutate({ destination, enabled: event.currentTarget.checked });
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <EventBadges events={destination.events} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button
                        size="xs"
                        variant="default"
                        leftSection={<IconSend size={14} />}
                        aria-label={`Send a test message to ${destination.name}`}
                        loading={test.isPending && test.variables.id === destination.id}
                        onClick={() => {
                          test.mutate(destination);
                        }}
                      >
                        Send test
                      </Button>
                      <EditDeleteIcons
                        name={destination.name}
                        onEdit={() => {
                          onEdit(destination);
                        }}
                        onDelete={() => {
                          onDelete(destination);
                        }}
                      />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
