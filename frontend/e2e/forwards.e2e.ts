// Port-forwards against the real backend: kwok forwards every pod port to
// hack/podsim's HTTP server, so a request through the forward proves bytes
// flow end to end. Start one from a pod's details, fetch through it, see it
// active in the panel with its connection counted, stop it, and find the
// port closed.
import { describe, expect, test } from 'vitest';
import { byId, openKind, pickContext, pickNamespace, shot, typeInto, waitForRows, withApp } from './harness';

describe('port forwards', () => {
  const suite = withApp();

  test("a forward from a pod's details carries a request, shows in the panel, and stops", async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-admin');
    await pickNamespace(page, 'shop');
    await openKind(page, 'pods');
    await typeInto(page, 'filter', 'storefront');
    const keys = await waitForRows(page, (k) => k.some((x) => x.startsWith('shop/storefront')), 'storefront pods listed');
    const key = keys.find((x) => x.startsWith('shop/storefront'))!;
    await page.locator(`[data-testid="row"][data-key="${key}"]`).click();

    await byId(page, 'forward-port-open').click();
    const port = byId(page, 'forward-port');
    await expect.poll(() => port.inputValue(), { timeout: 15_000 }).toBe('http');
    await expect.poll(() => byId(page, 'forward-start').isDisabled(), { timeout: 15_000 }).toBe(false);
    await shot(page, 'forwards-01-form');
    await byId(page, 'forward-start').click();
    const started = byId(page, 'forward-started');
    await started.waitFor({ timeout: 20_000 });
    const address = /127\.0\.0\.1:(\d+)/.exec((await started.textContent()) ?? '')?.[0];
    expect(address, 'the forward names its loopback address').toBeTruthy();

    // Bytes flow: podsim answers through kwok, the API server and the tunnel.
    const res = await fetch(`http://${address}/through-the-forward`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('request: GET "/through-the-forward"');

    await byId(page, 'forward-show').click();
    const row = page.locator('[data-testid="forward-row"]').first();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('active');
    expect(await row.textContent()).toContain(`pods/${key.split('/')[1]}`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('1 total');
    expect(await byId(page, 'forwards-open').textContent()).toBe('Port forwards · 1 running');
    expect(await row.locator('[data-testid="forward-open"]').count()).toBe(1);
    await shot(page, 'forwards-02-panel-active');

    await row.locator('[data-testid="forward-stop"]').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('stopped');
    await expect(fetch(`http://${address}/after-stop`)).rejects.toThrow();
    await shot(page, 'forwards-03-panel-stopped');

    await row.locator('[data-testid="forward-remove"]').click();
    await byId(page, 'forwards-empty').waitFor();
    await page.keyboard.press('Escape');
    expect(await byId(page, 'forwards').count()).toBe(0);
  });
});
