import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from '../test/fakeBackend';
import { terminalFontSize } from '../terminal/fontSize';
import { checkNodeShell, LOG_LINES, parseCap, parsePath, SettingsPanel } from './SettingsPanel';
import { settingsSaved } from './settingsSaved';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

describe('SettingsPanel', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('parses one directory a line, blanks and duplicates dropped', () => {
    expect(parsePath(' /opt/aws/bin \n\n/home/me/go/bin\n/opt/aws/bin\n')).toEqual(['/opt/aws/bin', '/home/me/go/bin']);
  });

  it('saves extra plugin directories, keeping the other settings, and shows the PATH searched', async () => {
    fake.api.settings.mockResolvedValue({ lastContext: 'demo-admin', theme: 'dark', extraPath: ['/old/bin'], window: { width: 1, height: 2 } });
    fake.api.desktop.mockResolvedValue({ version: '1', settingsFile: '/cfg/settings.json', logFile: '/cache/crowsnest.log', path: ['/usr/bin', '/old/bin'], pathSource: 'login shell' });
    const onClose = vi.fn();
    render(<SettingsPanel onClose={onClose} onTheme={() => {}} />);
    const area = (await screen.findByTestId('settings-path')) as HTMLTextAreaElement;
    await waitFor(() => expect(area.value).toBe('/old/bin'));
    expect(screen.getByTestId('settings-effective-path').textContent).toBe('/usr/bin\n/old/bin');
    expect(screen.getByTestId('settings').textContent).toContain('/cfg/settings.json');

    fireEvent.change(area, { target: { value: '/old/bin\n<img src=x onerror=alert(1)>\n' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect(fake.api.saveSettings).toHaveBeenCalledWith({
      lastContext: 'demo-admin', theme: 'dark', window: { width: 1, height: 2 },
      extraPath: ['/old/bin', '<img src=x onerror=alert(1)>'], logs: { maxLines: 0, maxMiB: 0 }, changes: { maxMiB: 0 }, terminal: { fontSize: 0 },
      nodeShell: { contexts: {}, image: '', namespace: '' }, metrics: { intervalSeconds: 0 },
    });
    expect(screen.getByTestId('settings').querySelector('img')).toBeNull();

    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });

  it('reads the log buffer caps: empty is the default, a whole number within bounds, else why not', () => {
    expect(parseCap(' ', LOG_LINES, 'Log lines')).toBe(0);
    expect(parseCap('250,000', LOG_LINES, 'Log lines')).toBe(250_000);
    expect(parseCap('999', LOG_LINES, 'Log lines')).toMatch(/^Log lines: between 1,000 and 10,000,000$/);
    expect(parseCap('1e6', LOG_LINES, 'Log lines')).toMatch(/whole number/);
  });

  it('saves the log buffer caps, and refuses out-of-range ones without saving', async () => {
    fake.api.settings.mockResolvedValue({ theme: 'dark', extraPath: [], logs: { maxLines: 200000 }, window: { width: 1, height: 2 } });
    render(<SettingsPanel onClose={() => {}} onTheme={() => {}} />);
    const lines = (await screen.findByTestId('settings-log-lines')) as HTMLInputElement;
    await waitFor(() => expect(lines.value).toBe('200000'));
    const mib = screen.getByTestId('settings-log-mib') as HTMLInputElement;
    expect(mib.value).toBe('');

    fireEvent.change(mib, { target: { value: '5000' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('Log MiB: between 1 and 4,096');
    expect(fake.api.saveSettings).not.toHaveBeenCalled();

    fireEvent.change(mib, { target: { value: '64' } });
    const changes = screen.getByTestId('settings-changes-mib') as HTMLInputElement;
    fireEvent.change(changes, { target: { value: '2000' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('Changes MiB: between 1 and 1,024');
    expect(fake.api.saveSettings).not.toHaveBeenCalled();
    fireEvent.change(changes, { target: { value: '8' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect(fake.api.saveSettings).toHaveBeenCalledWith({
      theme: 'dark', extraPath: [], window: { width: 1, height: 2 }, logs: { maxLines: 200000, maxMiB: 64 }, changes: { maxMiB: 8 }, terminal: { fontSize: 0 }, nodeShell: { contexts: {}, image: '', namespace: '' }, metrics: { intervalSeconds: 0 },
    });
  });

  it('saves the terminal font size and applies it to open terminals, refusing sizes out of range', async () => {
    fake.api.settings.mockResolvedValue({ theme: 'dark', extraPath: [], terminal: { fontSize: 14 }, window: { width: 1, height: 2 } });
    render(<SettingsPanel onClose={() => {}} onTheme={() => {}} />);
    const size = (await screen.findByTestId('settings-terminal-font')) as HTMLInputElement;
    await waitFor(() => expect(size.value).toBe('14'));

    fireEvent.change(size, { target: { value: '40' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('Terminal font size: between 8 and 32');
    expect(fake.api.saveSettings).not.toHaveBeenCalled();

    fireEvent.change(size, { target: { value: '18' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect(fake.api.saveSettings).toHaveBeenCalledWith({
      theme: 'dark', extraPath: [], window: { width: 1, height: 2 }, logs: { maxLines: 0, maxMiB: 0 }, changes: { maxMiB: 0 }, terminal: { fontSize: 18 }, nodeShell: { contexts: {}, image: '', namespace: '' }, metrics: { intervalSeconds: 0 },
    });
    expect(terminalFontSize.get()).toBe(18);
  });

  it('applies and saves a theme choice at once', async () => {
    fake.api.settings.mockResolvedValue({ theme: '', extraPath: ['/x'], window: { width: 1, height: 2 } });
    const onTheme = vi.fn();
    render(<SettingsPanel onClose={() => {}} onTheme={onTheme} />);
    const select = (await screen.findByTestId('settings-theme')) as HTMLSelectElement;
    await waitFor(() => expect(select.disabled).toBe(false));
    expect(select.value).toBe('system');
    fireEvent.change(select, { target: { value: 'dark' } });
    expect(onTheme).toHaveBeenCalledWith('dark');
    await waitFor(() => expect(fake.api.saveSettings).toHaveBeenCalledWith({ theme: 'dark', extraPath: ['/x'], window: { width: 1, height: 2 } }));
  });

  it('says why saving failed', async () => {
    fake.api.saveSettings.mockRejectedValue(new Error('settings directory is read-only'));
    render(<SettingsPanel onClose={() => {}} onTheme={() => {}} />);
    await screen.findByTestId('settings-path');
    await waitFor(() => expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('settings directory is read-only');
  });

  it('allows node shells for the current context only, with a warning, keeping the other contexts; off by default', async () => {
    fake.api.settings.mockResolvedValue({ theme: 'dark', extraPath: [], window: { width: 1, height: 2 }, nodeShell: { contexts: { prod: true } } });
    render(<SettingsPanel context="demo-admin" onClose={() => {}} onTheme={() => {}} />);
    const box = (await screen.findByTestId('settings-node-shell')) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    const panel = screen.getByTestId('settings');
    expect(panel.textContent).toContain('Allow node shells in context demo-admin');
    expect(panel.textContent).toContain('creates a privileged pod on a node');
    expect(screen.getByTestId('settings-node-shell-others').textContent).toBe('Also allowed in: prod');
    expect((screen.getByTestId('settings-node-shell-image') as HTMLInputElement).placeholder).toBe('busybox:1.36');
    expect((screen.getByTestId('settings-node-shell-namespace') as HTMLInputElement).placeholder).toBe('kube-system');

    fireEvent.click(box);
    fireEvent.change(screen.getByTestId('settings-node-shell-image'), { target: { value: ' registry.example.com/tools/shell:1.0 ' } });
    const before = settingsSaved.get();
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect(fake.api.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({
      nodeShell: { contexts: { prod: true, 'demo-admin': true }, image: 'registry.example.com/tools/shell:1.0', namespace: '' },
    }));
    expect(settingsSaved.get()).toBe(before + 1);

    fireEvent.click(box);
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(fake.api.saveSettings).toHaveBeenCalledTimes(2));
    expect(fake.api.saveSettings).toHaveBeenLastCalledWith(expect.objectContaining({
      nodeShell: { contexts: { prod: true }, image: 'registry.example.com/tools/shell:1.0', namespace: '' },
    }));
  });

  it('refuses a node shell image or namespace that cannot be one, without saving', async () => {
    expect(checkNodeShell('', '')).toEqual({ image: '', namespace: '' });
    expect(checkNodeShell('busybox 1.36', '')).toMatch(/^Node shell image: "busybox 1.36" is not an image reference/);
    expect(checkNodeShell('', 'Kube_System')).toMatch(/^Node shell namespace/);
    render(<SettingsPanel context="demo-admin" onClose={() => {}} onTheme={() => {}} />);
    const ns = await screen.findByTestId('settings-node-shell-namespace');
    await waitFor(() => expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.change(ns, { target: { value: 'not a namespace' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toContain('Node shell namespace');
    expect(fake.api.saveSettings).not.toHaveBeenCalled();
  });

  it('cannot allow node shells without a context', async () => {
    render(<SettingsPanel onClose={() => {}} onTheme={() => {}} />);
    await waitFor(() => expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(false));
    expect((screen.getByTestId('settings-node-shell') as HTMLInputElement).disabled).toBe(true);
  });
});
