import { AppShell, Group, Image, NavLink, Title } from '@mantine/core';
import { IconCalendarTime } from '@tabler/icons-react';

import logoUrl from '../../icons/deckhand.svg';
import { SchedulesPage } from './schedules/SchedulesPage';
import { HostNotices } from './settings/HostNotices';
import { SimulationBadge } from './settings/SimulationBadge';

/** The window: header, navigation, and the one page there is so far. */
export function App() {
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 0 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" gap="sm">
          <Image src={logoUrl} alt="" w={30} h={30} />
          <Title order={1} size="h3">
            Deckhand
          </Title>
          <SimulationBadge />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" bg="gray.0">
        <NavLink
          component="button"
          label="Schedules"
          leftSection={<IconCalendarTime size={18} stroke={1.6} />}
          active
          aria-current="page"
          variant="light"
        />
      </AppShell.Navbar>

      <AppShell.Main>
        <HostNotices />
        <SchedulesPage />
      </AppShell.Main>
    </AppShell>
  );
}
