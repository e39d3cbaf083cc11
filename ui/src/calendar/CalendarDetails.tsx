import { Code, Drawer, Stack, Text, Title } from '@mantine/core';

import type { CalendarItem } from '../bindings/CalendarItem';
import { formatInstant } from '../schedules/format';
import { LOOKS, lookOf } from './events';

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      {children}
    </Stack>
  );
}

/** What one block on the calendar stands for: a planned slot or a run with its outcome. */
export function CalendarDetails({ item, onClose }: { item: CalendarItem | null; onClose: () => void }) {
  const run = item?.run ?? null;
  return (
    <Drawer opened={item !== null} onClose={onClose} position="right" size="md" title={<Title order={3}>Details</Title>}>
      {item && (
        <Stack gap="md">
          <Row label="Schedule">
            <Text>
              {item.scheduleName}
              {item.scheduleDeleted && ' (deleted)'}
            </Text>
          </Row>
          <Row label="Due">
            <Text>{formatInstant(item.at)}</Text>
          </Row>
          <Row label="Status">
            <Text>{run ? `${run.status} — ${LOOKS[lookOf(run.status)].label.toLowerCase()}` : 'Planned: it has not run yet.'}</Text>
          </Row>
          {run?.startedAt && (
            <Row label="Started">
              <Text>{formatInstant(run.startedAt)}</Text>
            </Row>
          )}
          {run?.endedAt && (
            <Row label="Ended">
              <Text>{formatInstant(run.endedAt)}</Text>
            </Row>
          )}
          {run?.outcomeDetail && (
            <Row label="Trace says">
              <Code block>{run.outcomeDetail}</Code>
            </Row>
          )}
          {run?.errorMessage && (
            <Row label="Details">
              <Text>{run.errorMessage}</Text>
            </Row>
          )}
          {run?.traceFile && (
            <Row label="Trace file">
              <Code block>{run.traceFile}</Code>
            </Row>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
