import { Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconDatabaseExport, IconFolderOpen } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';

import type { BackupFile } from '../bindings/BackupFile';
import type { BackupReport } from '../bindings/BackupReport';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { Pager } from '../components/Pager';
import { commands, toCommandError } from '../ipc';
import { formatInstant } from '../schedules/format';
import { useSettings } from '../settings/queries';
import { CodeText } from './CodeText';
import { fileName, sizeText } from './format';
import { useBackupNow, useBackups } from './queries';
import { Loading } from '../components/Loading';

/** Backups listed on one page; more are paged. */
export const BACKUPS_PAGE_SIZE = 20;

/** Where backups are kept, "Back up now", the backups there and how to restore one. */
export function BackupsSection() {
  const backups = useBackups();
  const settings = useSettings();
  const backupNow = useBackupNow();
  const openFolder = useMutation({ mutationFn: () => commands.openBackupsFolder() });
  const keep = settings.data?.backupKeep;

  return (
    <Paper withBorder p="lg" radius="md">
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={3}>Backups</Title>
          <Text size="sm" c="dimmed">
            While the scheduler runs, Deckhand makes a checked copy of its database once a day
            {keep === undefined ? '' : ` and keeps the newest ${keep}`}. Change how many in Settings (Backups to
            keep).
          </Text>
        </Stack>

        {backups.isPending ? (
          <Loading py={32}>Loading the backups…</Loading>
        ) : backups.isError ? (
          <CommandErrorAlert
            title="The backups could not be listed"
            error={backups.error}
            onRetry={() => void backups.refetch()}
            retrying={backups.isFetching}
          />
        ) : (
          <>
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Kept in
              </Text>
              <Group gap="sm" wrap="nowrap" align="center">
                <Code block style={{ userSelect: 'text', wordBreak: 'break-all', flex: 1 }} aria-label="Backups folder">
                  {backups.data.folder}
                </Code>
                <Button
                  variant="default"
                  leftSection={<IconFolderOpen size={16} />}
                  loading={openFolder.isPending}
                  onClick={() => {
                    openFolder.mutate();
                  }}
                  style={{ flexShrink: 0 }}
                >
                  Open backups folder
                </Button>
              </Group>
              {openFolder.isError && (
                <Text size="sm" c="red.8">
                  {toCommandError(openFolder.error).message}
                </Text>
              )}
            </Stack>
            <Group gap="sm">
              <Button
                leftSection={<IconDatabaseExport size={16} />}
                loading={backupNow.isPending}
                onClick={() => {
                  backupNow.mutate();
                }}
              >
                Back up now
              </Button>
              {backupNow.isPending && (
                <Text size="sm" c="dimmed">
                  Copying and checking the database…
                </Text>
              )}
              {backupNow.isSuccess && <BackupMade report={backupNow.data} />}
            </Group>
            {backupNow.isError && <CommandErrorAlert title="The backup was not made" error={backupNow.error} />}
            <BackupList files={backups.data.files} />
          </>
        )}

        <Stack gap={4}>
          <Text size="sm" fw={600}>
            To restore a backup
          </Text>
          <Text size="sm">
            <CodeText text="Close Deckhand (Quit in its tray menu) and stop any `deckhand run`, then run `deckhand restore FILE` with the backup's file in a command prompt. The database as it was is kept in the backups folder first." />
          </Text>
          <Text size="sm" c="dimmed">
            A restore is refused while the scheduler runs, and this window runs it, so it cannot be done from here.
          </Text>
        </Stack>
      </Stack>
    </Paper>
  );
}

function BackupMade({ report }: { report: BackupReport }) {
  const removed = report.removed.length;
  return (
    <Text size="sm" c="teal.8" role="status">
      Backup made: {fileName(report.path)} ({sizeText(report.bytes)}), checked.
      {removed > 0 && ` ${removed} older ${removed === 1 ? 'backup was' : 'backups were'} removed.`}
    </Text>
  );
}

function BackupList({ files }: { files: BackupFile[] }) {
  const [offset, setOffset] = useState(0);
  if (files.length === 0) {
    return (
      <Paper withBorder p="md">
        <Text size="sm">
          No backups yet. The scheduler makes the first one a few seconds after it starts; Back up now makes one at
          once.
        </Text>
      </Paper>
    );
  }
  // A shorter list (a backup removed meanwhile) never leaves the page past its end.
  const start = offset < files.length ? offset : Math.max(0, files.length - BACKUPS_PAGE_SIZE);
  const shown = files.slice(start, start + BACKUPS_PAGE_SIZE);
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" horizontalSpacing="sm" withTableBorder aria-label="Backups">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={200}>Taken</Table.Th>
              <Table.Th w={110}>Size</Table.Th>
              <Table.Th>File</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((file) => (
              <Table.Tr key={file.path}>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatInstant(file.takenAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {sizeText(file.bytes)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all', userSelect: 'text' }}>
                      {file.name}
                    </Text>
                    {file.beforeRestore && (
                      <Badge color="gray" variant="light" radius="sm" tt="none">
                        kept before a restore
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {files.length > BACKUPS_PAGE_SIZE && (
        <Group justify="flex-end">
          <Pager
            label={`Backups ${start + 1}–${start + shown.length} of ${files.length}`}
            back="Newer"
            forward="Older"
            canGoBack={start > 0}
            canGoForward={start + BACKUPS_PAGE_SIZE < files.length}
            onBack={() => {
              setOffset(Math.max(0, start - BACKUPS_PAGE_SIZE));
            }}
            onForward={() => {
              setOffset(start + BACKUPS_PAGE_SIZE);
            }}
          />
        </Group>
      )}
    </Stack>
  );
}
