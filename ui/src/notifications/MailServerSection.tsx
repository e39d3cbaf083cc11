import { Divider, Stack, Text, Title } from '@mantine/core';

import { CommandErrorAlert } from '../components/CommandErrorAlert';
import { useSmtpSettings } from './queries';
import { SmtpForm } from './SmtpForm';
import { SmtpPassword } from './SmtpPassword';
import { TestEmail } from './TestEmail';
import { Loading } from '../components/Loading';

/** The mail server Deckhand sends through, its password, and a test message. */
export function MailServerSection() {
  const smtp = useSmtpSettings();

  if (smtp.isPending) {
    return (
      <Loading>Loading the mail server settings…</Loading>
    );
  }
  if (smtp.isError) {
    return (
      <CommandErrorAlert
        title="The mail server settings could not be loaded"
        error={smtp.error}
        onRetry={() => void smtp.refetch()}
        retrying={smtp.isFetching}
      />
    );
  }

  return (
    <Stack gap="lg">
      <Stack gap={2}>
        <Title order={3}>Mail server</Title>
        <Text size="sm" c="dimmed">
          {smtp.data === null
            ? 'No mail server is set up yet, so no email goes out. Ask your IT department for these details.'
            : 'Deckhand sends every email through this server.'}
        </Text>
      </Stack>
      <SmtpForm saved={smtp.data} />
      <Divider />
      <Stack gap={2}>
        <Title order={4}>Password</Title>
        <Text size="sm" c="dimmed">
          Kept by the operating system, never in Deckhand&apos;s database.
        </Text>
      </Stack>
      <SmtpPassword saved={smtp.data} />
      <Divider />
      <Stack gap={2}>
        <Title order={4}>Send a test email</Title>
        <Text size="sm" c="dimmed">
          Sends one message now through the saved server and shows what the server said.
        </Text>
      </Stack>
      <TestEmail />
    </Stack>
  );
}
