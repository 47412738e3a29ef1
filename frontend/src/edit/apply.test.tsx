import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from '../test/fakeBackend';
import { ApplyYaml } from './ApplyYaml';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

vi.mock('./YamlEditor', async (importOriginal) => {
  const real = await importOriginal<typeof import('./YamlEditor')>();
  return {
    ...real,
    default: ({ text, onChange }: { text: string; onChange?: (t: string) => void }) => (
      <textarea data-testid="fake-editor" value={text} onChange={(e) => onChange?.(e.target.value)} />
    ),
  };
});

const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n';

describe('ApplyYaml', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('previews, applies without force, lists field conflicts with their managers, and forces only after its own confirmation', async () => {
    fake.api.previewApply.mockResolvedValue({
      token: 'tok',
      documents: [{ index: 0, line: 1, apiVersion: 'v1', kind: 'ConfigMap', kindId: 'configmaps', namespace: 'shop', name: 'settings', exists: true, diff: '' ,
        conflicts: [{ field: '.data.mode', manager: 'other-tool', message: 'conflict with "other-tool"' }] }],
    });
    const conflict = { index: 0, kind: 'ConfigMap', namespace: 'shop', name: 'settings', state: 'conflict', conflicts: [{ field: '.data.mode', manager: 'other-tool', message: '' }] };
    fake.api.applyYAML.mockResolvedValueOnce([conflict]).mockResolvedValueOnce([{ ...conflict, state: 'configured', conflicts: [] }]);
    render(<ApplyYaml generation={3} context="demo" namespace="shop" onClose={() => {}} />);
    const editor = (await screen.findByTestId('fake-editor')) as HTMLTextAreaElement;
    fireEvent.change(editor, { target: { value: text } });
    const apply = screen.getByTestId('apply-apply') as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('apply-preview'));
    await waitFor(() => expect(apply.disabled).toBe(false));
    expect(fake.api.previewApply).toHaveBeenCalledWith(3, 'shop', text);
    expect(fake.api.can).toHaveBeenCalledWith('patch', 'configmaps', 'shop');
    expect(screen.getByTestId('apply-conflicts').textContent).toBe('.data.mode is owned by other-tool');

    fireEvent.change(editor, { target: { value: text + '# changed\n' } });
    expect(apply.disabled).toBe(true);
    fireEvent.change(editor, { target: { value: text } });

    fireEvent.click(apply);
    fireEvent.click(screen.getByTestId('confirm-ok'));
    await screen.findByTestId('apply-force');
    expect(fake.api.applyYAML).toHaveBeenCalledWith('tok', false, []);
    expect(screen.getByTestId('apply-doc').getAttribute('data-state')).toBe('conflict');

    fireEvent.click(screen.getByTestId('apply-force'));
    expect(screen.getByTestId('apply-force-fields').textContent).toContain('.data.mode — owned by other-tool');
    expect(screen.getByTestId('confirm-names').textContent).toBe('ConfigMap shop/settings');
    fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('apply-doc').getAttribute('data-state')).toBe('configured'));
    expect(fake.api.applyYAML).toHaveBeenLastCalledWith('tok', true, [0]);
  });

  it('shows a YAML error with its line and column', async () => {
    fake.api.previewApply.mockResolvedValue({ documents: [], yamlError: { document: 1, line: 8, column: 1, message: 'did not find expected key' } });
    render(<ApplyYaml generation={3} context="demo" namespace="" onClose={() => {}} />);
    fireEvent.change(await screen.findByTestId('fake-editor'), { target: { value: 'a: [' } });
    fireEvent.click(screen.getByTestId('apply-preview'));
    expect((await screen.findByTestId('apply-yaml-error')).textContent).toBe('Line 8, column 1: did not find expected key');
    expect((screen.getByTestId('apply-apply') as HTMLButtonElement).disabled).toBe(true);
  });
});
