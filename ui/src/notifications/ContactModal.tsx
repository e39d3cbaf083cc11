import { Alert, Button, Group, Modal, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';

import type { Contact } from '../bindings/Contact';
import type { ContactDraft } from '../bindings/ContactDraft';
import type { EventKind } from '../bindings/EventKind';
import { commands, toCommandError } from '../ipc';
import { CommandErrorAlert, fieldErrors } from '../components/CommandErrorAlert';
import { EventChoices } from './EventChoices';
import { NEEDS_A_PERSON, sortEvents } from './events';
import { notificationKeys } from './queries';

/** The fields this form shows errors under; an error about anything else is shown above the buttons. */
const FORM_FIELDS = ['name', 'email', 'events'];

interface ContactModalProps {
  /** `'new'` to add a contact, a contact to edit it, `null` when closed. */
  editing: Contact | 'new' | null;
  onClose: () => void;
}

/** Adds or edits one contact. */
export function ContactModal({ editing, onClose }: ContactModalProps) {
  return (
    <Modal
      opened={editing !== null}
      onClose={onClose}
      title={editing === 'new' ? 'Add a contact' : 'Edit contact'}
      size="lg"
    >
      {/* Keyed so that each opening starts from the contact as stored. */}
      {editing !== null && (
        <ContactForm
          key={editing === 'new' ? 'new' : editing.id}
          contact={editing === 'new' ? null : editing}
          onDone={onClose}
        />
      )}
    </Modal>
  );
}

function ContactForm({ contact, onDone }: { contact: Contact | null; onDone: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState(contact?.name ?? '');
  const [email, setEmail] = useState(contact?.email ?? '');
  const [enabled, setEnabled] = useState(contact?.enabled ?? true);
  const [events, setEvents] = useState<EventKind[]>(contact ? sortEvents(contact.events) : [...NEEDS_A_PERSON]);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (draft: ContactDraft) =>
      contact ? commands.updateContact(contact.id, draft) : commands.createContact(draft),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: notificationKeys.contacts });
      onDone();
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
    },
  });

  const clearError = (field: string) => {
    if (errors[field] === undefined) return;
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== field)));
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    // The core checks everything again (and the address properly); this only catches the
    // empty fields before a round trip.
    const missing: Record<string, string> = {};
    if (name.trim() === '') missing.name = 'Give the contact a name.';
    if (email.trim() === '') missing.email = 'Give an email address to send to.';
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    save.mutate({ name: name.trim(), email: email.trim(), enabled, events: sortEvents(events) });
  };

  const failure = save.isError ? toCommandError(save.error) : null;
  const elsewhere =
    failure !== null &&
    (failure.code !== 'invalid_input' ||
      failure.fields.length === 0 ||
      failure.fields.some(({ field }) => !FORM_FIELDS.includes(field)));

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(event) => {
            setName(event.currentTarget.value);
            clearError('name');
          }}
          error={errors.name}
          data-autofocus
        />
        <TextInput
          label="Email address"
          required
          type="email"
          value={email}
          onChange={(event) => {
            setEmail(event.currentTarget.value);
            clearError('email');
          }}
          error={errors.email}
        />
        <Switch
          label="Gets email"
          description="Turn off to pause this person's email without losing their choices."
          checked={enabled}
          onChange={(event) => {
            setEnabled(event.currentTarget.checked);
          }}
        />
        <EventChoices
          label="Email this person when"
          description={
            events.length === 0 ? 'Nothing is ticked: this person gets no email except test messages.' : undefined
          }
          value={events}
          onChange={(next) => {
            setEvents(next);
            clearError('events');
          }}
          error={errors.events}
        />
        {elsewhere && (
          <CommandErrorAlert
            title={contact ? 'The contact was not saved' : 'The contact was not added'}
            error={save.error}
          />
        )}
        {failure?.code === 'invalid_input' && !elsewhere && (
          <Alert color="red" variant="light">
            <Text size="sm">Nothing was saved: correct the fields marked above and save again.</Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {contact ? 'Save contact' : 'Add contact'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
