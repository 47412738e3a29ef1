import { describe, expect, it } from 'vitest';
import { InputQueue, MAX_CALL_UNITS, MAX_PENDING_UNITS } from './inputQueue';

/** A send whose calls the test answers one by one. */
function calls() {
  const sent: string[] = [];
  const answers: { ok: () => void; fail: (e: unknown) => void }[] = [];
  const send = (d: string) =>
    new Promise<void>((ok, fail) => {
      sent.push(d);
      answers.push({ ok, fail });
    });
  return { sent, answers, send };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('InputQueue', () => {
  it('sends one call at a time and batches what waits, in order', async () => {
    const c = calls();
    const q = new InputQueue(c.send, () => undefined);
    q.push('e');
    q.push('c');
    q.push('ho');
    expect(c.sent).toEqual(['e']);
    c.answers[0]!.ok();
    await settle();
    expect(c.sent).toEqual(['e', 'cho']);
    c.answers[1]!.ok();
    await settle();
    expect(c.sent).toHaveLength(2);
  });

  it('cuts large input into calls without splitting a surrogate pair', async () => {
    const c = calls();
    const q = new InputQueue(c.send, () => undefined, 4);
    q.push('abc😀def');
    for (let i = 0; i < 5 && i < c.answers.length; i++) {
      c.answers[i]!.ok();
      await settle();
    }
    expect(c.sent.join('')).toBe('abc😀def');
    for (const s of c.sent) expect(s.length).toBeLessThanOrEqual(4);
    expect(c.sent[0]).toBe('abc');
  });

  it('drops what waits after a failed call and reports it', async () => {
    const c = calls();
    const errors: unknown[] = [];
    const q = new InputQueue(c.send, (e) => errors.push(e));
    q.push('a');
    q.push('b');
    c.answers[0]!.fail('the terminal has ended');
    await settle();
    expect(errors).toEqual(['the terminal has ended']);
    expect(c.sent).toEqual(['a']);
  });

  it('refuses input beyond its bound', () => {
    const c = calls();
    const q = new InputQueue(c.send, () => undefined);
    expect(q.push('x'.repeat(MAX_PENDING_UNITS))).toBe(true); // the first call takes MAX_CALL_UNITS of it
    expect(q.push('y'.repeat(MAX_CALL_UNITS + 1))).toBe(false);
    expect(q.push('y'.repeat(MAX_CALL_UNITS))).toBe(true);
  });
});
