import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';

import type { AuditAction } from '../bindings/AuditAction';
import { commands } from '../ipc';
import { formatInstant } from '../schedules/format';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { Loading } from '../components/Loading';

export const ACTION_LABELS: Record<AuditAction, string> = {
  schedule_created: 'Schedule created',
  schedule_edited: 'Schedule edited',
  schedule_archived: 'Schedule archived',
  schedule_unarchived: 'Schedule unarchived',
  schedule_deleted: 'Schedule deleted',
  recovery_required: 'Recovery required',
  recovery_resolved: 'Recovery resolved',
  contact_created: 'Contact added',
  contact_edited: 'Contact edited',
  contact_deleted: 'Contact deleted',
  destination_created: 'Chat destination added',
  destination_edited: 'Chat destination edited',
  destination_deleted: 'Chat destination deleted',
  smtp_settings_changed: 'Mail server changed',
  setting_changed: 'Setting changed',
  engine_paused: 'Scheduler paused',
  engine_resumed: 'Scheduler resumed',
  run_requested: 'Run started by hand',
  run_skipped: 'Run skipped',
  run_cancelled: 'Run cancelled',
  run_aborted: 'Run aborted',
};

const AUDIT_LIMIT = 50;

/** The most recent changes anyone made, and who made them. */
export function AuditLog() {
  // Under ['settings'] so that a saved setting re-reads it along with the settings.
  const audit = useQuery({
    queryKey: ['settings', 'audit'],
    queryFn: () => commands.getAuditLog(null, AUDIT_LIMIT),
  });

  return (
    <Stack gap="sm">
      <Stack gap={2}>
        <Title order={3}>Audit log</Title>
        <Text size="sm" c="dimmed">
          The {AUDIT_LIMIT} most recent changes to schedules, contacts, the mail server and settings, newest first.
        </Text>
      </Stack>
      {audit.isPending ? (
        <Loading py={32}>Loading the audit log…</Loading>
      ) : audit.isError ? (
        <CommandErrorAlert
          title="The audit log could not be loaded"
          error={audit.error}
          onRetry={() => void audit.refetch()}
          retrying={audit.isFetching}
        />
      ) : audit.data.length === 0 ? (
        <Paper withBorder p="md">
          <Text size="sm">
            Nothing has been changed yet. Every change made here or with the deckhand command is listed.
          </Text>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="xs" horizontalSpacing="sm" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={160}>When</Table.Th>
                <Table.Th w={140}>Who</Table.Th>
                <Table.Th w={190}>Action</Table.Th>
                <Table.Th>Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {audit.data.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatInstant(entry.at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{entry.actor}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{ACTION_LABELS[entry.action]}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ wordBreak: 'break-word' }}>
                      {entry.detail}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
