import { defineConfig } from 'vitest/config';

// No React plugin: its development preamble is an inline script, which our
// Content-Security-Policy forbids. JSX is compiled by Vite's own transformer
// (tsconfig "jsx": "react-jsx"); a change reloads the page.
export default defineConfig({
  server: { host: '127.0.0.1', strictPort: true },
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      // TanStack's "use client" markers mean nothing without server components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  test: { environment: 'jsdom', globals: true, setupFiles: ['src/test/setup.ts'], testTimeout: 20_000 },
});
