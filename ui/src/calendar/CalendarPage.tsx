import type { DatesSetArg, EventClickArg } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import FullCalendar from '@fullcalendar/react';
import timeGridPlugin from '@fullcalendar/timegrid';
import { Box, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';

import type { CalendarItem } from '../bindings/CalendarItem';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { commands } from '../ipc';
import { displayTimeZone } from '../schedules/format';
import { useSchedules } from '../schedules/queries';
import { CalendarDetails } from './CalendarDetails';
import { LOOKS, toEvents, type Look } from './events';

/**
 * Day and week views of past runs (coloured by outcome) and planned slots; a click opens the
 * details. The calendar component is FullCalendar; its data comes from `get_calendar` for the
 * visible range, refreshed by engine events (query key under `history`).
 */
export function CalendarPage() {
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [selected, setSelected] = useState<CalendarItem | null>(null);
  const schedules = useSchedules('all');
  const items = useQuery({
    queryKey: ['history', 'calendar', range?.from, range?.to],
    queryFn: () => (range ? commands.getCalendar(range.from, range.to) : Promise.resolve([])),
    enabled: range !== null,
    placeholderData: (previous) => previous,
  });
  const expected = useMemo(
    () => new Map((schedules.data ?? []).map((s) => [s.id, s.expectedDurationMinutes])),
    [schedules.data],
  );
  const events = useMemo(() => toEvents(items.data ?? [], expected), [items.data, expected]);

  return (
    <Stack gap="md" maw={1400}>
      <Title order={2}>Calendar</Title>
      {items.isError && (
        <CommandErrorAlert
          title="The calendar could not be loaded"
          error={items.error}
          onRetry={() => void items.refetch()}
          retrying={items.isFetching}
        />
      )}
      <Paper
        withBorder
        p="sm"
        radius="md"
        // FullCalendar's buttons in the app's colours.
        style={
          {
            '--fc-button-bg-color': 'var(--mantine-color-gray-0)',
            '--fc-button-border-color': 'var(--mantine-color-gray-4)',
            '--fc-button-text-color': 'var(--mantine-color-dark-7)',
            '--fc-button-hover-bg-color': 'var(--mantine-color-gray-2)',
            '--fc-button-hover-border-color': 'var(--mantine-color-gray-5)',
            '--fc-button-active-bg-color': 'var(--mantine-color-teal-1)',
            '--fc-button-active-border-color': 'var(--mantine-color-teal-6)',
            '--fc-today-bg-color': 'var(--mantine-color-teal-0)',
          }
        }
      >
        <FullCalendar
          plugins={[timeGridPlugin, dayGridPlugin]}
          initialView="timeGridWeek"
          headerToolbar={{ left: 'prev,next today', center: 'title', right: 'timeGridDay,timeGridWeek' }}
          // Words, not FullCalendar's icon font: the CSP loads fonts from the app only.
          buttonIcons={false}
          buttonText={{ prev: '‹ Previous', next: 'Next ›', today: 'Today', day: 'Day', week: 'Week' }}
          firstDay={1}
          nowIndicator
          allDaySlot={false}
          slotLabelFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
          eventTimeFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
          // Open on the hours around now, where the news is.
          scrollTime={`${String(Math.max(0, new Date().getHours() - 2)).padStart(2, '0')}:00:00`}
          height={620}
          // A busy hour shows three runs and "+N more" (a popover), not a wall of slivers.
          eventMaxStack={3}
          // Events take the keyboard focus; Enter opens the details as a click does.
          eventInteractive
          events={events}
          datesSet={(arg: DatesSetArg) => { setRange({ from: arg.start.toISOString(), to: arg.end.toISOString() }); }}
          eventClick={(arg: EventClickArg) => {
            const index = arg.event.extendedProps.index as number;
            setSelected(items.data?.[index] ?? null);
          }}
        />
      </Paper>
      <Group gap="lg">
        {(Object.keys(LOOKS) as Look[]).map((look) => (
          <Group key={look} gap={6}>
            <Box
              w={14}
              h={14}
              style={{
                background: LOOKS[look].background,
                border: `1px solid ${LOOKS[look].border}`,
                borderRadius: 3,
              }}
            />
            <Text size="sm">{LOOKS[look].label}</Text>
          </Group>
        ))}
      </Group>
      <Text size="sm" c="dimmed">
        Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
      </Text>
      <CalendarDetails item={selected} onClose={() => { setSelected(null); }} />
    </Stack>
  );
}
