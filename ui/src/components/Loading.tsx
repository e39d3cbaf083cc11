import { Center, Group, Loader, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** What a page or section shows while its data loads: a small spinner and what it waits for. */
export function Loading({ children, py = 40 }: { children: ReactNode; py?: number }) {
  return (
    <Center py={py}>
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{children}</Text>
      </Group>
    </Center>
  );
}
