import assert from "node:assert/strict";
import { idleMachine } from "../helpers/bios_call.ts";
import { MachineRunner } from "../../core/machine/runner.ts";

/** A fake wall clock the test moves by hand, so the scheduling is checked without waiting. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

Deno.test("a paused runner holds emulated time still and resumes from where it was", async () => {
  const m = idleMachine();
  const clock = fakeClock();
  const runner = new MachineRunner(m, { now: clock.now });
  const done = runner.run();
  clock.advance(50);
  await new Promise((r) => setTimeout(r, 20));
  runner.pause();
  await new Promise((r) => setTimeout(r, 5));
  const held = m.emulatedSeconds();
  clock.advance(500);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(m.emulatedSeconds(), held, "no emulated time passes while paused");
  assert.ok(runner.isPaused);
  runner.resume();
  await new Promise((r) => setTimeout(r, 5));
  clock.advance(10);
  await new Promise((r) => setTimeout(r, 20));
  runner.stop();
  await done;
  const after = m.emulatedSeconds() - held;
  assert.ok(
    after > 0 && after < 0.05,
    `after resuming it caught up only the 10 ms since, not the pause (${after})`,
  );
});

Deno.test("after a host stall the runner drops the backlog instead of racing through it", async () => {
  const m = idleMachine();
  const clock = fakeClock();
  const runner = new MachineRunner(m, { now: clock.now, maxLagSeconds: 0.25 });
  const start = m.emulatedSeconds();
  const done = runner.run();
  clock.advance(5000); // the host froze for five seconds
  await new Promise((r) => setTimeout(r, 30));
  runner.stop();
  await done;
  assert.ok(m.emulatedSeconds() - start < 0.1, "did not run the five lost seconds");
  assert.ok(runner.stats().droppedSeconds >= 4.9);
});

Deno.test("turbo runs without waiting for the wall clock and stop() ends run()", async () => {
  const m = idleMachine();
  const clock = fakeClock();
  const runner = new MachineRunner(m, { now: clock.now, turbo: true, burstMillis: 20 });
  let slices = 0;
  const orig = m.runCycles.bind(m);
  m.runCycles = (n: number) => {
    orig(n);
    if (++slices % 50 === 0) clock.advance(25); // the burst ends on the fake clock
  };
  const start = m.emulatedSeconds();
  const done = runner.run();
  await new Promise((r) => setTimeout(r, 30));
  runner.stop();
  await done;
  assert.ok(m.emulatedSeconds() - start > 0.05, "ran ahead although the fake wall clock barely moved");
});
