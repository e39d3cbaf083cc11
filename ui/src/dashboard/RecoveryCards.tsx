import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

import type { Schedule } from '../bindings/Schedule';
import { formatInstant } from '../schedules/format';

/** Schedules held back until a person has checked the deck, one card each. */
interface RecoveryCardsProps {
  schedules: Schedule[];
  onResolve: (schedule: Schedule) => void;
}

export function RecoveryCards({ schedules, onResolve }: RecoveryCardsProps) {
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <IconAlertTriangle size={20} color="var(--mantine-color-red-7)" aria-hidden />
        <Title order={3}>Needs a person</Title>
      </Group>
      <Text size="sm" c="dimmed">
        These schedules do not run until someone has checked the deck and resolved them.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {schedules.map((schedule) => (
          <Card
            key={schedule.id}
            withBorder
            padding="md"
            radius="md"
            style={{ borderColor: 'var(--mantine-color-red-4)' }}
            component="section"
            aria-label={`Recovery of ${schedule.name}`}
          >
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap">
                <Text fw={600}>{schedule.name}</Text>
                <Badge color="red" tt="none">
                  Recovery required
                </Badge>
              </Group>
              {schedule.recovery && (
                <>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {schedule.recovery.note}
                  </Text>
                  <Text size="xs" c="dimmed">
                    Marked by {schedule.recovery.actor}, {formatInstant(schedule.recovery.at)}
                  </Text>
                </>
              )}
              <Group justify="flex-end">
                <Button size="xs" onClick={() => { onResolve(schedule); }}>
                  Resolve…
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
