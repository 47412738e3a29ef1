import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../api';
import { fake } from '../test/fakeBackend';
import { SettingsPanel } from '../shell/SettingsPanel';
import { ConfirmDialog, MAX_LISTED } from './ConfirmDialog';
import { readOnlyReason, writeMode } from './writeMode';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

describe('read-only modes', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('follows the backend rule: the global mode wins, a listed context is read-only, others are writable', () => {
    const w = { readOnlyContexts: { prod: true } };
    expect(readOnlyReason(w, 'prod')).toBe('context "prod" is marked read-only (Settings)');
    expect(readOnlyReason(w, 'dev')).toBe('');
    expect(readOnlyReason({ ...w, readOnly: true }, 'dev')).toBe('Crowsnest is in read-only mode (Settings)');
  });

  it('saves the current context as read-only at once, keeping the other settings, and the page learns it', async () => {
    fake.api.settings.mockResolvedValue({ lastContext: 'prod', theme: 'dark', extraPath: ['/x'], window: {}, writes: { readOnlyContexts: { other: true } } });
    render(<SettingsPanel context="prod" onClose={() => {}} onTheme={() => {}} />);
    const box = (await screen.findByTestId('settings-readonly-context')) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    await waitFor(() => expect(fake.api.saveSettings).toHaveBeenCalled());
    const saved = fake.api.saveSettings.mock.calls.at(-1)![0] as Settings;
    expect(saved.writes).toEqual({ readOnlyContexts: { other: true, prod: true } });
    expect(saved.extraPath).toEqual(['/x']);
    expect(readOnlyReason(writeMode.get(), 'prod')).toContain('read-only');
    fireEvent.click(box);
    await waitFor(() => expect((fake.api.saveSettings.mock.calls.at(-1)![0] as Settings).writes).toEqual({ readOnlyContexts: { other: true } }));
    expect(readOnlyReason(writeMode.get(), 'prod')).toBe('');
  });
  it('builds a quick second toggle on the first while the first save is unanswered', async () => {
    fake.api.settings.mockResolvedValue({ lastContext: 'prod', theme: 'dark', extraPath: [], window: {}, writes: {} });
    const answers: Array<(v: undefined) => void> = [];
    fake.api.saveSettings.mockImplementation(() => new Promise<undefined>((resolve) => answers.push(resolve)));
    render(<SettingsPanel context="prod" onClose={() => {}} onTheme={() => {}} />);
    const box = (await screen.findByTestId('settings-readonly-context')) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    fireEvent.click(box);
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    expect(box.checked).toBe(false);
    expect(fake.api.saveSettings).toHaveBeenCalledTimes(2);
    expect((fake.api.saveSettings.mock.calls[1]![0] as Settings).writes).toEqual({ readOnlyContexts: {} });
    expect(readOnlyReason(writeMode.get(), 'prod')).toBe('');
    answers.forEach((a) => a(undefined));
  });

  it('shows the saved state again, with the error, when the backend refuses a switch', async () => {
    fake.api.settings.mockResolvedValue({ lastContext: 'prod', theme: 'dark', extraPath: [], window: {}, writes: {} });
    fake.api.saveSettings.mockRejectedValue(new Error('disk full'));
    render(<SettingsPanel context="prod" onClose={() => {}} onTheme={() => {}} />);
    const box = (await screen.findByTestId('settings-readonly-context')) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    fireEvent.click(box);
    await screen.findByText(/disk full/);
    expect(box.checked).toBe(false);
    expect(readOnlyReason(writeMode.get(), 'prod')).toBe('');
  });
});

describe('ConfirmDialog', () => {
  afterEach(cleanup);

  it('names the context, namespace, kind and objects, as text', () => {
    render(
      <ConfirmDialog title="Delete" context="prod" namespace="shop" kind="Pods" names={['<b>x</b>', 'y']} confirmLabel="Delete" onConfirm={() => {}} onCancel={() => {}} />,
    );
    expect(screen.getByTestId('confirm-context').textContent).toBe('prod');
    expect(screen.getByTestId('confirm-namespace').textContent).toBe('shop');
    expect(screen.getByTestId('confirm-names').textContent).toBe('<b>x</b>y');
    expect(screen.getByTestId('confirm-names').querySelector('b')).toBeNull();
  });

  it('lists at most MAX_LISTED names and says how many more', () => {
    const names = Array.from({ length: MAX_LISTED + 5 }, (_, i) => `pod-${i}`);
    render(<ConfirmDialog title="Delete" context="c" kind="Pods" names={names} confirmLabel="Delete" onConfirm={() => {}} onCancel={() => {}} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(MAX_LISTED + 1);
    expect(screen.getByTestId('confirm-names').textContent).toContain('and 5 more');
  });

  it('enables the action only once the name is typed exactly', () => {
    const onConfirm = vi.fn();
    render(<ConfirmDialog title="Delete namespace" context="c" kind="Namespace" names={['shop']} typeToConfirm="shop" confirmLabel="Delete" danger onConfirm={onConfirm} onCancel={() => {}} />);
    const ok = screen.getByTestId('confirm-ok') as HTMLButtonElement;
    expect(ok.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('confirm-type'), { target: { value: 'sho' } });
    expect(ok.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('confirm-type'), { target: { value: 'shop' } });
    expect(ok.disabled).toBe(false);
    fireEvent.click(ok);
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('stays disabled with the reason when the write is not allowed, and Escape cancels', () => {
    const onCancel = vi.fn();
    const onConfirm = vi.fn();
    render(<ConfirmDialog title="Scale" context="prod" kind="Deployment" names={['a']} confirmLabel="Scale" disabled='context "prod" is marked read-only (Settings)' onConfirm={onConfirm} onCancel={onCancel} />);
    expect((screen.getByTestId('confirm-ok') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('confirm-disabled').textContent).toContain('read-only');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
