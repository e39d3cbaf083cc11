import { Card, Group, Stack, Text, Title } from '@mantine/core';

import type { Upcoming } from '../bindings/Upcoming';
import { displayTimeZone, formatInstant } from '../schedules/format';
import { untilText, useNow } from './time';

/** The next planned runs, soonest first, each with its local time and how far off it is. */
export function NextRuns({ upcoming, paused }: { upcoming: Upcoming[]; paused: boolean }) {
  // "in 12 min" needs no second hand; every half minute keeps it right to the minute shown.
  const now = useNow(30_000);
  return (
    <Stack gap="sm">
      <Title order={3}>Next runs</Title>
      {paused && upcoming.length > 0 && (
        <Text size="sm" c="dimmed">
          The scheduler is paused: these start only once it is resumed.
        </Text>
      )}
      {upcoming.length === 0 ? (
        <Text c="dimmed" size="sm">
          Nothing planned. Paused or archived schedules, and those waiting for recovery, do not run: create or
          resume one on the Schedules page.
        </Text>
      ) : (
        <Card
          withBorder
          padding={0}
          radius="md"
          component="ul"
          style={{ listStyle: 'none', margin: 0 }}
          aria-label="Next runs"
        >
          {upcoming.map((item, index) => (
            <Group
              key={`${item.scheduleId}@${item.at}`}
              component="li"
              justify="space-between"
              px="md"
              py="sm"
              style={index > 0 ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}
            >
              <Text size="sm" fw={500}>
                {item.scheduleName}
              </Text>
              <Text size="sm">
                {formatInstant(item.at)}{' '}
                <Text span size="sm" c="dimmed">
                  ({untilText(item.at, now)})
                </Text>
              </Text>
            </Group>
          ))}
        </Card>
      )}
      <Text size="xs" c="dimmed">
        Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
      </Text>
    </Stack>
  );
}
