/**
 * The BIOS timer tick (0040:006C) runs at the PC's 18.2065 Hz over 10 s of
 * emulated time while a guest program is busy with interrupts: the demo's
 * keyboard/timer tester (its own INT 9 hook, HLT between IRQs, PIT reads).
 */
import assert from "node:assert/strict";
import { biosTicks, bootFloppy, DEMO_IMG, KEY, tap } from "../helpers/guest_driver.ts";
import type { Headless } from "../helpers/headless.ts";

/** 1193182 Hz / 65536: the PIT's channel 0 rate with the BIOS's full-range divisor. */
const TICK_HZ = 1_193_182 / 65_536;
const STEP_SECONDS = 0.0001;

/** Runs until the tick count changes; returns the emulated time of the change (±STEP_SECONDS). */
function nextTickEdge(h: Headless): number {
  const start = biosTicks(h);
  const deadline = h.machine.emulatedSeconds() + 0.2;
  while (biosTicks(h) === start) {
    assert.ok(h.machine.emulatedSeconds() < deadline, "no timer tick within 0.2 s");
    h.run(STEP_SECONDS);
  }
  return h.machine.emulatedSeconds();
}

Deno.test("BIOS ticks advance 18.2065 times per emulated second (±0.5%) under the demo's tester", () => {
  const h = bootFloppy(DEMO_IMG);
  assert.ok(h.waitFor("demo disk", 5), h.screen());
  tap(h, KEY.digit(3), 0.3);
  assert.ok(h.screen().includes("Keyboard and timer tester"), h.screen());
  const t0 = nextTickEdge(h);
  const ticks0 = biosTicks(h);
  h.run(10 - 0.03);
  const t1 = nextTickEdge(h);
  const ticks = biosTicks(h) - ticks0;
  const rate = ticks / (t1 - t0);
  assert.ok(Math.abs(rate / TICK_HZ - 1) < 0.005, `${ticks} ticks in ${(t1 - t0).toFixed(4)} s = ${rate} Hz`);
  assert.ok(h.screen().includes("Keyboard and timer tester"), "the tester is still running");
});
