import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconPlayerPause, IconRobot } from '@tabler/icons-react';

import type { RobotStatus } from './robot';

interface RobotCardProps {
  status: RobotStatus;
  paused: boolean;
  onPause: () => void;
  pausing: boolean;
}

/** What the robot is doing, in one sentence, and the switch that stops new runs from starting. */
export function RobotCard({ status, paused, onPause, pausing }: RobotCardProps) {
  const Icon = status.state === 'stuck' ? IconAlertTriangle : IconRobot;
  return (
    <Card
      withBorder
      padding="lg"
      radius="md"
      style={{ borderLeft: `4px solid var(--mantine-color-${status.color}-6)` }}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Group gap="md" align="flex-start" wrap="nowrap">
          <Icon size={32} stroke={1.5} color={`var(--mantine-color-${status.color}-7)`} aria-hidden />
          <Stack gap={4}>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Robot
            </Text>
            <Text fw={600} size="lg" role="status">
              {status.title}
            </Text>
            <Text size="sm">{status.detail}</Text>
          </Stack>
        </Group>
        {!paused && (
          <Button
            variant="default"
            leftSection={<IconPlayerPause size={16} />}
            onClick={onPause}
            loading={pausing}
            style={{ flexShrink: 0 }}
          >
            Pause scheduler
          </Button>
        )}
      </Group>
    </Card>
  );
}
