import { Badge, Button, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleX, IconRefresh } from '@tabler/icons-react';
import { Fragment, type ComponentType } from 'react';

import type { Check } from '../bindings/Check';
import type { CheckLevel } from '../bindings/CheckLevel';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { formatInstant } from '../schedules/format';
import { CodeText } from './CodeText';
import { useDiagnostics } from './queries';
import { Loading } from '../components/Loading';

/** How each level looks: an icon, a word and a colour, so colour is never the only sign. */
export const LEVEL_LOOK: Record<
  CheckLevel,
  { word: string; color: string; icon: ComponentType<{ size?: number; stroke?: number; color?: string }> }
> = {
  ok: { word: 'OK', color: 'teal', icon: IconCircleCheck },
  warning: { word: 'Warning', color: 'orange', icon: IconAlertTriangle },
  error: { word: 'Error', color: 'red', icon: IconCircleX },
};

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The line at the top: all passed, or how many need attention and how serious they are. */
export function summary(checks: Check[]): { text: string; level: CheckLevel } {
  const errors = checks.filter((c) => c.level === 'error').length;
  const warnings = checks.filter((c) => c.level === 'warning').length;
  if (errors + warnings === 0) {
    return { text: checks.length === 1 ? 'The check passed' : `All ${checks.length} checks passed`, level: 'ok' };
  }
  const kinds = [errors > 0 ? plural(errors, 'error', 'errors') : null, warnings > 0 ? plural(warnings, 'warning', 'warnings') : null]
    .filter(Boolean)
    .join(', ');
  const need = errors + warnings === 1 ? 'needs' : 'need';
  return {
    text: `${errors + warnings} of ${plural(checks.length, 'check', 'checks')} ${need} attention (${kinds})`,
    level: errors > 0 ? 'error' : 'warning',
  };
}

function CheckRow({ check }: { check: Check }) {
  const look = LEVEL_LOOK[check.level];
  const Icon = look.icon;
  return (
    <Group gap="md" align="flex-start" wrap="nowrap" role="listitem" aria-label={`${check.name}: ${look.word}`}>
      <Icon size={24} stroke={1.7} color={`var(--mantine-color-${look.color}-7)`} aria-hidden />
      <Stack gap={4} style={{ minWidth: 0 }}>
        <Group gap="sm">
          <Text fw={600}>{check.name}</Text>
          <Badge color={look.color} variant="light" radius="sm" tt="none" fw={600}>
            {look.word}
          </Badge>
        </Group>
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          <CodeText text={check.message} />
        </Text>
        {check.hint !== null && check.level !== 'ok' && (
          <Text size="sm" c="dimmed" style={{ wordBreak: 'break-word' }}>
            What to do: <CodeText text={check.hint} />
          </Text>
        )}
      </Stack>
    </Group>
  );
}

/** Is this PC ready to run methods unattended: the checks, a summary, and "Check again". */
export function ChecksSection() {
  const diagnostics = useDiagnostics();
  const checking = diagnostics.isFetching;

  return (
    <Paper withBorder p="lg" radius="md">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2} style={{ flex: 1 }}>
            <Title order={3}>Checks</Title>
            <Text size="sm" c="dimmed">
              The same checks as <CodeText text="`deckhand doctor`" />: VENUS, the folders, the database, the mail
              server, disk space and backups.
            </Text>
          </Stack>
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            loading={checking}
            onClick={() => void diagnostics.refetch()}
            style={{ flexShrink: 0 }}
          >
            Check again
          </Button>
        </Group>
        {diagnostics.isPending ? (
          <Loading>Checking… the mail server may take up to 5 seconds to answer.</Loading>
        ) : diagnostics.isError ? (
          <CommandErrorAlert
            title="The checks could not be run"
            error={diagnostics.error}
            onRetry={() => void diagnostics.refetch()}
            retrying={checking}
          />
        ) : (
          <ChecksList checks={diagnostics.data} checkedAt={diagnostics.dataUpdatedAt} checking={checking} />
        )}
      </Stack>
    </Paper>
  );
}

function ChecksList({ checks, checkedAt, checking }: { checks: Check[]; checkedAt: number; checking: boolean }) {
  const { text, level } = summary(checks);
  const look = LEVEL_LOOK[level];
  const Icon = look.icon;
  return (
    <Stack gap="md">
      <Group gap="sm" wrap="nowrap">
        <Icon size={22} stroke={1.8} color={`var(--mantine-color-${look.color}-7)`} aria-hidden />
        <Text fw={600} size="lg" role="status">
          {text}
        </Text>
      </Group>
      <Text size="sm" c="dimmed">
        {checking
          ? 'Checking again… the mail server may take up to 5 seconds to answer.'
          : `Checked ${formatInstant(new Date(checkedAt).toISOString())}.`}
      </Text>
      <Stack gap="sm" role="list" aria-label="Checks" style={{ opacity: checking ? 0.6 : 1 }}>
        {checks.map((check, index) => (
          <Fragment key={`${check.name}-${index}`}>
            {index > 0 && <Divider />}
            <CheckRow check={check} />
          </Fragment>
        ))}
      </Stack>
    </Stack>
  );
}
