import { Badge, Button, Checkbox, Group, SimpleGrid, Stack } from '@mantine/core';
import type { ReactNode } from 'react';

import type { EventKind } from '../bindings/EventKind';
import { EVENT_LABELS, isEventKind, NEEDS_A_PERSON, SELECTABLE_EVENTS, sortEvents } from './events';

interface EventChoicesProps {
  label: string;
  description?: ReactNode;
  value: EventKind[];
  onChange: (events: EventKind[]) => void;
  error?: ReactNode;
}

/** The events a contact or destination hears about: one box each, and the two usual sets. */
export function EventChoices({ label, description, value, onChange, error }: EventChoicesProps) {
  return (
    <Stack gap="xs">
      <Checkbox.Group
        label={label}
        description={description}
        value={value}
        onChange={(values) => {
          onChange(values.filter(isEventKind));
        }}
        error={error}
      >
        <SimpleGrid cols={2} spacing="xs" mt="xs">
          {SELECTABLE_EVENTS.map((kind) => (
            <Checkbox key={kind} value={kind} label={EVENT_LABELS[kind]} />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            onChange([...NEEDS_A_PERSON]);
          }}
        >
          Everything that needs a person
        </Button>
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            onChange([...SELECTABLE_EVENTS]);
          }}
        >
          Every event
        </Button>
      </Group>
    </Stack>
  );
}

/** The events chosen, in the order a run lives them, as chips. */
export function EventBadges({ events }: { events: readonly EventKind[] }) {
  return (
    <Group gap={6}>
      {sortEvents(events).map((kind) => (
        <Badge key={kind} variant="light" color="gray" tt="none" fw={500} radius="sm">
          {EVENT_LABELS[kind]}
        </Badge>
      ))}
    </Group>
  );
}
