import { Code, Paper, Stack, Text, Title } from '@mantine/core';

import type { AppSettings } from '../bindings/AppSettings';
import { displayTimeZone } from '../schedules/format';
import { AuditLog } from './AuditLog';
import { ThisPc } from './ThisPc';
import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { useSettings } from './queries';
import { SettingField, type SettingSpec } from './SettingField';
import { Loading } from '../components/Loading';

const VENUS: SettingSpec[] = [
  {
    key: 'hxrun_path',
    label: 'HxRun path',
    description: "VENUS's command-line runner, the program Deckhand starts for every run.",
    input: 'text',
    read: (s) => s.hxrunPath,
  },
  {
    key: 'hxrun_args',
    label: 'HxRun arguments',
    description: (
      <>
        What HxRun is given. <Code>{'{method}'}</Code> stands for the method file and must be there;{' '}
        <Code>{'{log_folder}'}</Code> stands for the log folder below. The usual is <Code>{'{method} -r -t'}</Code>:
        -r starts the run at once, -t closes Run Control when the method ends.
      </>
    ),
    input: 'text',
    read: (s) => s.hxrunArgs,
  },
  {
    key: 'methods_folder',
    label: 'Methods folder',
    description: 'A schedule whose method path is not a full path finds its method here.',
    input: 'text',
    read: (s) => s.methodsFolder,
  },
  {
    key: 'methods_folder_only',
    label: 'Only methods in the methods folder',
    description:
      'On: a schedule may only run a method inside the methods folder, so a saved schedule cannot be turned ' +
      'into running anything else. Turn it off only if your methods live in several places.',
    input: 'switch',
    read: (s) => String(s.methodsFolderOnly),
  },
  {
    key: 'log_folder',
    label: 'Log folder',
    description: 'Where VENUS writes its trace files, which Deckhand reads to tell how a run ended.',
    input: 'text',
    read: (s) => s.logFolder,
  },
  {
    key: 'robot_process_names',
    label: 'Robot process names',
    description:
      'Programs that mean the robot is busy, separated by commas (e.g. HxRun.exe). While one runs that ' +
      'Deckhand did not start, runs wait. A change takes effect when Deckhand next starts.',
    input: 'text',
    read: (s) => s.robotProcessNames.join(', '),
  },
];

const RUNNING: SettingSpec[] = [
  {
    key: 'max_concurrent_runs',
    label: 'Runs at the same time',
    description: 'How many runs may be in progress at once. One robot runs one method at a time, so usually 1.',
    input: 'number',
    read: (s) => String(s.maxConcurrentRuns),
  },
  {
    key: 'stuck_threshold_minutes',
    label: 'Stuck after (minutes)',
    description:
      'A run whose trace file has not grown for this long is flagged stuck (VENUS is probably showing an error ' +
      'dialog). A schedule can set its own.',
    input: 'number',
    read: (s) => String(s.stuckThresholdMinutes),
  },
];

/** The log levels, least to most, each with what it is for. */
const LOG_LEVELS: { value: string; label: string }[] = [
  { value: 'error', label: 'error: only what went wrong' },
  { value: 'warn', label: 'warn: what went wrong, and what may need a look' },
  { value: 'info', label: 'info: runs started and how they ended, alerts sent (the usual)' },
  { value: 'debug', label: 'debug: every decision in detail, for a support request' },
  { value: 'trace', label: 'trace: everything, also from the parts Deckhand is built on (large files)' },
];

const LOGS_AND_BACKUPS: SettingSpec[] = [
  {
    key: 'log_level',
    label: 'Log level',
    description:
      'How much Deckhand writes to its log files (Open logs folder, below). A change applies at once; set it back ' +
      'to info when support has what they need.',
    input: 'select',
    options: LOG_LEVELS,
    read: (s) => s.logLevel,
  },
  {
    key: 'backup_keep',
    label: 'Backups to keep',
    description:
      'Deckhand backs up its database once a day and keeps this many of the newest backups, from 1 to 365 ' +
      '(Diagnostics lists them). Older ones are removed at the next backup.',
    input: 'number',
    read: (s) => String(s.backupKeep),
  },
];

const NETWORK: SettingSpec[] = [
  {
    key: 'https_proxy',
    label: 'Proxy for chat and webhook messages',
    description:
      'Only if the lab network lets this PC reach the internet through a proxy: its address, e.g. ' +
      'http://proxy.lab.example:3128. Leave it empty to use the proxy Windows is set up with (and the HTTPS_PROXY ' +
      'variable). Email does not go through it.',
    input: 'text',
    read: (s) => s.httpsProxy,
  },
];

const SIMULATION: SettingSpec[] = [
  {
    key: 'simulation',
    label: 'Simulation',
    description: 'On: runs go to the VENUS simulator, not to the robot. For trying Deckhand out and for training.',
    input: 'switch',
    read: (s) => String(s.simulation),
  },
];

function SettingGroup({ title, specs, settings }: { title: string; specs: SettingSpec[]; settings: AppSettings }) {
  return (
    <Paper withBorder p="lg">
      <Stack gap="lg">
        <Title order={3}>{title}</Title>
        {specs.map((spec) => (
          <SettingField key={spec.key} spec={spec} settings={settings} />
        ))}
      </Stack>
    </Paper>
  );
}

/** Every setting Deckhand has, each saved on its own, and the audit log. */
export function SettingsPage() {
  const settings = useSettings();

  return (
    <Stack gap="lg" maw={1100}>
      <Stack gap={4}>
        <Title order={2}>Settings</Title>
        <Text size="sm" c="dimmed">
          How Deckhand starts VENUS and watches runs. Each setting is saved on its own.
        </Text>
      </Stack>
      {settings.isPending ? (
        <Loading py={80}>Loading settings…</Loading>
      ) : settings.isError ? (
        <CommandErrorAlert
          title="The settings could not be loaded"
          error={settings.error}
          onRetry={() => void settings.refetch()}
          retrying={settings.isFetching}
        />
      ) : (
        <>
          <SettingGroup title="VENUS" specs={VENUS} settings={settings.data} />
          <SettingGroup title="Running" specs={RUNNING} settings={settings.data} />
          <SettingGroup title="Logs and backups" specs={LOGS_AND_BACKUPS} settings={settings.data} />
          <SettingGroup title="Network" specs={NETWORK} settings={settings.data} />
          <SettingGroup title="Simulation" specs={SIMULATION} settings={settings.data} />
        </>
      )}
      <ThisPc />
      <AuditLog />
      <Text size="sm" c="dimmed">
        Times are shown in this PC&apos;s time zone ({displayTimeZone()}).
      </Text>
    </Stack>
  );
}
