import { AppShell, Center, Group, Image, Loader, NavLink, Title } from '@mantine/core';
import {
  IconBell,
  IconCalendarMonth,
  IconCalendarTime,
  IconHistory,
  IconLayoutDashboard,
  IconSettings,
  IconStethoscope,
} from '@tabler/icons-react';
import { lazy, Suspense, useEffect, useState, type ComponentType } from 'react';

import logoUrl from '../../icons/deckhand.svg';
import { DashboardPage } from './dashboard/DashboardPage';
import { DiagnosticsPage } from './diagnostics/DiagnosticsPage';
import { HistoryPage } from './history/HistoryPage';
import { NotificationsPage } from './notifications/NotificationsPage';
import { SchedulesPage } from './schedules/SchedulesPage';
import { HostNotices } from './settings/HostNotices';
import { SettingsPage } from './settings/SettingsPage';
import { SimulationBadge } from './settings/SimulationBadge';

// The calendar component is the largest part of the bundle; it loads when the page is opened.
const CalendarPage = lazy(() => import('./calendar/CalendarPage').then((m) => ({ default: m.CalendarPage })));

interface Page {
  id: string;
  label: string;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  component: ComponentType;
}

const PAGES: Page[] = [
  { id: 'dashboard', label: 'Dashboard', icon: IconLayoutDashboard, component: DashboardPage },
  { id: 'schedules', label: 'Schedules', icon: IconCalendarTime, component: SchedulesPage },
  { id: 'calendar', label: 'Calendar', icon: IconCalendarMonth, component: CalendarPage },
  { id: 'history', label: 'History', icon: IconHistory, component: HistoryPage },
  { id: 'notifications', label: 'Notifications', icon: IconBell, component: NotificationsPage },
  { id: 'settings', label: 'Settings', icon: IconSettings, component: SettingsPage },
  { id: 'diagnostics', label: 'Diagnostics', icon: IconStethoscope, component: DiagnosticsPage },
];

/** The page named in the address's hash (`#history`), so a reload stays on it. */
function pageFromHash(): string {
  const id = window.location.hash.replace(/^#/, '');
  return PAGES.some((page) => page.id === id) ? id : 'dashboard';
}

/** The window: header, navigation, and the page chosen. */
export function App() {
  const [current, setCurrent] = useState(pageFromHash);
  useEffect(() => {
    const onHash = () => { setCurrent(pageFromHash()); };
    window.addEventListener('hashchange', onHash);
    return () => { window.removeEventListener('hashchange', onHash); };
  }, []);
  const page = PAGES.find((p) => p.id === current) ?? PAGES[0];
  const Current = page?.component ?? DashboardPage;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 0 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" gap="sm">
          <Image src={logoUrl} alt="" w={30} h={30} />
          <Title order={1} size="h3">
            Deckhand
          </Title>
          <SimulationBadge />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" bg="gray.0" component="nav" aria-label="Pages">
        {PAGES.map(({ id, label, icon: Icon }) => (
          <NavLink
            key={id}
            component="button"
            label={label}
            leftSection={<Icon size={18} stroke={1.6} />}
            active={id === current}
            aria-current={id === current ? 'page' : undefined}
            variant="light"
            onClick={() => {
              window.location.hash = id;
              setCurrent(id);
            }}
          />
        ))}
      </AppShell.Navbar>

      <AppShell.Main>
        <HostNotices />
        <Suspense
          fallback={
            <Center py={80}>
              <Loader size="sm" />
            </Center>
          }
        >
          <Current />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
