import assert from "node:assert/strict";
import { Pit8254, PIT_HZ } from "../../core/devices/pit/mod.ts";
import { SystemControlPortB } from "../../core/devices/system_port/mod.ts";
import { FakeClock, IrqRecorder } from "./device_test_helpers.ts";

const CPU_HZ = 4_772_727;

function cycleOfTick(tick: number): number {
  return Number((BigInt(tick) * BigInt(CPU_HZ) + BigInt(PIT_HZ - 1)) / BigInt(PIT_HZ));
}

function setup() {
  const clock = new FakeClock(CPU_HZ);
  const pit = new Pit8254(clock, new IrqRecorder());
  return { clock, pit, port: new SystemControlPortB(clock, pit) };
}

Deno.test("bit 4 toggles every 18 PIT ticks (15.085 µs) of emulated time", () => {
  const { clock, port } = setup();
  assert.ok(Math.abs((18 / PIT_HZ) * 1e6 - 15.085) < 0.001);
  for (let k = 0; k < 200; k++) {
    const expected = (k & 1) === 0 ? 0 : 0x10;
    clock.cycles = cycleOfTick(18 * k);
    assert.equal(port.in8(0x61) & 0x10, expected, `start of refresh period ${k}`);
    clock.cycles = cycleOfTick(18 * k + 17);
    assert.equal(port.in8(0x61) & 0x10, expected, `end of refresh period ${k}`);
  }
});

Deno.test("bits 0-3 read back as written; bit 0 gates channel 2 and bit 5 shows its output", () => {
  const { clock, pit, port } = setup();
  pit.out8(0x43, 0xB6); // channel 2, LSB/MSB, mode 3
  pit.out8(0x42, 100);
  pit.out8(0x42, 0);
  port.out8(0x61, 0x0C);
  assert.equal(port.in8(0x61) & 0x0F, 0x0C);
  assert.equal(port.in8(0x61) & 0x20, 0x20, "gate low: OUT held high");
  port.out8(0x61, 0x01);
  const start = pit.ticksAt(clock.cycles) + 1;
  clock.cycles = cycleOfTick(start + 60);
  assert.equal(port.in8(0x61) & 0x20, 0x00, "second half of the square wave");
  clock.cycles = cycleOfTick(start + 100);
  assert.equal(port.in8(0x61) & 0x20, 0x20);
});

Deno.test("the speaker sounds channel 2's frequency only with gate and data both enabled", () => {
  const { pit, port } = setup();
  pit.out8(0x43, 0xB6);
  pit.out8(0x42, 0x34);
  pit.out8(0x42, 0x12); // 1234h: about 256 Hz
  port.out8(0x61, 0x02);
  assert.equal(port.speakerOn, false);
  port.out8(0x61, 0x03);
  assert.equal(port.speakerOn, true);
  assert.equal(port.speakerHz, PIT_HZ / 0x1234);
  port.out8(0x61, 0x01);
  assert.equal(port.speakerOn, false);
  assert.equal(port.speakerHz, 0);
});

Deno.test("saved port 61h state restores the control bits", () => {
  const { port } = setup();
  port.out8(0x61, 0x0B);
  const saved = port.saveState();
  port.out8(0x61, 0x00);
  port.loadState(saved);
  assert.equal(port.controlBits, 0x0B);
  assert.throws(() => port.loadState({ control: 99 }), /SystemControlPortB/);
});
