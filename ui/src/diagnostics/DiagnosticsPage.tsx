import { Stack, Text, Title } from '@mantine/core';

import { displayTimeZone } from '../schedules/format';
import { BackupsSection } from './BackupsSection';
import { ChecksSection } from './ChecksSection';

/** Is this PC ready to run methods unattended, and the database's backups. */
export function DiagnosticsPage() {
  return (
    <Stack gap="lg" maw={1100}>
      <Stack gap={4}>
        <Title order={2}>Diagnostics</Title>
        <Text size="sm" c="dimmed">
          Whether this PC is ready to run methods unattended, and the backups of Deckhand&apos;s database.
        </Text>
      </Stack>
      <ChecksSection />
      <BackupsSection />
      <Text size="sm" c="dimmed">
        Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
      </Text>
    </Stack>
  );
}
