import assert from "node:assert/strict";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { parseMhz } from "../../cli/run.ts";
import { buildMachine } from "../../tui/app/build_machine.ts";

Deno.test("--mhz accepts clocks from 1 to 1000 MHz, fractions included", () => {
  assert.equal(parseMhz("4.77"), 4.77);
  assert.equal(parseMhz("25"), 25);
  for (const bad of ["0.5", "0", "-8", "abc", "2000", ""]) {
    assert.throws(() => parseMhz(bad), InvalidArgumentError, `"${bad}" should be refused`);
  }
});

Deno.test("the timer stays at 18.2 Hz of emulated time whatever the CPU clock", () => {
  const ticksIn = (hz: number) => {
    const machine = buildMachine({ floppies: [], hardDisks: [] }, { cpu: "80186", cpuHz: hz });
    assert.equal(machine.clock.hz, hz);
    const tickAt = () => machine.memory.read16(0x46C) | (machine.memory.read16(0x46E) << 16);
    machine.runCycles(hz); // settle POST (no bootable disk: the BIOS waits with interrupts on)
    const before = tickAt();
    machine.runCycles(hz * 5);
    return tickAt() - before;
  };
  for (const hz of [8_000_000, 25_000_000]) {
    const ticks = ticksIn(hz);
    // 5 emulated seconds at 1193182/65536 Hz = 91.03 ticks, whatever the CPU clock.
    assert.ok(Math.abs(ticks - 91) <= 1, `${ticks} ticks in 5 s at ${hz / 1e6} MHz`);
  }
});
