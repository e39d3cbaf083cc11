import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconHourglass } from '@tabler/icons-react';

import type { Waiting } from '../bindings/Waiting';
import { formatInstant } from '../schedules/format';

/** Runs that came due and wait to start: the robot is busy, or every run slot is taken. */
export function WaitingRuns({ runs }: { runs: Waiting[] }) {
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <IconHourglass size={20} color="var(--mantine-color-grape-7)" aria-hidden />
        <Title order={3}>Waiting to start</Title>
      </Group>
      <Text size="sm" c="dimmed">
        These came due and start by themselves once the robot is free, within their schedules&apos; tries.
      </Text>
      <Card withBorder padding={0} radius="md" component="ul" style={{ listStyle: 'none', margin: 0 }} aria-label="Waiting to start">
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
              <Text size="sm" fw={500}>
                {run.scheduleName}
              </Text>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm">Due {formatInstant(run.slot)}</Text>
                <Badge color="grape" variant="light" tt="none" radius="sm">
                  Waiting · try {run.attempt}
                </Badge>
              </Group>
            </Group>
            {run.reason !== null && (
              <Text size="sm" c="dimmed">
                {run.reason}
              </Text>
            )}
          </Stack>
        ))}
      </Card>
    </Stack>
  );
}
