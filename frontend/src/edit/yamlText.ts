// What the page knows of a YAML text without the backend: where it does
// not parse (for the editor's lint; the backend parses again and is the
// judge), and the values of a Secret's data it hides or reveals.
import { isMap, isScalar, parseAllDocuments, parseDocument } from 'yaml';

/** The placeholder of a hidden Secret value (the backend's dao.Redacted). */
export const HIDDEN = '<redacted>';

export interface YamlProblem {
  /** from and to are offsets in the text. */
  from: number;
  to: number;
  /** line and column count from 1. */
  line: number;
  column: number;
  message: string;
}

/** yamlProblems lists the syntax errors of a text of documents, with where each is. */
export function yamlProblems(text: string): YamlProblem[] {
  const out: YamlProblem[] = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: true })) {
    for (const e of doc.errors) {
      const [from, to] = e.pos;
      const at = e.linePos?.[0];
      out.push({
        from,
        to: Math.max(to, from + 1),
        line: at?.line ?? 0,
        column: at?.col ?? 0,
        message: (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''),
      });
    }
  }
  return out;
}

/** hiddenKeys lists the keys of a Secret's data whose value is still hidden in text. */
export function hiddenKeys(text: string): string[] {
  const doc = parseDocument(text);
  const data = doc.get('data', true);
  if (!isMap(data)) return [];
  const out: string[] = [];
  for (const item of data.items) {
    if (isScalar(item.key) && isScalar(item.value) && item.value.value === HIDDEN) out.push(String(item.key.value));
  }
  return out;
}

/**
 * revealIn puts a Secret value into text in place of its placeholder,
 * touching nothing else of the text; null when the key is no longer
 * hidden there. value is the API's base64 form of the value.
 */
export function revealIn(text: string, key: string, base64: string): string | null {
  const node = parseDocument(text).getIn(['data', key], true);
  if (!isScalar(node) || node.value !== HIDDEN || !node.range) return null;
  const [start, end] = node.range;
  return text.slice(0, start) + base64 + text.slice(end);
}

/** toBase64 encodes a revealed value as a Secret's data holds it. */
export function toBase64(value: string, isBase64: boolean): string {
  if (isBase64) return value;
  const bytes = new TextEncoder().encode(value);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
