/** DiffText shows a unified diff as text, its added and removed lines marked. */
export function DiffText({ diff, stale }: { diff: string; stale?: boolean }) {
  if (diff === '') {
    return (
      <p className="muted pad" data-testid="edit-diff-empty">
        The server would store the object as it is: nothing changes.
      </p>
    );
  }
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    <pre className={'diff' + (stale ? ' stale' : '')} data-testid="edit-diff" aria-label="Preview: live → what the server would store">
      {lines.map((l, i) => (
        <div key={i} className={lineClass(l)}>
          {l || ' '}
        </div>
      ))}
    </pre>
  );
}

function lineClass(l: string): string | undefined {
  if (l.startsWith('@@') || l.startsWith('--- ') || l.startsWith('+++ ')) return 'diff-hunk';
  if (l.startsWith('+')) return 'diff-add';
  if (l.startsWith('-')) return 'diff-del';
  return undefined;
}
