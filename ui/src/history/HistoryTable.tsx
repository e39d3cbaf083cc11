import { Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';

import type { HistoryEntry } from '../bindings/HistoryEntry';
import { formatInstant, methodFileName } from '../schedules/format';
import { durationBetween, traceWords } from './runs';
import { RunStatusBadge } from './RunStatusBadge';

function Instant({ iso, otherwise }: { iso: string | null; otherwise: string }) {
  if (iso === null) {
    return (
      <Text size="sm" c="dimmed">
        {otherwise}
      </Text>
    );
  }
  return (
    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
      {formatInstant(iso)}
    </Text>
  );
}

function Duration({ entry }: { entry: HistoryEntry }) {
  const { startedAt, endedAt } = entry.run;
  const duration = durationBetween(startedAt, endedAt);
  if (duration !== null) return <Text size="sm">{duration}</Text>;
  return (
    <Text size="sm" c="dimmed">
      {startedAt !== null ? 'Under way' : '—'}
    </Text>
  );
}

/** The deciding trace line; for runs that never reached a trace (missed, skipped), the reason. */
function WhatHappened({ entry }: { entry: HistoryEntry }) {
  const { outcomeDetail, errorMessage } = entry.run;
  const text = outcomeDetail ?? errorMessage;
  if (text === null) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Text size="sm" lineClamp={2} title={text}>
      {outcomeDetail !== null ? traceWords(outcomeDetail) : text}
    </Text>
  );
}

export function HistoryTable({
  entries,
  onOpen,
}: {
  entries: HistoryEntry[];
  onOpen: (entry: HistoryEntry) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table layout="fixed" verticalSpacing="sm" horizontalSpacing="sm" withTableBorder highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={140}>Due</Table.Th>
            <Table.Th w={180}>Schedule</Table.Th>
            <Table.Th w={150}>Status</Table.Th>
            <Table.Th w={140}>Started</Table.Th>
            <Table.Th w={90}>Duration</Table.Th>
            <Table.Th>What happened</Table.Th>
            <Table.Th w={80}>
              <VisuallyHidden>Details</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => {
            const { run } = entry;
            return (
              // The whole row opens the details for the mouse; the Details button is the way in
              // from the keyboard and for screen readers.
              <Table.Tr key={run.id} onClick={() => { onOpen(entry); }} style={{ cursor: 'pointer' }}>
                <Table.Td>
                  <Instant iso={run.slot} otherwise="—" />
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    <Text size="sm" fw={500} truncate="end" title={entry.scheduleName}>
                      {entry.scheduleName}
                    </Text>
                    <Group gap={4} wrap="nowrap">
                      {entry.scheduleDeleted && (
                        <Text size="xs" c="dimmed" span style={{ whiteSpace: 'nowrap' }}>
                          (deleted)
                        </Text>
                      )}
                      <Text size="xs" c="dimmed" truncate="end" title={entry.methodPath}>
                        {methodFileName(entry.methodPath)}
                      </Text>
                    </Group>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <RunStatusBadge status={run.status} />
                    {run.missedCount !== null && run.missedCount > 1 && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        ×{run.missedCount}
                      </Text>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Instant iso={run.startedAt} otherwise="Not started" />
                </Table.Td>
                <Table.Td>
                  <Duration entry={entry} />
                </Table.Td>
                <Table.Td>
                  <WhatHappened entry={entry} />
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    aria-label={`Details of the ${entry.scheduleName} run due ${formatInstant(run.slot)}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      onOpen(entry);
                    }}
                  >
                    Details
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
