// Everything from the cluster is text. Objects whose annotations, data and
// events carry script payloads are shown in the table, the details panel and
// the YAML; nothing may run, be parsed as HTML, or reach the bound API.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  byId,
  kubectl,
  openKind,
  pickNamespace,
  shot,
  typeInto,
  waitForRows,
  withApp,
  type AppPage,
} from './harness';

const name = `xss-probe-${Date.now().toString(36)}`;
const namespace = 'shop';

// Each payload, if it ever ran, would call the canary or a bound method with
// an argument naming the payload; the CSP would also report it.
const payloads: Record<string, string> = {
  'e2e.crowsnest.dev/img': `<img src=x onerror="window.__crowsnestXSS('img')">`,
  'e2e.crowsnest.dev/script': `<script>window.__crowsnestXSS('script')</script>`,
  'e2e.crowsnest.dev/close-script': `</script><script>window.__crowsnestXSS('close-script')</script>`,
  'e2e.crowsnest.dev/js-url': `javascript:window.__crowsnestXSS('js-url')`,
  'e2e.crowsnest.dev/svg': `<svg onload="window.go.main.App.SwitchContext('xss-svg')"></svg>`,
  'e2e.crowsnest.dev/iframe': `"><iframe src="javascript:window.__crowsnestXSS('iframe')"></iframe>`,
  'e2e.crowsnest.dev/link': `<a href="javascript:window.__crowsnestXSS('link')">open</a>`,
};
const eventMessage = `<img src=x onerror="window.go.main.App.SwitchContext('xss-event')"> back-off restarting`;

function apply(obj: unknown): void {
  kubectl(['--context', 'demo-admin', 'apply', '-f', '-'], JSON.stringify(obj));
}

/** Fails if anything injected ran, was parsed as markup, or called the backend. */
async function assertInert(app: AppPage): Promise<void> {
  const { page } = app;
  const probe = await page.evaluate(() => window.__e2e);
  expect(probe.xss, 'injected script ran').toEqual([]);
  expect(probe.violations, 'CSP violations: something was parsed as markup').toEqual([]);
  // The app's own calls name the probe (filter, details); injected ones would
  // carry the payloads' own arguments.
  const hijacked = probe.calls.filter((c) => /xss-(svg|event)/.test(JSON.stringify(c.args)));
  expect(hijacked, 'bound calls from injected content').toEqual([]);
  expect(probe.calls.length, 'the probe saw the app call its backend').toBeGreaterThan(0);
  const markup = await page.evaluate(() =>
    Array.from(
      document.querySelectorAll('img[src="x"], svg[onload], iframe, [onerror], [onload], a[href^="javascript:" i], body script:not([src])'),
    ).map((e) => e.outerHTML.slice(0, 120)),
  );
  expect(markup, 'elements made from cluster data').toEqual([]);
  expect(app.dialogs).toEqual([]);
  expect(app.pageErrors).toEqual([]);
  expect(app.consoleErrors).toEqual([]);
}

describe('cluster data is text', () => {
  beforeAll(async () => {
    const annotations = payloads;
    apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { app: 'xss-probe' }, annotations },
      spec: { containers: [{ name: 'main', image: 'registry.local/xss-probe:1' }] },
    });
    apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, annotations },
      data: { 'index.html': Object.values(payloads).join('\n') },
    });
    const uid = kubectl(['--context', 'demo-admin', 'get', 'pod', '-n', namespace, name, '-o', 'jsonpath={.metadata.uid}']);
    const now = new Date().toISOString();
    apply({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.xss`, namespace },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid },
      reason: '<b>BackOff</b>',
      message: eventMessage,
      type: 'Warning',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      source: { component: 'e2e' },
    });
  });
  const suite = withApp('demo-admin');

  afterAll(async () => {
    for (const kind of ['pod', 'configmap']) {
      kubectl(['--context', 'demo-admin', 'delete', kind, '-n', namespace, name, '--ignore-not-found', '--wait=false']);
    }
    kubectl(['--context', 'demo-admin', 'delete', 'event', '-n', namespace, `${name}.xss`, '--ignore-not-found']);
  });

  test('an event with a payload in its message and reason', async () => {
    const { page } = suite.app;
    await openKind(page, 'events');
    await pickNamespace(page, namespace);
    await typeInto(page, 'filter', name);
    await waitForRows(page, (k) => k.length > 0 && k.every((key) => key.includes(name)), 'only the probe event');
    await page.locator('[data-testid="resource-table"]').getByText('back-off restarting', { exact: false }).first().waitFor();
    await shot(page, '10-xss-events');
    await assertInert(suite.app);
  });

  test('a pod with payloads in annotations and events', async () => {
    const { page } = suite.app;
    await openKind(page, 'pods');
    await pickNamespace(page, namespace);
    await typeInto(page, 'filter', name);
    await waitForRows(page, (k) => k.includes(`${namespace}/${name}`), 'the probe pod');
    await page.locator(`[data-testid="row"][data-key="${namespace}/${name}"]`).click();
    const details = byId(page, 'details');
    await details.waitFor();
    await byId(page, 'details-tab-overview').click();
    // The payloads are on screen, as the characters they are.
    await details.getByText(payloads['e2e.crowsnest.dev/img']!, { exact: false }).first().waitFor();
    await shot(page, '11-xss-pod-overview');
    await byId(page, 'details-tab-events').click();
    await details.getByText('back-off restarting', { exact: false }).first().waitFor();
    await shot(page, '12-xss-pod-events');
    await byId(page, 'details-tab-yaml').click();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="yaml"] .cm-content')?.textContent ?? '').includes('__crowsnestXSS'),
    );
    await shot(page, '13-xss-pod-yaml');
    await assertInert(suite.app);
    await byId(page, 'details-close').click();
  });

  test('a config map with payloads in annotations and data', async () => {
    const { page } = suite.app;
    await openKind(page, 'configmaps');
    await typeInto(page, 'filter', name);
    await waitForRows(page, (k) => k.includes(`${namespace}/${name}`), 'the probe config map');
    await page.locator(`[data-testid="row"][data-key="${namespace}/${name}"]`).click();
    await byId(page, 'details').waitFor();
    await byId(page, 'details-tab-yaml').click();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="yaml"] .cm-content')?.textContent ?? '').includes('index.html'),
    );
    await shot(page, '14-xss-configmap-yaml');
    await assertInert(suite.app);
  });

  // Last: it provokes the violations the tests above require none of.
  test('the CSP itself blocks inline script and handlers', async () => {
    const { page } = suite.app;
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = "window.__crowsnestXSS('csp-inline')";
      document.body.append(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', "window.__crowsnestXSS('csp-handler')");
      img.src = 'data:,broken';
      document.body.append(img);
    });
    await page.waitForFunction(() => window.__e2e.violations.length >= 2);
    const probe = await page.evaluate(() => window.__e2e);
    expect(probe.xss, 'inline script and handler did not run').toEqual([]);
    expect(probe.violations.join('\n')).toMatch(/script-src/);
  });
});
