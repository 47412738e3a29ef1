import { defineConfig } from 'vitest/config';

// No React plugin: its development preamble is an inline script, which our
// Content-Security-Policy forbids. JSX is compiled by Vite's own transformer
// (tsconfig "jsx": "react-jsx"); a change reloads the page.
export default defineConfig({
  server: { host: '127.0.0.1', strictPort: true },
  build: { target: 'es2022', sourcemap: false },
  test: { environment: 'jsdom', globals: true, setupFiles: ['src/test/setup.ts'] },
});
