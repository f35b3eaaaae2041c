/**
 * A timeout that can be paused: the connect timeout covers the network (TCP, handshake,
 * authentication round trips) but not the time a person takes to answer a host key question or
 * type a password.
 */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;
  private paused = 0;
  private done = false;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = ms;
    this.arm();
  }

  private arm(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(
      () => {
        this.done = true;
        this.onExpire();
      },
      Math.max(0, this.remaining),
    );
  }

  /** Nested pauses are counted; the clock runs again when the last one resumes. */
  pause(): void {
    if (this.done) return;
    if (this.paused++ === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.remaining -= Date.now() - this.startedAt;
    }
  }

  resume(): void {
    if (this.done || this.paused === 0) return;
    if (--this.paused === 0) this.arm();
  }

  /** Runs `f` with the clock stopped. */
  async whilePaused<T>(f: () => Promise<T>): Promise<T> {
    this.pause();
    try {
      return await f();
    } finally {
      this.resume();
    }
  }

  clear(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get finished(): boolean {
    return this.done;
  }
}
