import { Badge, Tooltip } from '@mantine/core';

import type { Schedule } from '../bindings/Schedule';
import { formatInstant, scheduleStatus, STATUS_LOOK } from './format';

export function StatusBadge({ schedule }: { schedule: Schedule }) {
  const look = STATUS_LOOK[scheduleStatus(schedule)];
  const badge = (
    <Badge color={look.color} variant={look.variant} radius="sm" size="md" tt="none" fw={600}>
      {look.label}
    </Badge>
  );
  const { recovery } = schedule;
  if (recovery === null) return badge;
  return (
    <Tooltip
      multiline
      w={280}
      withArrow
      label={`Marked by ${recovery.actor} on ${formatInstant(recovery.at)}. The schedule stays paused until someone has checked the deck and resolved it.`}
    >
      {badge}
    </Tooltip>
  );
}
