/** A token bucket (rate per second, burst capacity), refilled lazily on use. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private rate: number, private burst: number, now = Date.now()) {
    this.tokens = burst;
    this.last = now;
  }

  setLimits(rate: number, burst: number): void {
    this.rate = rate;
    this.burst = burst;
    if (this.tokens > burst) this.tokens = burst;
  }

  /** Takes n tokens if available; returns whether it did. A zero or negative rate means unlimited. */
  allow(n: number, now = Date.now()): boolean {
    if (this.rate <= 0) return true;
    this.refill(now);
    if (n > this.tokens) return false;
    this.tokens -= n;
    return true;
  }

  private refill(now: number): void {
    const elapsed = (now - this.last) / 1000;
    this.last = now;
    if (elapsed > 0) this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
  }
}
