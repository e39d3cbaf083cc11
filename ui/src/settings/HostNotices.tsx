import { Alert, Stack } from '@mantine/core';
import { IconKey, IconPlugConnectedX } from '@tabler/icons-react';

import { useHostStatus } from './queries';

/**
 * Says plainly when this window does not run the scheduler (another program does, or it could
 * not start) and when the operating system's keyring cannot keep the mail password.
 */
export function HostNotices() {
  const { data } = useHostStatus();
  if (!data || (data.schedulerHere && data.keyringWorks)) return null;
  return (
    <Stack gap="xs" mb="md">
      {!data.schedulerHere && (
        <Alert
          color="yellow"
          icon={<IconPlugConnectedX size={18} />}
          title="The scheduler does not run in this window"
        >
          {data.schedulerProblem} Schedules shown here are run by that program; changes you make
          here reach it.
        </Alert>
      )}
      {!data.keyringWorks && (
        <Alert color="gray" icon={<IconKey size={18} />} title="Mail password kept for this session only">
          The operating system&apos;s keyring is not available ({data.keyringProblem}). A mail
          server password entered in Deckhand is forgotten when Deckhand closes.
        </Alert>
      )}
    </Stack>
  );
}
