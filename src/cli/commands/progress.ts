import type { Sink } from './io.js';

const CLEAR = '\r\x1b[K';

/**
 * A one-line progress indicator on stderr for paged queries, only on a terminal. It is cleared
 * before each page is printed so that it never mixes with the output on the same screen.
 */
export class Progress {
  private visible = false;
  private lastDraw = 0;

  constructor(
    private readonly sink: Sink,
    private readonly enabled: boolean,
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  clear(): void {
    if (this.visible) this.sink.write(CLEAR);
    this.visible = false;
  }

  update(printed: number, pages: number, force = false): void {
    if (!this.enabled) return;
    const t = this.now();
    if (!force && this.visible && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const pct = Math.min(100, Math.floor((printed / this.limit) * 100));
    this.sink.write(`${CLEAR}${printed}/${this.limit} entries (${pct}%), ${pages} request${pages === 1 ? '' : 's'}`);
    this.visible = true;
  }
}
