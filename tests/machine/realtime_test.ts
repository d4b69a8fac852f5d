/**
 * The throttled runner keeps emulated time on the wall clock. This is the one test that
 * measures real time: it runs for 10 wall seconds, on a guest that idles in HLT so that
 * a busy host cannot make the emulator itself the bottleneck.
 */
import assert from "node:assert/strict";
import { idleMachine } from "../helpers/bios_call.ts";
import { MachineRunner } from "../../core/machine/runner.ts";

const WALL_SECONDS = 10;

Deno.test("the throttled runner keeps emulated time within 1% of the wall clock over 10 s", async () => {
  const m = idleMachine();
  let frames = 0;
  const runner = new MachineRunner(m, { onFrame: () => frames++ });
  const emuStart = m.emulatedSeconds();
  const wallStart = performance.now();
  const done = runner.run();
  await new Promise((resolve) => setTimeout(resolve, WALL_SECONDS * 1000));
  const wall = (performance.now() - wallStart) / 1000;
  const emulated = m.emulatedSeconds() - emuStart;
  const stats = runner.stats();
  runner.stop();
  await done;
  const error = Math.abs(emulated - wall) / wall;
  assert.ok(
    error < 0.01,
    `emulated ${emulated.toFixed(4)} s in ${wall.toFixed(4)} s of wall time (${(error * 100).toFixed(2)}%)`,
  );
  // Text mode retraces at 70 Hz: the front end hears about each slice that had one.
  assert.ok(Math.abs(frames / wall - 70) < 7, `${(frames / wall).toFixed(1)} frame callbacks per second`);
  assert.ok(Math.abs(stats.retracesPerSecond - 70) < 7, `${stats.retracesPerSecond} retraces per second`);
});
