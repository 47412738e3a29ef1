import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { diagnosticCount, forceLinting, forEachDiagnostic } from '@codemirror/lint';
import { fake } from '../test/fakeBackend';
import { EditYaml } from './EditYaml';
import { HIDDEN, hiddenKeys, revealIn, toBase64, yamlProblems } from './yamlText';
import { yamlLint } from './YamlEditor';
import ConflictView from './ConflictView';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

// The editor as a textarea: these tests are about what the edit mode does
// with the text, not CodeMirror's typing.
vi.mock('./YamlEditor', async (importOriginal) => {
  const real = await importOriginal<typeof import('./YamlEditor')>();
  return {
    ...real,
    default: ({ text, onChange }: { text: string; onChange?: (t: string) => void }) => (
      <textarea data-testid="fake-editor" value={text} readOnly={!onChange} onChange={(e) => onChange?.(e.target.value)} />
    ),
  };
});

const target = { kind: 'configmaps', namespace: 'shop', name: 'settings' };

function editor(): HTMLTextAreaElement {
  return screen.getByTestId('fake-editor') as HTMLTextAreaElement;
}

describe('yamlText', () => {
  it('finds syntax errors with their line and column', () => {
    const p = yamlProblems('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n');
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]!.line).toBe(5);
    expect(p[0]!.column).toBe(1);
    expect(yamlProblems('a: 1\n---\nb: 2\n')).toEqual([]);
    const bad = yamlProblems('a: 1\n---\nb: c: d\n');
    expect(bad[0]!.line).toBe(3);
    expect(bad[0]!.column).toBe(4);
  });

  it('reveals one hidden Secret value in place, touching nothing else', () => {
    const text = `apiVersion: v1\nkind: Secret\ndata:\n  password: ${HIDDEN}\n  user: ${HIDDEN}\n# a comment\n`;
    expect(hiddenKeys(text)).toEqual(['password', 'user']);
    const next = revealIn(text, 'user', toBase64('admin', false))!;
    expect(next).toBe(`apiVersion: v1\nkind: Secret\ndata:\n  password: ${HIDDEN}\n  user: YWRtaW4=\n# a comment\n`);
    expect(hiddenKeys(next)).toEqual(['password']);
    expect(revealIn(next, 'user', 'eA==')).toBeNull();
    expect(toBase64('//4A', true)).toBe('//4A');
    expect(toBase64('é', false)).toBe('w6k=');
  });
});

describe('the editor lint', () => {
  it('marks a syntax error with its line and column', async () => {
    const host = document.createElement('div');
    document.body.appendChild(host);
    const view = new EditorView({ parent: host, state: EditorState.create({ doc: 'a: 1\nb: c: d\n', extensions: [yamlLint] }) });
    forceLinting(view);
    await waitFor(() => expect(diagnosticCount(view.state)).toBeGreaterThan(0));
    const messages: string[] = [];
    forEachDiagnostic(view.state, (d) => messages.push(d.message));
    expect(messages[0]).toMatch(/^Line 2, column 4: Nested mappings/);
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'a: 1\nb: d\n' } });
    forceLinting(view);
    await waitFor(() => expect(diagnosticCount(view.state)).toBe(0));
    view.destroy();
    host.remove();
  });
});

describe('EditYaml', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('enables Apply only for the text whose preview succeeded', async () => {
    const onDone = vi.fn();
    render(<EditYaml generation={1} target={target} context="demo" what="ConfigMap" onDone={onDone} />);
    await waitFor(() => expect(editor().value).toContain('mode: slow'));
    expect(fake.api.beginEdit).toHaveBeenCalledWith('configmaps', 'shop', 'settings');
    const apply = screen.getByTestId('edit-apply') as HTMLButtonElement;
    expect(apply.disabled).toBe(true);

    const edited = editor().value.replace('mode: slow', 'mode: fast');
    fireEvent.change(editor(), { target: { value: edited } });
    expect(apply.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('edit-preview'));
    await waitFor(() => expect(apply.disabled).toBe(false));
    expect(fake.api.previewEdit).toHaveBeenCalledWith(1, 'edit-1', edited);
    expect(screen.getByTestId('edit-diff').textContent).toContain('+  mode: fast');

    // Any edit disables it until previewed again.
    fireEvent.change(editor(), { target: { value: edited + '# more\n' } });
    expect(apply.disabled).toBe(true);
    fireEvent.change(editor(), { target: { value: edited } });
    expect(apply.disabled).toBe(false);

    fireEvent.click(apply);
    expect(screen.getByTestId('confirm-context').textContent).toBe('demo');
    expect(screen.getByTestId('confirm-names').textContent).toBe('settings');
    fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('8'));
    expect(fake.api.applyEdit).toHaveBeenCalledWith('edit-1', 'token-1');
  });

  it('shows a YAML error with its line and column and keeps the text', async () => {
    fake.api.previewEdit.mockResolvedValueOnce({ diff: '', yamlError: { document: 0, line: 4, column: 7, message: 'did not find expected key' } });
    render(<EditYaml generation={1} target={target} context="demo" what="ConfigMap" onDone={() => {}} />);
    await waitFor(() => expect(editor().value).toContain('mode: slow'));
    fireEvent.change(editor(), { target: { value: 'broken: [\n' } });
    fireEvent.click(screen.getByTestId('edit-preview'));
    expect((await screen.findByTestId('edit-yaml-error')).textContent).toBe('Line 4, column 7: did not find expected key');
    expect(editor().value).toBe('broken: [\n');
    expect((screen.getByTestId('edit-apply') as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps Apply disabled with the reason in a read-only context', async () => {
    render(<EditYaml generation={1} target={target} context="prod" what="ConfigMap" disabled='context "prod" is marked read-only (Settings)' onDone={() => {}} />);
    await waitFor(() => expect(editor().value).toContain('mode: slow'));
    fireEvent.click(screen.getByTestId('edit-preview'));
    await screen.findByTestId('edit-diff');
    const apply = screen.getByTestId('edit-apply') as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    expect(apply.title).toContain('read-only');
    expect(screen.getByTestId('edit-disabled').textContent).toContain('read-only');
  });

  it('on a conflict shows both values and the live object beside the edit', async () => {
    fake.api.applyEdit.mockResolvedValueOnce({
      state: 'rebased',
      rebase: { resourceVersion: '9', conflicts: [{ path: '.data.mode', live: '"live"', yours: '"fast"' }] },
    });
    fake.api.editText.mockResolvedValueOnce('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow\n');
    fake.api.editText.mockResolvedValueOnce('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n');
    render(<EditYaml generation={1} target={target} context="demo" what="ConfigMap" onDone={() => {}} />);
    await waitFor(() => expect(editor().value).toContain('mode: slow'));
    fireEvent.change(editor(), { target: { value: editor().value.replace('slow', 'fast') } });
    fireEvent.click(screen.getByTestId('edit-preview'));
    await waitFor(() => expect((screen.getByTestId('edit-apply') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('edit-apply'));
    await act(async () => fireEvent.click(screen.getByTestId('confirm-ok')));
    const conflict = await screen.findByTestId('edit-conflict');
    expect(screen.getByTestId('edit-conflict-live').textContent).toBe('"live"');
    expect(screen.getByTestId('edit-conflict-yours').textContent).toBe('"fast"');
    expect(conflict.textContent).toContain('.data.mode');
    const merge = await screen.findByTestId('edit-merge', {}, { timeout: 5000 });
    await waitFor(() => expect(merge.textContent).toContain('mode: live'));
    expect(merge.textContent).toContain('mode: fast');
    expect(screen.getByTestId('edit-version').textContent).toContain('resourceVersion 9');
    expect((screen.getByTestId('edit-apply') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('ConflictView', () => {
  afterEach(cleanup);

  it('shows the live side and yours, and hands on your changes', async () => {
    const onChange = vi.fn();
    render(<ConflictView live={'data:\n  mode: live\n'} yours={'data:\n  mode: yours\n'} onChange={onChange} />);
    const view = screen.getByTestId('edit-merge');
    expect(view.textContent).toContain('mode: live');
    expect(view.textContent).toContain('mode: yours');
    const editors = view.querySelectorAll('.cm-editor');
    expect(editors).toHaveLength(2);
    const yours = EditorView.findFromDOM(editors[1] as HTMLElement)!;
    yours.dispatch({ changes: { from: 0, insert: '# resolved\n' } });
    expect(onChange).toHaveBeenLastCalledWith('# resolved\ndata:\n  mode: yours\n');
  });
});
