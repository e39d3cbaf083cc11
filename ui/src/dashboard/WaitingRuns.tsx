import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconHourglass } from '@tabler/icons-react';

import type { Waiting } from '../bindings/Waiting';
import { formatInstant } from '../schedules/format';

/**
 * The queue for the robot: runs that came due and wait to start (the robot is busy, or every
 * run slot is taken), in the order they will start, each with why it waits and until when.
 */
export function WaitingRuns({ runs }: { runs: Waiting[] }) {
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <IconHourglass size={20} color="var(--mantine-color-grape-7)" aria-hidden />
        <Title order={3}>Waiting to start</Title>
      </Group>
      <Text size="sm" c="dimmed">
        In the order they fell due: the first starts the moment the robot is free, then the next. A run still
        waiting at its last try is skipped.
      </Text>
      <Card withBorder padding={0} radius="md" component="ol" style={{ listStyle: 'none', margin: 0 }} aria-label="Waiting to start">
        {runs.map((run, index) => (
          <Stack
            key={run.runId}
            component="li"
            gap={2}
            px="md"
            py="sm"
            style={index > 0 ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}
          >
            <Group justify="space-between" wrap="nowrap">
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" c="dimmed" w="1.5em" ta="right" aria-label={`Number ${index + 1} in line`}>
                  {index + 1}.
                </Text>
                <Text size="sm" fw={500}>
                  {run.scheduleName}
                </Text>
                {index === 0 && (
                  <Badge color="grape" variant="outline" tt="none" radius="sm">
                    Next to start
                  </Badge>
                )}
              </Group>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm">Due {formatInstant(run.slot)}</Text>
                <Badge color="grape" variant="light" tt="none" radius="sm">
                  Waiting · try {run.attempt}
                </Badge>
              </Group>
            </Group>
            {run.reason !== null && (
              <Text size="sm" c="dimmed" pl="calc(1.5em + var(--mantine-spacing-xs))">
                {run.reason}
              </Text>
            )}
            {run.waitUntil !== null && (
              <Text size="sm" c="dimmed" pl="calc(1.5em + var(--mantine-spacing-xs))">
                May wait until {formatInstant(run.waitUntil)}; skipped if the robot is still busy then.
              </Text>
            )}
          </Stack>
        ))}
      </Card>
    </Stack>
  );
}
