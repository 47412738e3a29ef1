// The YAML viewer and editor. This module (and CodeMirror with it) is
// loaded on demand, so it stays out of the first screen's bundle.
import { useEffect, useRef } from 'react';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers, highlightActiveLine, keymap, drawSelection } from '@codemirror/view';
import { yaml } from '@codemirror/lang-yaml';
import { foldGutter, foldKeymap, HighlightStyle, syntaxHighlighting, codeFolding } from '@codemirror/language';
import { search, searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { tags as t } from '@lezer/highlight';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { history, historyKeymap, defaultKeymap, indentWithTab } from '@codemirror/commands';
import { yamlProblems } from './yamlText';

// Colours come from CSS variables, so the editor follows the light/dark theme.
const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--syn-key)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--syn-string)' },
  { tag: [t.number, t.bool, t.null, t.keyword, t.atom], color: 'var(--syn-literal)' },
  { tag: [t.comment, t.meta], color: 'var(--syn-comment)', fontStyle: 'italic' },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: 'var(--syn-punct)' },
]);

/** yamlLint marks the text's syntax errors, with their line and column. */
export const yamlLint = linter(
  (view): Diagnostic[] =>
    yamlProblems(view.state.doc.toString()).map((p) => ({
      from: Math.min(p.from, view.state.doc.length),
      to: Math.min(p.to, view.state.doc.length),
      severity: 'error',
      message: `Line ${p.line}, column ${p.column}: ${p.message}`,
    })),
  { delay: 250 },
);

export const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '12px', backgroundColor: 'var(--bg-code)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  '.cm-gutters': { backgroundColor: 'var(--bg-code)', color: 'var(--fg-faint)', border: 'none' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground': { backgroundColor: 'var(--bg-selected) !important' },
  '.cm-panels': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)' },
  '.cm-searchMatch': { backgroundColor: 'var(--search-match)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--bg-hover)', border: 'none', color: 'var(--fg-muted)' },
});

/** The look and the YAML language every editor of the app shares. */
export const yamlLook = [yaml(), syntaxHighlighting(highlight), theme];

interface Props {
  text: string;
  /** onChange makes the editor editable (with lint); it gets every new text. */
  onChange?: (text: string) => void;
}

export default function YamlEditor({ text, onChange }: Props) {
  const changed = useRef(onChange);
  changed.current = onChange;
  const editable = onChange !== undefined;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          ...(editable
            ? [history(), keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]), yamlLint, lintGutter(),
                EditorView.updateListener.of((u) => {
                  if (u.docChanged) changed.current?.(u.state.doc.toString());
                })]
            : [EditorState.readOnly.of(true), EditorView.editable.of(false)]),
          lineNumbers(),
          codeFolding(),
          foldGutter(),
          drawSelection(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          search({ top: true }),
          keymap.of([...searchKeymap, ...foldKeymap]),
          yaml(),
          syntaxHighlighting(highlight),
          theme,
          EditorView.contentAttributes.of({ 'aria-label': editable ? 'YAML (editing)' : 'YAML (read-only)', tabindex: '0' }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is built once; later texts are swapped in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== text) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
  }, [text]);
  return <div className="yaml-editor" ref={host} data-editable={editable || undefined} />;
}
