import { Badge } from '@mantine/core';

import type { RunStatus } from '../bindings/RunStatus';
import { RUN_STATUS_LOOK } from './runs';

/** A run's status, coloured by outcome. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  const look = RUN_STATUS_LOOK[status];
  return (
    <Badge color={look.color} variant="light" radius="sm" size="md" tt="none" fw={600}>
      {look.label}
    </Badge>
  );
}
