import { Button, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { commands, toCommandError } from '../ipc';

/** Settings of this PC rather than of Deckhand's database: start at login, the log files. */
export function ThisPc() {
  const client = useQueryClient();
  const autostart = useQuery({ queryKey: ['settings', 'autostart'], queryFn: () => commands.getAutostart() });
  const setAutostart = useMutation({
    mutationFn: (enabled: boolean) => commands.setAutostart(enabled),
    onSuccess: (enabled) => client.setQueryData(['settings', 'autostart'], enabled),
  });
  const openLogs = useMutation({ mutationFn: () => commands.openLogsFolder() });
  const problem = [autostart.error, setAutostart.error, openLogs.error].find(Boolean);

  return (
    <Paper withBorder p="lg" radius="md">
      <Stack gap="md">
        <Title order={3}>This PC</Title>
        <Switch
          label="Start Deckhand when I log in"
          description="So schedules run after the PC restarts (for example after Windows updates) without anyone opening Deckhand."
          checked={autostart.data ?? false}
          disabled={autostart.isPending || setAutostart.isPending}
          onChange={(e) => {
            setAutostart.mutate(e.currentTarget.checked);
          }}
        />
        <Group gap="sm">
          <Button variant="default" onClick={() => { openLogs.mutate(); }} loading={openLogs.isPending}>
            Open logs folder
          </Button>
          {openLogs.data && (
            <Text size="sm" c="dimmed">
              {openLogs.data}
            </Text>
          )}
        </Group>
        {problem && (
          <Text size="sm" c="red.8">
            {toCommandError(problem).message}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
