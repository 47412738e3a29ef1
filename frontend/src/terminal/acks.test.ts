import { describe, expect, it } from 'vitest';
import { Acks } from './acks';

describe('Acks', () => {
  it('sends one acknowledgement at a time, the newest seq when the last call returns', async () => {
    const calls: number[] = [];
    const resolvers: (() => void)[] = [];
    const acks = new Acks((seq) => {
      calls.push(seq);
      return new Promise<void>((r) => resolvers.push(r));
    });
    acks.wrote(1);
    acks.wrote(2);
    acks.wrote(3);
    expect(calls).toEqual([1]);
    resolvers.shift()!();
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual([1, 3]);
    acks.wrote(2); // older than what was sent: nothing
    resolvers.shift()!();
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual([1, 3]);
  });

  it('stops after a failed call until more is written', async () => {
    const calls: number[] = [];
    const acks = new Acks((seq) => {
      calls.push(seq);
      return Promise.reject(new Error('no such terminal'));
    });
    acks.wrote(4);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual([4]);
    acks.wrote(5);
    expect(calls).toEqual([4, 5]);
  });
});
