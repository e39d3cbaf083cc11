// Renders a component the way the app does (Mantine, dates, a fresh query cache), for tests.
// Commands are mocked per test with `vi.spyOn(commands, 'name')` (see ../ipc.ts).
import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';

import { theme } from '../theme';

export function renderWithApp(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return {
    client,
    ...render(
      <MantineProvider theme={theme} env="test">
        <DatesProvider settings={{ firstDayOfWeek: 1 }}>
          <QueryClientProvider client={client}>{ui}</QueryClientProvider>
        </DatesProvider>
      </MantineProvider>,
    ),
  };
}
