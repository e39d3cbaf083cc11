/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The built UI is embedded into the Deckhand binary and served by Tauri under a
// strict Content-Security-Policy (see src-tauri/tauri.conf.json).
export default defineConfig({
  plugins: [react()],
  // Tauri serves the files from its own protocol root; relative paths keep the
  // bundle independent of that origin.
  base: './',
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK (Linux) and WebView2 (Windows) are both recent engines.
    target: ['es2022', 'safari16'],
    // Never inline assets as data: URLs: the CSP allows images from 'self' only.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    // jsdom for all: component tests need a DOM; logic tests do not mind one.
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test/setup.ts'],
    // A bound for a test that hangs, far above what any test takes: the slowest takes under
    // 1 s on an idle 2-core machine and about 2 s beside a `cargo build` (docs/implementation-notes.md,
    // issue 15), and a CI machine has been seen three times slower than that. A test that
    // comes near it must be made to do less, not given more time.
    testTimeout: 20_000,
  },
});
