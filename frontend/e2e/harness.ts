// The end-to-end harness: Debian's Chromium (through playwright-core, never
// a downloaded browser) on the page the app serves with live bindings, and
// kubectl against the same control plane. hack/e2e starts both and sets the
// environment read here. Only the hooks of docs/testids (data-testid and
// data-* attributes) and visible text are used to find things on the page.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e tests through hack/e2e (make test-e2e)`);
  return v;
}

export const env = {
  url: required('CROWSNEST_E2E_URL'),
  kubectl: required('KUBECTL'),
  kubeconfig: required('KUBECONFIG'),
  chromium: process.env.CROWSNEST_CHROMIUM ?? '/usr/bin/chromium',
  artifacts: process.env.CROWSNEST_ARTIFACTS ?? 'build/artifacts/e2e',
};

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: env.chromium,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What the page did that a test may need to refuse. */
export interface Probe {
  /** Bound-method calls the page made: window.go.main.App.<method>(args). */
  calls: { method: string; args: unknown[] }[];
  /** Content-Security-Policy violations (something tried to run or load). */
  violations: string[];
  /** Tags passed to window.__crowsnestXSS by injected script that ran. */
  xss: string[];
}

declare global {
  interface Window {
    __e2e: Probe;
    __crowsnestXSS: (tag: string) => void;
    WailsInvoke?: (message: string) => void;
  }
}

// Runs in the page before any of its scripts: records every bound call (the
// Wails runtime sends them all through window.WailsInvoke as "C" + JSON),
// every CSP violation, and any call to the XSS payloads' canary.
function installProbe(): void {
  const probe: Probe = { calls: [], violations: [], xss: [] };
  window.__e2e = probe;
  window.__crowsnestXSS = (tag: string) => {
    probe.xss.push(String(tag));
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    probe.violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}: ${e.sample}`);
  });
  let invoke: ((message: string) => void) | undefined;
  Object.defineProperty(window, 'WailsInvoke', {
    configurable: true,
    get: () => invoke,
    set: (fn: (message: string) => void) => {
      invoke = (message: string) => {
        if (typeof message === 'string' && message.startsWith('C')) {
          try {
            const call = JSON.parse(message.slice(1)) as { name: string; args: unknown[] };
            probe.calls.push({ method: call.name, args: call.args });
          } catch {
            probe.calls.push({ method: 'unparsable', args: [message] });
          }
        }
        fn(message);
      };
    },
  });
}

/** A page of the app, with what went wrong on it. */
export interface AppPage {
  page: Page;
  pageErrors: string[];
  consoleErrors: string[];
  dialogs: string[];
}

export async function openApp(browser: Browser, opts: { probe?: boolean; perf?: boolean } = {}): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // The benchmark measures the page as users get it, without the probe.
  if (opts.probe !== false) await context.addInitScript(installProbe);
  // The app's own accounting of what notices cost (src/perf.ts), for the benchmark.
  if (opts.perf) await context.addInitScript(() => Object.assign(window, { __crowsnestPerf: { costs: [] } }));
  const page = await context.newPage();
  const app: AppPage = { page, pageErrors: [], consoleErrors: [], dialogs: [] };
  page.on('pageerror', (e) => {
    // The dev server's own overlay script (wails dev only, never in the
    // built app) fails to mount on our page; it is not the app's error.
    if (/\/wails\/ipc\.js:/.test(e.stack ?? '') && !/\/assets\//.test(e.stack ?? '')) return;
    app.pageErrors.push(`${e.message}\n${e.stack ?? ''}`);
  });
  page.on('console', (m) => {
    // The dev server has no favicon; Chromium asks for one anyway.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) app.consoleErrors.push(m.text());
  });
  page.on('dialog', (d) => {
    app.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(env.url);
  await byId(page, 'app-shell').waitFor();
  return app;
}

/**
 * withApp gives the tests of a describe block one page of the app: opened
 * before them (and switched to context, when given), a screenshot of each
 * test that fails, the browser closed after them.
 */
export function withApp(context?: string): { readonly app: AppPage } {
  let browser: Browser | undefined;
  const suite = {} as { app: AppPage };
  beforeAll(async () => {
    browser = await launch();
    suite.app = await openApp(browser);
    if (context) await pickContext(suite.app.page, context);
  });
  afterEach(async ({ task }) => {
    await shotOnFailure(suite.app, task);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return suite;
}

export function byId(page: Page, id: string): Locator {
  return page.getByTestId(id);
}

/** Saves a screenshot of a test that failed, named after it. */
export async function shotOnFailure(app: AppPage | undefined, task: { name: string; result?: { state?: string } }): Promise<void> {
  if (!app || task.result?.state !== 'fail') return;
  await shot(app.page, `failed-${task.name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
}

/** Saves a screenshot of the whole window to the artifacts directory. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(env.artifacts, { recursive: true });
  await page.screenshot({ path: join(env.artifacts, `${name}.png`) });
}

export function kubectl(args: string[], input?: string): string {
  return execFileSync(env.kubectl, args, {
    input,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: env.kubeconfig },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

/** applyDeployment creates (or updates) a one-replica Deployment of one container in shop, as demo-admin. */
export function applyDeployment(name: string, image: string): void {
  kubectl(
    ['--context', 'demo-admin', 'apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      },
    }),
  );
}

/** Keys (namespace/name) of the objects of resource kubectl sees in context: in namespace, or all (null); by selector. */
export function objectKeys(context: string, resource: string, namespace: string | null, selector = ''): string[] {
  const args = ['--context', context, 'get', resource, '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'];
  args.push(...(namespace === null ? ['-A'] : ['-n', namespace]));
  if (selector) args.push('-l', selector);
  return kubectl(args).split('\n').filter(Boolean).sort();
}

/** Switches to context name, unless the app is on it already. */
export async function pickContext(page: Page, name: string): Promise<void> {
  const picker = byId(page, 'context-picker');
  await page.waitForFunction(() => (document.querySelector('[data-testid="context-picker"]')?.textContent ?? '') !== '');
  if ((await picker.textContent())?.includes(name)) return;
  await picker.click();
  await page.locator(`[data-testid="context-item"][data-context="${name}"]`).click();
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="context-picker"]')?.textContent?.includes(n) ?? false,
    name,
  );
}

export async function pickNamespace(page: Page, namespace: string): Promise<void> {
  await byId(page, 'namespace-picker').click();
  if (namespace !== '') await byId(page, 'namespace-search').fill(namespace);
  await page.locator(`[data-testid="namespace-item"][data-namespace="${namespace}"]`).click();
}

export async function openKind(page: Page, kind: string): Promise<void> {
  await byId(page, `nav-${kind}`).click();
  await page.locator(`[data-testid="resource-table"][data-kind="${kind}"]`).waitFor();
}

/**
 * Opens a kind the navigation lists under an API group (custom resources,
 * other API resources), opening the group first if it is closed. Kinds
 * learnt from the server may be listed a moment after the session connects.
 */
export async function openGroupedKind(page: Page, navGroup: string, apiGroup: string, kind: string): Promise<void> {
  const head = page.locator(`[data-nav-group="${navGroup}"] [data-testid="nav-apigroup-${apiGroup}"]`);
  await head.waitFor({ timeout: 30_000 });
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
  await openKind(page, kind);
}

/** The navigation groups in the order shown. */
export function navGroups(page: Page): Promise<string[]> {
  return page.$$eval('[data-nav-group]', (els) => els.map((e) => e.getAttribute('data-nav-group') ?? ''));
}

/** The table's column titles in the order shown. */
export function columnTitles(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="resource-table"] [role="columnheader"]', (els) => els.map((e) => e.textContent?.trim() ?? ''));
}

/** The texts of the cells of the row with key, in column order. */
export function rowCells(page: Page, key: string): Promise<string[]> {
  return page.$$eval(`[data-testid="row"][data-key="${key}"] [role="gridcell"]`, (els) => els.map((e) => e.textContent?.trim() ?? ''));
}

/** The table once it has settled: ready (with rows) or empty. */
export async function settledTable(page: Page, kind: string): Promise<Locator> {
  const table = page.locator(
    `[data-testid="resource-table"][data-kind="${kind}"]:is([data-state="ready"],[data-state="empty"])`,
  );
  await table.waitFor();
  return table;
}

export function rowKeys(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="row"]', (rows) => rows.map((r) => r.getAttribute('data-key') ?? ''));
}

/** Waits until the rendered rows satisfy check (given their keys). */
export async function waitForRows(
  page: Page,
  check: (keys: string[]) => boolean,
  what: string,
  timeout = 20_000,
): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let keys: string[] = [];
  while (Date.now() < deadline) {
    keys = await rowKeys(page);
    if (check(keys)) return keys;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for rows: ${what}; rows on screen: ${JSON.stringify(keys.slice(0, 20))}`);
}

export async function tableCount(page: Page, kind: string): Promise<number> {
  const v = await page
    .locator(`[data-testid="resource-table"][data-kind="${kind}"]`)
    .getAttribute('data-count');
  return Number(v);
}

/** Waits until the table's data-count is n. */
export async function waitForCount(page: Page, kind: string, n: number, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    ([k, want]) =>
      document.querySelector(`[data-testid="resource-table"][data-kind="${k}"]`)?.getAttribute('data-count') ===
      String(want),
    [kind, n] as const,
    { timeout },
  );
}

/** Types into an input, replacing what it held, as a user would. */
export async function typeInto(page: Page, id: string, text: string): Promise<void> {
  const input = byId(page, id);
  await input.fill('');
  if (text !== '') await input.pressSequentially(text);
}

/** selectRow lists kind filtered to name in namespace shop and opens the details of its first row; its key. */
export async function selectRow(page: Page, kind: string, name: string): Promise<string> {
  await openKind(page, kind);
  await typeInto(page, 'filter', name);
  // Only once the filter applies: the rows are not replaced under the click.
  const keys = await waitForRows(page, (k) => k.length > 0 && k.every((x) => x.startsWith(`shop/${name}`)), `only ${kind} ${name} listed`);
  const key = keys[0]!;
  const details = page.locator(`[data-testid="details"][data-key="${key}"]`);
  await expect
    .poll(
      async () => {
        if ((await details.count()) === 0) await page.locator(`[data-testid="row"][data-key="${key}"]`).click();
        return details.count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  return key;
}

/** typeInTerminal focuses the shown terminal and types a line into it. */
export async function typeInTerminal(page: Page, line: string) {
  await page.locator('[data-testid="log-dock"] .dock-body:not([hidden]) .xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** The lines xterm.js draws (its DOM renderer), trailing blanks trimmed. */
export const screenLines = (page: Page) =>
  page.locator('[data-testid="log-dock"] .dock-body:not([hidden]) [data-testid="terminal"] .xterm-rows > div').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trimEnd()));
