import { Button, Group, Paper, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import type { Contact } from '../bindings/Contact';
import { commands } from '../ipc';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { ContactModal } from './ContactModal';
import { EventBadges } from './EventChoices';
import { sortEvents } from './events';
import { DeleteRecordModal, EditDeleteIcons } from './RecordActions';
import { notificationKeys, useContacts } from './queries';
import { Loading } from '../components/Loading';

/** The people who get email, what they hear about, and adding, editing and removing them. */
export function PeopleSection() {
  const contacts = useContacts();
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Contact | null>(null);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Stack gap={2}>
          <Title order={3}>People</Title>
          <Text size="sm" c="dimmed">
            Who gets email about runs, and about which events.
          </Text>
        </Stack>
        <Button
          leftSection={<IconPlus size={16} />}
          onClick={() => {
            setEditing('new');
          }}
        >
          Add contact
        </Button>
      </Group>

      {contacts.isPending ? (
        <Loading>Loading contacts…</Loading>
      ) : contacts.isError ? (
        <CommandErrorAlert
          title="The contacts could not be loaded"
          error={contacts.error}
          onRetry={() => void contacts.refetch()}
          retrying={contacts.isFetching}
        />
      ) : contacts.data.length === 0 ? (
        <Paper withBorder p="lg">
          <Text size="sm">
            No one gets email yet. Add a contact so that someone hears when a run fails, gets stuck or needs the deck
            checked.
          </Text>
        </Paper>
      ) : (
        <ContactTable
          contacts={contacts.data}
          onEdit={setEditing}
          onDelete={setDeleting}
        />
      )}

      <ContactModal
        editing={editing}
        onClose={() => {
          setEditing(null);
        }}
      />
      <DeleteRecordModal
        noun="contact"
        record={deleting}
        consequence={(contact) =>
          `${contact.name} (${contact.email}) will be removed and gets no more email from Deckhand. ` +
          'Messages already sent stay in the log.'
        }
        deleteRecord={(id) => commands.deleteContact(id)}
        queryKey={notificationKeys.contacts}
        onClose={() => {
          setDeleting(null);
        }}
      />
    </Stack>
  );
}

interface ContactTableProps {
  contacts: Contact[];
  onEdit: (contact: Contact) => void;
  onDelete: (contact: Contact) => void;
}

function ContactTable({ contacts, onEdit, onDelete }: ContactTableProps) {
  const client = useQueryClient();
  // Turning email on or off saves at once: the rest of the contact goes along unchanged.
  const toggle = useMutation({
    mutationFn: ({ contact, enabled }: { contact: Contact; enabled: boolean }) =>
      commands.updateContact(contact.id, {
        name: contact.name,
        email: contact.email,
        enabled,
        events: contact.events,
      }),
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.contacts }),
  });

  return (
    <Stack gap="sm">
      {toggle.isError && (
        <CommandErrorAlert
          title={`Email for ${toggle.variables.contact.name} was not turned ${toggle.variables.enabled ? 'on' : 'off'}`}
          error={toggle.error}
        />
      )}
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" horizontalSpacing="sm" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={180}>Name</Table.Th>
              <Table.Th w={230}>Email</Table.Th>
              <Table.Th w={90}>Gets email</Table.Th>
              <Table.Th>Hears about</Table.Th>
              <Table.Th w={90} aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {contacts.map((contact) => {
              const events = sortEvents(contact.events);
              return (
                <Table.Tr key={contact.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {contact.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ wordBreak: 'break-all' }}>
                      {contact.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`${contact.name} gets email`}
                      checked={contact.enabled}
                      disabled={toggle.isPending && toggle.variables.contact.id === contact.id}
                      onChange={(event) => {
                        toggle.mutate({ contact, enabled: event.currentTarget.checked });
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    {events.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        Nothing (test messages only)
                      </Text>
                    ) : (
                      <EventBadges events={events} />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <EditDeleteIcons
                        name={contact.name}
                        onEdit={() => {
                          onEdit(contact);
                        }}
                        onDelete={() => {
                          onDelete(contact);
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
