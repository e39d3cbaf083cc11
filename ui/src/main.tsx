import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';

import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { followEngine } from './events';
import { theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Commands are local calls: a failure will not heal by itself a second
      // later, so show it at once and let the user retry.
      retry: false,
    },
  },
});

void followEngine(queryClient);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

/**
 * The last resort: if the page itself fails (a bug), say so in the window instead of leaving
 * it blank, with what to tell the developers. The scheduler is not affected: it runs in the
 * shell.
 */
function showFailure(error: unknown) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.style.cssText = 'font-family: system-ui, sans-serif; padding: 32px; max-width: 720px;';
  const title = document.createElement('h1');
  title.textContent = 'Deckhand’s window failed to show this page';
  title.style.fontSize = '20px';
  const body = document.createElement('p');
  body.textContent =
    'The scheduler keeps running (it does not depend on this window). Close and reopen the window from the tray; if this comes back, send the message below and the log file to whoever maintains Deckhand.';
  const detail = document.createElement('pre');
  detail.textContent = text;
  detail.style.whiteSpace = 'pre-wrap';
  box.append(title, body, detail);
  document.body.append(box);
}

createRoot(root, {
  onUncaughtError: (error) => {
    showFailure(error);
  },
}).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      {/* Weeks start on Monday, as the schedules' weekdays do (mon … sun). */}
      <DatesProvider settings={{ firstDayOfWeek: 1 }}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  </StrictMode>,
);
