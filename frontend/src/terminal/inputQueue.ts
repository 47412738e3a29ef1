import { MAX_TERMINAL_INPUT } from '../api';

/**
 * The most UTF-16 code units one call carries: a code unit is at most three
 * bytes of UTF-8, and the backend counts bytes.
 */
export const MAX_CALL_UNITS = Math.floor(MAX_TERMINAL_INPUT / 3);
/** The most input that may wait for the calls before it (a huge paste). */
export const MAX_PENDING_UNITS = 1 << 20;

/**
 * InputQueue sends a terminal's input one call at a time, so keystrokes
 * reach the shell in the order typed (bound calls may otherwise overtake
 * each other): what is typed while a call is on its way goes out together
 * in the next, at most MAX_CALL_UNITS a call, never splitting a surrogate
 * pair. A failed call drops what waits and reports the error once.
 */
export class InputQueue {
  private pending = '';
  private busy = false;

  constructor(
    private readonly send: (data: string) => Promise<void>,
    private readonly onError: (e: unknown) => void,
    private readonly maxCall = MAX_CALL_UNITS,
  ) {}

  /** push queues data; false when too much waits already (nothing is queued). */
  push(data: string): boolean {
    if (this.pending.length + data.length > MAX_PENDING_UNITS) return false;
    this.pending += data;
    this.pump();
    return true;
  }

  private pump() {
    if (this.busy || this.pending === '') return;
    let n = Math.min(this.pending.length, this.maxCall);
    const last = this.pending.charCodeAt(n - 1);
    if (n < this.pending.length && last >= 0xd800 && last <= 0xdbff) n--;
    const chunk = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    this.busy = true;
    this.send(chunk).then(
      () => {
        this.busy = false;
        this.pump();
      },
      (e: unknown) => {
        this.busy = false;
        this.pending = '';
        this.onError(e);
      },
    );
  }
}
