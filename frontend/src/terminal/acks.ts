/**
 * Acks tells the backend which of a terminal's outputs the page has
 * written (xterm.js has parsed them): the backend sends only a few outputs
 * ahead of that, so a page that falls behind slows the command instead of
 * losing output. One call at a time, always the newest seq; a failed call
 * is not retried (the terminal has ended or its session has gone).
 */
export class Acks {
  private written = 0;
  private sent = 0;
  private busy = false;

  constructor(private readonly send: (seq: number) => Promise<void>) {}

  /** wrote records that outputs up to seq are on the terminal. */
  wrote(seq: number) {
    if (seq > this.written) this.written = seq;
    this.pump();
  }

  private pump() {
    if (this.busy || this.written <= this.sent) return;
    const seq = this.written;
    this.busy = true;
    this.send(seq).then(
      () => {
        this.sent = seq;
        this.busy = false;
        this.pump();
      },
      () => {
        this.sent = seq;
        this.busy = false;
      },
    );
  }
}
