import { Stack, Tabs, Text, Title } from '@mantine/core';
import { IconList, IconMail, IconMessages, IconUsers } from '@tabler/icons-react';

import { ChatSection } from './ChatSection';

import { LogSection } from './LogSection';
import { MailServerSection } from './MailServerSection';
import { PeopleSection } from './PeopleSection';

/** Who hears about runs, the mail server that tells them, and what was sent. */
export function NotificationsPage() {
  return (
    <Stack gap="lg" maw={1400}>
      <Stack gap={4}>
        <Title order={2}>Notifications</Title>
        <Text size="sm" c="dimmed">
          Deckhand emails people when runs need them, posts to chat channels and webhooks, and shows a desktop
          notification on this PC.
        </Text>
      </Stack>
      <Tabs defaultValue="people">
        <Tabs.List>
          <Tabs.Tab value="people" leftSection={<IconUsers size={16} />}>
            People
          </Tabs.Tab>
          <Tabs.Tab value="chat" leftSection={<IconMessages size={16} />}>
            Chat and webhooks
          </Tabs.Tab>
          <Tabs.Tab value="mail" leftSection={<IconMail size={16} />}>
            Mail server
          </Tabs.Tab>
          <Tabs.Tab value="log" leftSection={<IconList size={16} />}>
            Log
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="people" pt="lg">
          <PeopleSection />
        </Tabs.Panel>
        <Tabs.Panel value="chat" pt="lg">
          <ChatSection />
        </Tabs.Panel>
        <Tabs.Panel value="mail" pt="lg">
          <MailServerSection />
        </Tabs.Panel>
        <Tabs.Panel value="log" pt="lg">
          <LogSection />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
