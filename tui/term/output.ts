/**
 * Non-blocking terminal output with backpressure accounting.
 *
 * `write()` queues and returns at once (the emulation loop never waits for the terminal); a drain loop
 * writes the queue to the sink. Counters and a recent drain rate let the frame pacer measure the link
 * (over SSH the terminal may take bytes far slower than we can make them).
 *
 * @example
 * ```ts
 * const out = new OutputWriter(Deno.stdout);
 * out.write(frameBytes);
 * if (out.inFlight > 256 * 1024) skipNextFrame();
 * ```
 * @module
 */

/** Where bytes go: `Deno.stdout` fits. May write fewer bytes than asked. */
export interface OutputSink {
  write(bytes: Uint8Array): Promise<number>;
}

/** True for the errors a vanished terminal gives (SSH drop, closed pipe). */
export function isHangupError(error: unknown): boolean {
  if (error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset) return true;
  if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EIO" || code === "EPIPE" || code === "ENXIO" ||
    (error instanceof Error && /EIO|EPIPE|Input\/output error|os error 5\b/.test(error.message));
}

const SAMPLES = 256;

/** A queue to the terminal that never blocks its caller. */
export class OutputWriter {
  /** Bytes handed to {@link write} so far. */
  bytesQueued = 0;
  /** Bytes the sink has accepted so far. */
  bytesDrained = 0;
  /** Set when writing failed or {@link close} was called; further writes are dropped. */
  closed = false;
  /** The error that stopped writing, if any. */
  error: unknown = undefined;
  private readonly queue: Uint8Array[] = [];
  private draining = false;
  private readonly sampleTime = new Float64Array(SAMPLES);
  private readonly sampleBytes = new Float64Array(SAMPLES);
  private sampleNext = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sink: OutputSink,
    private readonly now: () => number = () => performance.now(),
    /** Window of {@link drainRate}. */
    readonly windowMs = 1000,
  ) {}

  /** Bytes queued but not yet accepted by the terminal. */
  get inFlight(): number {
    return this.bytesQueued - this.bytesDrained;
  }

  /** Queues bytes (copied, so the caller may reuse its buffer). Never blocks. */
  write(bytes: Uint8Array): void {
    if (this.closed || bytes.length === 0) return;
    this.queue.push(bytes.slice());
    this.bytesQueued += bytes.length;
    if (!this.draining) void this.drain();
  }

  /** Bytes per second drained over the last {@link windowMs}. */
  drainRate(): number {
    const since = this.now() - this.windowMs;
    let total = 0;
    for (let i = 0; i < SAMPLES; i++) {
      if (this.sampleBytes[i] > 0 && this.sampleTime[i] >= since) total += this.sampleBytes[i];
    }
    return total * 1000 / this.windowMs;
  }

  /** Resolves when everything queued has been written (or writing stopped). */
  whenDrained(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops writing and drops the queue (restore writes synchronously past it). */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        let chunk = this.queue[0];
        while (chunk.length > 0 && !this.closed) {
          const written = await this.sink.write(chunk);
          this.record(written);
          chunk = chunk.subarray(written);
        }
        this.queue.shift();
      }
    } catch (error) {
      this.error = error;
      this.close();
    } finally {
      this.draining = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private record(bytes: number): void {
    this.bytesDrained += bytes;
    this.sampleTime[this.sampleNext] = this.now();
    this.sampleBytes[this.sampleNext] = bytes;
    this.sampleNext = (this.sampleNext + 1) % SAMPLES;
  }
}
