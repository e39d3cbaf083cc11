import { createTheme } from '@mantine/core';

// Calm and legible on a lab PC's screen: system fonts (no web fonts: the CSP
// loads nothing from outside the app), teal from the app icon as the accent,
// and slightly larger default text for reading at arm's length.
export const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif',
  fontFamilyMonospace:
    'ui-monospace, "Cascadia Mono", Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace',
  headings: { fontWeight: '600' },
  cursorType: 'pointer',
});
