import { defineConfig } from 'vitest/config';

// End-to-end tests and the frontend benchmark: Node drives Debian's Chromium
// against the app's real backend, started by hack/e2e. One backend serves
// every file, so files run one after another. CROWSNEST_E2E_SUITE=bench
// selects the explorer's benchmark instead of the tests, =logs-bench the
// logs benchmark, =terminal-bench the terminal benchmark, =writes-bench
// the benchmark of writes (dry-run diff, scale-up), =changes-bench the
// change timeline's (a new change on screen in the Changes view).
const suite = process.env.CROWSNEST_E2E_SUITE;
const benches: Record<string, string> = {
  bench: 'e2e/frontend.bench.ts',
  'logs-bench': 'e2e/logs.bench.ts',
  'terminal-bench': 'e2e/terminal.bench.ts',
  'writes-bench': 'e2e/writes.bench.ts',
  'changes-bench': 'e2e/changes.bench.ts',
};
const bench = suite !== undefined && suite in benches;

export default defineConfig({
  test: {
    environment: 'node',
    include: bench ? [benches[suite as string] as string] : ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: bench ? 30 * 60_000 : 90_000,
    hookTimeout: bench ? 30 * 60_000 : 90_000,
    reporters: ['verbose'],
  },
});
