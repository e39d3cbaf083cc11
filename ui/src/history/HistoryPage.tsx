import { Alert, Button, EmptyState, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconDownload, IconFilterOff, IconHistory } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { HistoryQuery } from '../bindings/HistoryQuery';
import { commands, toCommandError } from '../ipc';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { Pager } from '../components/Pager';
import { displayTimeZone } from '../schedules/format';
import { dayRangeToInstants } from './dayRange';
import { hasFilters, HistoryFilters, NO_FILTERS, type HistoryFilterValues } from './HistoryFilters';
import { HistoryTable } from './HistoryTable';
import { RunDetails } from './RunDetails';
import { Loading } from '../components/Loading';

const PAGE_SIZE = 50;

/** The query the core gets for these filters and this page. */
function historyQuery(filters: HistoryFilterValues, offset: number): HistoryQuery {
  return {
    scheduleId: filters.scheduleId,
    status: filters.status,
    ...dayRangeToInstants(filters.days),
    limit: PAGE_SIZE,
    offset,
  };
}

function exportedText(count: number): string {
  return count === 1 ? 'Exported 1 run.' : `Exported ${count.toLocaleString('en-US')} runs.`;
}

/** Every run, newest first: filters, pages of 50, a details drawer and a CSV export. */
export function HistoryPage() {
  const [filters, setFilters] = useState<HistoryFilterValues>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<HistoryEntry | null>(null);
  const query = historyQuery(filters, offset);

  const history = useQuery({
    // Under `history`, so engine events refresh it (events.ts).
    queryKey: ['history', query],
    queryFn: () => commands.getHistory(query),
    // Keep the page on screen while the next one loads, rather than flashing a loader.
    placeholderData: keepPreviousData,
  });

  const exportCsv = useMutation({
    // The core ignores paging when exporting: the file holds every run the filters select.
    mutationFn: () => commands.exportHistoryCsv({ ...query, offset: 0 }),
  });

  const changeFilters = (next: HistoryFilterValues) => {
    setFilters(next);
    setOffset(0);
    exportCsv.reset();
  };

  // The drawer follows the run as it changes (engine events re-read the page).
  const shown = (selected && history.data?.entries.find((e) => e.run.id === selected.run.id)) ?? selected;
  const filtered = hasFilters(filters);

  return (
    <Stack gap="lg" maw={1400}>
      <Group justify="space-between" align="center">
        <Title order={2}>History</Title>
        <Button
          variant="default"
          leftSection={<IconDownload size={16} />}
          loading={exportCsv.isPending}
          onClick={() => {
            exportCsv.mutate();
          }}
        >
          Export CSV
        </Button>
      </Group>

      <ExportResult
        state={exportCsv}
        onClose={() => {
          exportCsv.reset();
        }}
        onRetry={() => {
          exportCsv.mutate();
        }}
      />

      <HistoryFilters value={filters} onChange={changeFilters} />

      {history.isPending ? (
        <Loading py={80}>Loading history…</Loading>
      ) : history.isError ? (
        <CommandErrorAlert
          title="The history could not be loaded"
          error={history.error}
          onRetry={() => void history.refetch()}
          retrying={history.isFetching}
        />
      ) : history.data.entries.length === 0 ? (
        offset > 0 ? (
          <EmptyState
            py={64}
            icon={<IconHistory size={28} stroke={1.5} />}
            withIndicatorBackground
            title="No runs on this page"
            description="Runs were removed since this page was read."
          >
            <EmptyState.Actions>
              <Button
                variant="default"
                onClick={() => {
                  setOffset(0);
                }}
              >
                Back to the first page
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        ) : filtered ? (
          <EmptyState
            py={64}
            icon={<IconFilterOff size={28} stroke={1.5} />}
            withIndicatorBackground
            title="No runs match these filters"
            description="Widen the date range, pick another status or schedule, or clear the filters."
          >
            <EmptyState.Actions>
              <Button
                variant="default"
                onClick={() => {
                  changeFilters(NO_FILTERS);
                }}
              >
                Clear filters
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        ) : (
          <EmptyState
            py={64}
            icon={<IconHistory size={28} stroke={1.5} />}
            withIndicatorBackground
            title="No runs yet"
            description="Runs appear here once schedules have run."
          />
        )
      ) : (
        <Stack gap="xs">
          <div style={{ opacity: history.isPlaceholderData ? 0.6 : 1 }}>
            <HistoryTable entries={history.data.entries} onOpen={setSelected} />
          </div>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
            </Text>
            <Pager
              label={`Showing ${offset + 1}–${offset + history.data.entries.length}`}
              canGoBack={offset > 0}
              canGoForward={history.data.hasMore}
              onBack={() => {
                setOffset(Math.max(0, offset - PAGE_SIZE));
              }}
              onForward={() => {
                setOffset(offset + PAGE_SIZE);
              }}
              loading={history.isPlaceholderData}
            />
          </Group>
        </Stack>
      )}

      <RunDetails
        entry={shown}
        onClose={() => {
          setSelected(null);
        }}
      />
    </Stack>
  );
}

function ExportResult({
  state,
  onClose,
  onRetry,
}: {
  state: { isSuccess: boolean; isError: boolean; data: number | null | undefined; error: unknown };
  onClose: () => void;
  onRetry: () => void;
}) {
  if (state.isError) {
    const { code, message } = toCommandError(state.error);
    return (
      <Alert
        color="red"
        variant="light"
        title="The history could not be exported"
        icon={<IconAlertCircle />}
        withCloseButton
        closeButtonLabel="Dismiss"
        onClose={onClose}
      >
        <Stack gap={4}>
          <Text size="sm">{message}</Text>
          {code === 'io' && <Text size="sm">Pick a folder you can write to, or close the file if a spreadsheet has it open.</Text>}
          <Text size="xs" c="dimmed">
            Error code: {code}
          </Text>
          <Button size="xs" variant="default" mt={4} onClick={onRetry} style={{ alignSelf: 'flex-start' }}>
            Try again
          </Button>
        </Stack>
      </Alert>
    );
  }
  // `null`: the person closed the save dialog, which needs no comment.
  if (state.isSuccess && typeof state.data === 'number') {
    return (
      <Alert color="teal" variant="light" withCloseButton closeButtonLabel="Dismiss" onClose={onClose}>
        <Text size="sm">{exportedText(state.data)}</Text>
      </Alert>
    );
  }
  return null;
}
