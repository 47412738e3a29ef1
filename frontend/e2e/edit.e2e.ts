// Editing a ConfigMap's YAML: the edit begins from the live object, a
// preview shows the server's diff, Apply (confirmed) writes it, and the
// details show the new value.
import { describe, expect, test } from 'vitest';
import { byId, kubectl, pickNamespace, selectRow, shot, withApp } from './harness';

const name = `edit-e2e-${Date.now().toString(36)}`;
const namespace = 'shop';

describe('edit a ConfigMap', () => {
  const suite = withApp('demo-admin');

  test('edit a value, preview the diff, apply, see it live', async () => {
    kubectl(['--context', 'demo-admin', 'create', 'configmap', name, '-n', namespace, '--from-literal=mode=slow', '--from-literal=size=3']);
    const { page } = suite.app;
    await pickNamespace(page, namespace);
    await selectRow(page, 'configmaps', name);
    await byId(page, 'details-tab-yaml').click();
    const edit = byId(page, 'yaml-edit');
    await expect.poll(() => edit.isEnabled(), { timeout: 10_000 }).toBe(true);
    await edit.click();

    const editor = byId(page, 'edit-yaml');
    const line = editor.locator('.cm-line', { hasText: 'mode: slow' });
    await line.waitFor();
    await expect.poll(async () => byId(page, 'edit-version').textContent()).toMatch(/based on resourceVersion \d+/);
    expect(await byId(page, 'edit-apply').isDisabled(), 'nothing previewed yet').toBe(true);
    await line.click();
    await page.keyboard.press('End');
    for (let i = 0; i < 'slow'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('fast');
    await editor.locator('.cm-line', { hasText: 'mode: fast' }).waitFor();

    await byId(page, 'edit-preview').click();
    const diff = byId(page, 'edit-diff');
    await diff.waitFor({ timeout: 10_000 });
    const diffText = (await diff.textContent()) ?? '';
    expect(diffText).toContain('-  mode: slow');
    expect(diffText).toContain('+  mode: fast');
    expect(diffText).not.toContain('managedFields');
    expect(diffText).not.toContain('resourceVersion');
    await expect.poll(() => byId(page, 'edit-apply').isEnabled()).toBe(true);
    await shot(page, '40-edit-preview');

    await byId(page, 'edit-apply').click();
    expect(await byId(page, 'confirm-context').textContent()).toBe('demo-admin');
    expect(await byId(page, 'confirm-names').textContent()).toBe(name);
    await shot(page, '41-edit-confirm');
    await byId(page, 'confirm-ok').click();

    await expect.poll(() => byId(page, 'yaml-state').textContent(), { timeout: 10_000 }).toMatch(/^Applied: now at resourceVersion \d+/);
    await expect
      .poll(() => page.evaluate(() => document.querySelector('[data-testid="yaml"] .cm-content')?.textContent ?? ''), { timeout: 10_000 })
      .toContain('mode: fast');
    expect(kubectl(['--context', 'demo-admin', 'get', 'configmap', name, '-n', namespace, '-o', 'jsonpath={.data.mode}'])).toBe('fast');
    await shot(page, '42-edit-applied');
    expect(suite.app.pageErrors).toEqual([]);
    expect(suite.app.consoleErrors).toEqual([]);
  });

  test('create two objects from YAML by server-side apply', async () => {
    const { page } = suite.app;
    await byId(page, 'apply-yaml-open').click();
    const panel = byId(page, 'apply-yaml');
    await panel.locator('.cm-content').waitFor();
    await panel.locator('.cm-content').click();
    await page.keyboard.insertText(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-a\ndata:\n  mode: new\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-b\n`,
    );
    await byId(page, 'apply-preview').click();
    await expect.poll(() => byId(page, 'apply-doc').count(), { timeout: 10_000 }).toBe(2);
    expect(await byId(page, 'apply-doc-state').allTextContents()).toEqual(['will be created', 'will be created']);
    expect(await byId(page, 'apply-doc').first().textContent()).toContain(`ConfigMap ${namespace}/${name}-a`);
    await shot(page, '43-apply-preview');
    await byId(page, 'apply-apply').click();
    await byId(page, 'confirm-type').fill('2');
    await byId(page, 'confirm-ok').click();
    await expect.poll(() => byId(page, 'apply-doc-state').allTextContents(), { timeout: 10_000 }).toEqual(['created', 'created']);
    await shot(page, '44-apply-created');
    expect(kubectl(['--context', 'demo-admin', 'get', 'configmap', `${name}-a`, '-n', namespace, '-o', 'jsonpath={.data.mode} {.metadata.managedFields[0].manager}'])).toBe('new crowsnest');
    expect(suite.app.pageErrors).toEqual([]);
    expect(suite.app.consoleErrors).toEqual([]);
  });
});
