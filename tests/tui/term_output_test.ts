import assert from "node:assert/strict";
import { isHangupError, type OutputSink, OutputWriter } from "../../tui/term/output.ts";

/** A sink that accepts at most `perWrite` bytes per call, each call completing when released. */
class SlowSink implements OutputSink {
  received: number[] = [];
  private pending: (() => void)[] = [];
  constructor(private readonly perWrite: number) {}
  write(bytes: Uint8Array): Promise<number> {
    const count = Math.min(this.perWrite, bytes.length);
    return new Promise((resolve) => {
      this.pending.push(() => {
        this.received.push(...bytes.subarray(0, count));
        resolve(count);
      });
    });
  }
  /** Completes one pending write. */
  async release(): Promise<void> {
    this.pending.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

Deno.test("output: write never blocks and counts bytes queued, drained and in flight", async () => {
  const sink = new SlowSink(3);
  let now = 0;
  const writer = new OutputWriter(sink, () => now, 1000);
  const buffer = new Uint8Array([1, 2, 3, 4, 5]);
  writer.write(buffer);
  buffer.fill(9); // the writer copied it
  writer.write(new Uint8Array([6]));
  assert.equal(writer.bytesQueued, 6);
  assert.equal(writer.inFlight, 6);
  now = 100;
  await sink.release();
  assert.equal(writer.bytesDrained, 3);
  assert.equal(writer.inFlight, 3);
  now = 200;
  await sink.release();
  await sink.release();
  await writer.whenDrained();
  assert.deepEqual(sink.received, [1, 2, 3, 4, 5, 6]);
  assert.equal(writer.inFlight, 0);
  assert.equal(writer.drainRate(), 6, "6 bytes in the last second");
  now = 1500;
  assert.equal(writer.drainRate(), 0, "old samples leave the window");
});

Deno.test("output: a hangup stops writing without throwing", async () => {
  const writer = new OutputWriter({ write: () => Promise.reject(new Deno.errors.BrokenPipe("gone")) });
  writer.write(new Uint8Array([1]));
  await writer.whenDrained();
  assert.equal(writer.closed, true);
  assert.ok(isHangupError(writer.error));
  writer.write(new Uint8Array([2]));
  assert.equal(writer.bytesQueued, 1, "writes after close are dropped");
});
