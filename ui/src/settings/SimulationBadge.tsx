import { Badge, Tooltip } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';

import { useSettings } from './queries';

/** Says plainly, in the header, when runs go to the VENUS simulator and not the robot. */
export function SimulationBadge() {
  const { data } = useSettings();
  if (!data?.simulation) return null;
  return (
    <Tooltip
      label={`Runs go to the VENUS simulator (${data.hxrunPath}), not to the robot.`}
      multiline
      w={320}
    >
      <Badge
        size="lg"
        color="orange"
        variant="filled"
        leftSection={<IconFlask size={14} stroke={1.8} />}
        aria-label="Simulation: runs go to the VENUS simulator, not to the robot"
      >
        Simulation
      </Badge>
    </Tooltip>
  );
}
