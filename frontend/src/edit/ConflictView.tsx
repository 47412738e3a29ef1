// The side-by-side view of a conflicting edit: the live object on the
// left (read-only), the user's text on the right, to resolve. Loaded on
// demand with CodeMirror's merge view.
import { useEffect, useRef } from 'react';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { history, historyKeymap, defaultKeymap, indentWithTab } from '@codemirror/commands';
import { lintGutter } from '@codemirror/lint';
import { MergeView } from '@codemirror/merge';
import { yamlLint, yamlLook } from './YamlEditor';

interface Props {
  live: string;
  yours: string;
  onChange: (text: string) => void;
}

export default function ConflictView({ live, yours, onChange }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<MergeView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    if (!host.current) return;
    const mv = new MergeView({
      parent: host.current,
      a: {
        doc: live,
        extensions: [lineNumbers(), ...yamlLook, EditorState.readOnly.of(true), EditorView.editable.of(false),
          EditorView.contentAttributes.of({ 'aria-label': 'Live object (read-only)' })],
      },
      b: {
        doc: yours,
        extensions: [lineNumbers(), ...yamlLook, history(), keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]), yamlLint, lintGutter(),
          EditorView.contentAttributes.of({ 'aria-label': 'Your edit' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          })],
      },
      // A chunk's arrow takes the live side's text into yours.
      revertControls: 'a-to-b',
      highlightChanges: true,
      gutter: true,
    });
    view.current = mv;
    return () => {
      mv.destroy();
      view.current = null;
    };
  }, [live]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const b = view.current?.b;
    if (b && b.state.doc.toString() !== yours) b.dispatch({ changes: { from: 0, to: b.state.doc.length, insert: yours } });
  }, [yours]);
  return (
    <div className="conflict-view" data-testid="edit-merge">
      <div className="conflict-heads">
        <span>Live now (read-only)</span>
        <span>Yours (edit here)</span>
      </div>
      <div className="conflict-editors" ref={host} />
    </div>
  );
}
