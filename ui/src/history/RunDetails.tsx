import { ActionIcon, Code, CopyButton, Drawer, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { ReactNode } from 'react';

import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { Run } from '../bindings/Run';
import { displayTimeZone, formatInstant } from '../schedules/format';
import { durationBetween, formatDuration, ORIGIN_LABEL, RUN_STATUS_LOOK } from './runs';
import { RunStatusBadge } from './RunStatusBadge';

function Missing({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}

/** A long technical value (a command line, a path) in monospace, with a button that copies it. */
function Copyable({ value, what }: { value: string; what: string }) {
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {value}
      </Code>
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy the ${what}`} withArrow position="left">
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={`Copy the ${what}`}>
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={150} style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/** An instant, with a dimmed note on how it relates to the one before ("3 min after it was queued"). */
function When({ iso, note, otherwise }: { iso: string | null; note: string | null; otherwise: string }) {
  if (iso === null) return <Missing>{otherwise}</Missing>;
  return (
    <Text size="sm">
      {formatInstant(iso)}
      {note !== null && (
        <Text span size="sm" c="dimmed">
          {' '}
          — {note}
        </Text>
      )}
    </Text>
  );
}

/** How long after it was due a run was queued, when that is worth saying (catch-ups, a busy engine). */
function queuedNote(run: Run): string | null {
  const late = new Date(run.queuedAt).getTime() - new Date(run.slot).getTime();
  return late >= 60_000 ? `${formatDuration(late)} after it was due` : null;
}

function sinceNote(from: string, to: string | null, after: string): string | null {
  const gap = durationBetween(from, to);
  return gap === null ? null : `${gap} ${after}`;
}

function ranNote(run: Run): string | null {
  const ran = durationBetween(run.startedAt, run.endedAt);
  return ran === null ? null : `ran for ${ran}`;
}

function notEnded(run: Run): string {
  if (run.startedAt === null) return 'Did not start';
  return run.status === 'running' || run.status === 'stuck' ? 'Still running' : 'Not recorded';
}

/** Everything known about one run, in a drawer. */
export function RunDetails({ entry, onClose }: { entry: HistoryEntry | null; onClose: () => void }) {
  return (
    <Drawer
      opened={entry !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title="Run details"
      closeButtonProps={{ 'aria-label': 'Close the run details' }}
      styles={{ title: { fontWeight: 600, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      {entry !== null && <Details entry={entry} />}
    </Drawer>
  );
}

function Details({ entry }: { entry: HistoryEntry }) {
  const { run } = entry;
  const look = RUN_STATUS_LOOK[run.status];
  return (
    <Stack gap="md">
      <Stack gap={6}>
        <Group gap="sm">
          <Text fw={600}>{entry.scheduleName}</Text>
          {entry.scheduleDeleted && (
            <Text size="sm" c="dimmed">
              (deleted)
            </Text>
          )}
          <RunStatusBadge status={run.status} />
        </Group>
        <Text size="sm">{look.meaning}</Text>
        {entry.scheduleDeleted && (
          <Text size="xs" c="dimmed">
            This schedule has been deleted; its name and method are shown as they were then.
          </Text>
        )}
      </Stack>

      <Table variant="vertical" layout="fixed" withTableBorder verticalSpacing="xs">
        <Table.Tbody>
          <Row label="Method">
            <Copyable value={entry.methodPath} what="method path" />
          </Row>
          <Row label="Due">
            <Text size="sm">{formatInstant(run.slot)}</Text>
          </Row>
          <Row label="Origin">
            <Text size="sm">{ORIGIN_LABEL[run.origin]}</Text>
          </Row>
          <Row label="Queued">
            <When iso={run.queuedAt} note={queuedNote(run)} otherwise="—" />
          </Row>
          <Row label="Started">
            <When
              iso={run.startedAt}
              note={sinceNote(run.queuedAt, run.startedAt, 'after it was queued')}
              otherwise="Did not start"
            />
          </Row>
          <Row label="Ended">
            <When iso={run.endedAt} note={ranNote(run)} otherwise={notEnded(run)} />
          </Row>
          <Row label="Attempts">
            <Text size="sm">{run.attempt}</Text>
          </Row>
          {run.missedCount !== null && (
            <Row label="Missed runs">
              <Text size="sm">
                {run.missedCount === 1
                  ? 'This row stands for 1 missed run.'
                  : `This row stands for ${run.missedCount} missed runs; it shows the last of them.`}
              </Text>
            </Row>
          )}
          <Row label="Command line">
            {run.commandLine !== null ? (
              <Copyable value={run.commandLine} what="command line" />
            ) : (
              <Missing>VENUS was not started for this run</Missing>
            )}
          </Row>
          <Row label="Process id">
            {run.pid !== null ? <Text size="sm">{run.pid}</Text> : <Missing>—</Missing>}
          </Row>
          <Row label="Exit code">
            {run.exitCode !== null ? (
              <Stack gap={2}>
                <Text size="sm">{run.exitCode}</Text>
                <Text size="xs" c="dimmed">
                  The trace file decides the outcome; the exit code counts only when no trace was found.
                </Text>
              </Stack>
            ) : (
              <Missing>—</Missing>
            )}
          </Row>
          <Row label="Deciding trace line">
            {run.outcomeDetail !== null ? (
              <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {run.outcomeDetail}
              </Code>
            ) : (
              <Missing>None</Missing>
            )}
          </Row>
          <Row label="Trace file">
            {run.traceFile !== null ? (
              <Copyable value={run.traceFile} what="trace file path" />
            ) : (
              <Missing>No trace file found</Missing>
            )}
          </Row>
          <Row label="Deck">
            {run.deckEvidence !== null ? (
              <Stack gap={2}>
                <Text size="sm">{run.deckEvidence}</Text>
                <Text size="xs" c="dimmed">
                  A failed run is tried again by itself only when its trace proves the deck was not touched.
                </Text>
              </Stack>
            ) : (
              <Missing>Not judged</Missing>
            )}
          </Row>
          <Row label="Message">
            {run.errorMessage !== null ? <Text size="sm">{run.errorMessage}</Text> : <Missing>None</Missing>}
          </Row>
          <Row label="Run id">
            <Text size="xs" ff="monospace" c="dimmed">
              {run.id}
            </Text>
          </Row>
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
      </Text>
    </Stack>
  );
}
