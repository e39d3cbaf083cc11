import {
  Alert,
  Button,
  Group,
  Modal,
  PasswordInput,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';

import type { Destination } from '../bindings/Destination';
import type { DestinationDraft } from '../bindings/DestinationDraft';
import type { DestinationKind } from '../bindings/DestinationKind';
import type { EventKind } from '../bindings/EventKind';
import type { SavedDestination } from '../bindings/SavedDestination';
import { commands, toCommandError } from '../ipc';
import { CommandErrorAlert, fieldErrors } from '../components/CommandErrorAlert';
import { isDestinationKind, KIND_LABELS, KINDS, URL_HINTS } from './destinations';
import { EventChoices } from './EventChoices';
import { NEEDS_A_PERSON, sortEvents } from './events';
import { notificationKeys } from './queries';

/** The fields this form shows errors under; an error about anything else is shown above the buttons. */
const FORM_FIELDS = ['name', 'url', 'events'];

interface DestinationModalProps {
  /** `'new'` to add a destination, a destination to edit it, `null` when closed. */
  editing: Destination | 'new' | null;
  onClose: () => void;
  /** Told where a new URL was kept (the keyring, or this session only). */
  onSaved: (saved: SavedDestination) => void;
}

/** Adds or edits one chat or webhook destination. */
export function DestinationModal({ editing, onClose, onSaved }: DestinationModalProps) {
  return (
    <Modal
      opened={editing !== null}
      onClose={onClose}
      title={editing === 'new' ? 'Add a chat or webhook destination' : 'Edit destination'}
      size="lg"
    >
      {editing !== null && (
        <DestinationForm
          key={editing === 'new' ? 'new' : editing.id}
          destination={editing === 'new' ? null : editing}
          onDone={(saved) => {
            if (saved !== null) onSaved(saved);
            onClose();
          }}
        />
      )}
    </Modal>
  );
}

function DestinationForm({
  destination,
  onDone,
}: {
  destination: Destination | null;
  onDone: (saved: SavedDestination | null) => void;
}) {
  const client = useQueryClient();
  const [name, setName] = useState(destination?.name ?? '');
  const [kind, setKind] = useState<DestinationKind>(destination?.kind ?? 'teams');
  const [url, setUrl] = useState('');
  const [enabled, setEnabled] = useState(destination?.enabled ?? true);
  const [events, setEvents] = useState<EventKind[]>(
    destination ? sortEvents(destination.events) : [...NEEDS_A_PERSON],
  );
  const [errors, setErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (draft: DestinationDraft) =>
      destination ? commands.updateDestination(destination.id, draft) : commands.createDestination(draft),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: notificationKeys.destinations });
      onDone(saved);
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
    // The core checks everything again (https, no password in the address, …); this only
    // catches the empty fields before a round trip.
    const missing: Record<string, string> = {};
    if (name.trim() === '') missing.name = 'Give the destination a name, e.g. the channel it posts to.';
    if (destination === null && url.trim() === '') missing.url = 'Paste the URL the channel gives you.';
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    const draft: DestinationDraft = { name: name.trim(), kind, enabled, events: sortEvents(events) };
    if (url.trim() !== '') draft.url = url.trim();
    save.mutate(draft);
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
          description="How Deckhand names it, e.g. the channel: “Robot alerts (Teams)”."
          required
          value={name}
          onChange={(event) => {
            setName(event.currentTarget.value);
            clearError('name');
          }}
          error={errors.name}
          data-autofocus
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="destination-kind">
            Kind
          </Text>
          <SegmentedControl
            aria-labelledby="destination-kind"
            value={kind}
            data={KINDS.map((value) => ({ value, label: KIND_LABELS[value] }))}
            onChange={(value) => {
              if (isDestinationKind(value)) setKind(value);
            }}
          />
        </Stack>
        <PasswordInput
          label="URL"
          required={destination === null}
          description={
            destination === null
              ? `${URL_HINTS[kind]} It is kept in Windows' credential store, not in Deckhand's database.`
              : `Kept in Windows' credential store (it posts to ${destination.host}). Paste a new URL only to replace it.`
          }
          placeholder={destination === null ? 'https://…' : 'Unchanged'}
          value={url}
          onChange={(event) => {
            setUrl(event.currentTarget.value);
            clearError('url');
          }}
          error={errors.url}
          autoComplete="off"
        />
        <Switch
          label="Sends messages"
          description="Turn off to pause this destination without losing its URL and choices."
          checked={enabled}
          onChange={(event) => {
            setEnabled(event.currentTarget.checked);
          }}
        />
        <EventChoices
          label="Post when"
          value={events}
          onChange={(next) => {
            setEvents(next);
            clearError('events');
          }}
          error={errors.events}
        />
        {elsewhere && (
          <CommandErrorAlert
            title={destination ? 'The destination was not saved' : 'The destination was not added'}
            error={save.error}
          />
        )}
        {failure?.code === 'invalid_input' && !elsewhere && (
          <Alert color="red" variant="light">
            <Text size="sm">Nothing was saved: correct the fields marked above and save again.</Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button
            variant="default"
            onClick={() => {
              onDone(null);
            }}
          >
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {destination ? 'Save destination' : 'Add destination'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
