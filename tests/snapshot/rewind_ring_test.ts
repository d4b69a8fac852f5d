import assert from "node:assert/strict";
import { LiveSnapshotWriter } from "../../core/snapshot/live_writer.ts";
import { parseRewindSpec, RewindRing } from "../../core/snapshot/rewind_ring.ts";
import { FakeMachine } from "./fake_machine.ts";

Deno.test("rewind specs parse interval and count, and bad ones get a one-line error", () => {
  assert.deepEqual(parseRewindSpec("5s:60"), { intervalMs: 5000, keep: 60 });
  assert.deepEqual(parseRewindSpec("500ms:10"), { intervalMs: 500, keep: 10 });
  assert.deepEqual(parseRewindSpec("2m:3"), { intervalMs: 120_000, keep: 3 });
  assert.throws(() => parseRewindSpec("5s"), {
    message: '--rewind: "5s" is not INTERVAL:COUNT (e.g. 5s:60)',
  });
  assert.throws(() => parseRewindSpec("1ms:5"), /interval must be/);
});

Deno.test("the rewind ring keeps the last K points and steps back through them, newest first", async () => {
  const m = new FakeMachine(3);
  const writer = new LiveSnapshotWriter();
  const diskWrites = 0;
  const ring = new RewindRing(m.target, writer, { intervalMs: 1000, keep: 3, diskWrites: () => diskWrites });
  const states: ReturnType<FakeMachine["capture"]>[] = [];
  for (let second = 0; second < 5; second++) {
    m.scribble(5000);
    states.push(m.capture());
    ring.tick(second * 1000);
    ring.tick(second * 1000 + 10); // not due yet: ignored
    while (writer.busy) {
      writer.pump(1);
      m.scribble(50);
      await new Promise((r) => setTimeout(r, 0));
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.equal(ring.entries(5000).length, 3);
  assert.deepEqual(ring.entries(5000).map((e) => e.ageMs), [3000, 2000, 1000]);

  for (const want of [states[4], states[3], states[2]]) {
    ring.stepBack().finishNow();
    assert.deepEqual(m.capture(), want);
  }
  assert.throws(() => ring.stepBack(), { message: "rewind: no older rewind point" });
});

Deno.test("rewind refuses to step back past a disk write unless forced", async () => {
  const m = new FakeMachine(3);
  const writer = new LiveSnapshotWriter();
  let diskWrites = 0;
  const ring = new RewindRing(m.target, writer, { intervalMs: 1000, keep: 3, diskWrites: () => diskWrites });
  const before = m.capture();
  ring.tick(0);
  while (writer.busy) {
    writer.pump(1);
    await new Promise((r) => setTimeout(r, 0));
  }
  await new Promise((r) => setTimeout(r, 0));
  diskWrites++;
  m.scribble(100);
  assert.throws(() => ring.stepBack(), /the disk was written since that point/);
  ring.stepBack({ force: true }).finishNow();
  assert.deepEqual(m.capture(), before);
});
