import assert from "node:assert/strict";
import { KEY_BUFFER_BYTES, KeyboardController8042, PAUSE_CODE } from "../../core/devices/keyboard/mod.ts";
import { FakeClock, IrqRecorder } from "./device_test_helpers.ts";

const CPU_HZ = 8_000_000;
/** 0.5 ms at 8 MHz. */
const BYTE_DELAY = 4000;

function setup(onReset?: () => void) {
  const clock = new FakeClock(CPU_HZ);
  const irqs = new IrqRecorder();
  const kbc = new KeyboardController8042(clock, irqs, { onReset });
  return { kbc, clock, irqs };
}

/** Reads every byte the controller produces, letting emulated time run between them. */
function drain(kbc: KeyboardController8042, clock: FakeClock): number[] {
  const bytes: number[] = [];
  for (;;) {
    if ((kbc.in8(0x64) & 1) !== 0) {
      bytes.push(kbc.in8(0x60));
      continue;
    }
    const next = kbc.nextEvent();
    if (next === Infinity) return bytes;
    clock.cycles = next;
    kbc.advance(next);
  }
}

/** Sends a controller command and returns its reply byte (controller replies need no delay). */
function controllerCommand(kbc: KeyboardController8042, command: number): number {
  kbc.out8(0x64, command);
  assert.equal(kbc.in8(0x64) & 1, 1, `reply to ${command.toString(16)}h is waiting`);
  return kbc.in8(0x60);
}

Deno.test("controller self-test answers 55h and the interface test 00h", () => {
  const { kbc } = setup();
  assert.equal(controllerCommand(kbc, 0xAA), 0x55);
  assert.equal(controllerCommand(kbc, 0xAB), 0x00);
  assert.equal(kbc.in8(0x64) & 1, 0, "output buffer empty after reading");
});

Deno.test("status shows the system flag and whether the last write was a command", () => {
  const { kbc } = setup();
  kbc.out8(0x64, 0xAE);
  assert.equal(kbc.in8(0x64) & 0x0C, 0x0C);
  kbc.out8(0x60, 0xF4);
  assert.equal(kbc.in8(0x64) & 0x08, 0x00);
});

Deno.test("command byte reads back what was written through 20h/60h", () => {
  const { kbc } = setup();
  assert.equal(controllerCommand(kbc, 0x20), 0x45, "IRQ1, system flag and translation after POST");
  kbc.out8(0x64, 0x60);
  kbc.out8(0x60, 0x64);
  assert.equal(controllerCommand(kbc, 0x20), 0x64);
  assert.equal(kbc.commandByte, 0x64);
});

Deno.test("a key press reaches the output buffer after the byte delay and raises IRQ1", () => {
  const { kbc, clock, irqs } = setup();
  clock.cycles = 1000;
  kbc.keyEvent(0x1E, true);
  assert.equal(kbc.in8(0x64) & 1, 0, "not before the delay");
  assert.equal(kbc.nextEvent(), 1000 + BYTE_DELAY);
  clock.cycles = 1000 + BYTE_DELAY - 1;
  kbc.advance(clock.cycles);
  assert.equal(kbc.in8(0x64) & 1, 0);
  clock.cycles = 1000 + BYTE_DELAY;
  kbc.advance(clock.cycles);
  assert.equal(kbc.in8(0x64) & 1, 1);
  assert.equal(irqs.level[1], true);
  assert.equal(kbc.in8(0x60), 0x1E);
  assert.equal(irqs.level[1], false, "IRQ1 follows the output buffer");
  assert.deepEqual(irqs.raises, [1]);
});

Deno.test("without command byte bit 0 a key sets OBF but raises no IRQ1", () => {
  const { kbc, clock, irqs } = setup();
  kbc.out8(0x64, 0x60);
  kbc.out8(0x60, 0x44);
  kbc.keyEvent(0x1E, true);
  assert.deepEqual(drain(kbc, clock), [0x1E]);
  assert.deepEqual(irqs.raises, []);
});

Deno.test("make and break codes, E0-prefixed extended keys, in order", () => {
  const { kbc, clock } = setup();
  kbc.keyEvent(0x2A, true); // left shift
  kbc.keyEvent(0xE048, true); // up
  kbc.keyEvent(0xE048, false);
  kbc.keyEvent(0x2A, false);
  kbc.keyEvent(0xE01D, true); // right ctrl
  assert.deepEqual(drain(kbc, clock), [0x2A, 0xE0, 0x48, 0xE0, 0xC8, 0xAA, 0xE0, 0x1D]);
});

Deno.test("Pause sends E1 1D 45 E1 9D C5 when pressed and nothing when released", () => {
  const { kbc, clock } = setup();
  kbc.keyEvent(PAUSE_CODE, true);
  kbc.keyEvent(PAUSE_CODE, false);
  assert.deepEqual(drain(kbc, clock), [0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5]);
});

Deno.test("each byte waits until the previous one was read, then the byte delay", () => {
  const { kbc, clock } = setup();
  kbc.keyEvent(0x10, true);
  kbc.keyEvent(0x11, true);
  clock.cycles = kbc.nextEvent();
  kbc.advance(clock.cycles);
  clock.cycles += 50_000; // the CPU takes its time to read
  kbc.advance(clock.cycles);
  assert.equal(kbc.in8(0x60), 0x10);
  assert.equal(kbc.in8(0x64) & 1, 0, "the second byte is not there at once");
  assert.equal(kbc.nextEvent(), clock.cycles + BYTE_DELAY);
  clock.cycles += BYTE_DELAY;
  kbc.advance(clock.cycles);
  assert.equal(kbc.in8(0x60), 0x11);
  assert.equal(kbc.nextEvent(), Infinity);
});

Deno.test("the keyboard buffer keeps 16 bytes; whole events that do not fit are dropped and counted", () => {
  const { kbc, clock } = setup();
  for (let i = 0; i < KEY_BUFFER_BYTES; i++) kbc.keyEvent(0x02 + (i % 10), (i & 1) === 0);
  kbc.keyEvent(0xE048, true);
  kbc.keyEvent(0x1E, true);
  assert.equal(kbc.overflows, 2);
  const bytes = drain(kbc, clock);
  assert.equal(bytes.length, KEY_BUFFER_BYTES);
  assert.deepEqual(bytes.slice(0, 4), [0x02, 0x83, 0x04, 0x85]);
});

Deno.test("keyboard commands: reset, echo, LEDs, identify, scancode set, enable and disable", () => {
  const { kbc, clock } = setup();
  kbc.out8(0x60, 0xFF);
  assert.deepEqual(drain(kbc, clock), [0xFA, 0xAA]);
  kbc.out8(0x60, 0xEE);
  assert.deepEqual(drain(kbc, clock), [0xEE]);
  kbc.out8(0x60, 0xED);
  kbc.out8(0x60, 0x04);
  assert.deepEqual(drain(kbc, clock), [0xFA, 0xFA]);
  assert.equal(kbc.keyboard.leds, 0x04);
  kbc.out8(0x60, 0xF3);
  kbc.out8(0x60, 0x20);
  assert.deepEqual(drain(kbc, clock), [0xFA, 0xFA]);
  assert.equal(kbc.keyboard.typematic, 0x20);
  kbc.out8(0x60, 0xF2);
  assert.deepEqual(drain(kbc, clock), [0xFA, 0xAB, 0x41], "MF2 ID, translated by the 8042");
  kbc.out8(0x60, 0xF0);
  kbc.out8(0x60, 0x00);
  assert.deepEqual(drain(kbc, clock), [0xFA, 0xFA, 0x41], "both bytes acknowledged, then set 2 (translated)");
  kbc.out8(0x60, 0xF5);
  kbc.keyEvent(0x1E, true);
  assert.deepEqual(drain(kbc, clock), [0xFA], "keys are ignored while scanning is disabled");
  kbc.out8(0x60, 0xF4);
  kbc.keyEvent(0x1E, true);
  assert.deepEqual(drain(kbc, clock), [0xFA, 0x1E]);
});

Deno.test("command replies go out before scancodes already buffered", () => {
  const { kbc, clock } = setup();
  kbc.keyEvent(0x1E, true);
  kbc.out8(0x60, 0xEE);
  assert.deepEqual(drain(kbc, clock), [0xEE, 0x1E]);
});

Deno.test("ADh holds keys in the keyboard until AEh re-enables the interface", () => {
  const { kbc, clock } = setup();
  kbc.out8(0x64, 0xAD);
  kbc.keyEvent(0x1E, true);
  assert.deepEqual(drain(kbc, clock), []);
  assert.equal(controllerCommand(kbc, 0x20) & 0x10, 0x10);
  kbc.out8(0x64, 0xAE);
  assert.deepEqual(drain(kbc, clock), [0x1E]);
});

Deno.test("output port: D1h sets the A20 gate, D0h reads it back, a clear bit 0 resets", () => {
  let resets = 0;
  const { kbc } = setup(() => resets++);
  assert.equal(kbc.a20Enabled, false);
  kbc.out8(0x64, 0xD1);
  kbc.out8(0x60, 0xDF);
  assert.equal(kbc.a20Enabled, true);
  assert.equal(controllerCommand(kbc, 0xD0), 0xDF);
  assert.equal(resets, 0);
  kbc.out8(0x64, 0xD1);
  kbc.out8(0x60, 0xDE);
  assert.equal(resets, 1);
});

Deno.test("FEh pulses the reset line", () => {
  let resets = 0;
  const { kbc } = setup(() => resets++);
  kbc.out8(0x64, 0xFE);
  assert.equal(resets, 1);
  kbc.out8(0x64, 0xFF); // pulses nothing
  assert.equal(resets, 1);
});

Deno.test("D2h places a byte in the output buffer as if from the keyboard, with IRQ1", () => {
  const { kbc, irqs } = setup();
  kbc.out8(0x64, 0xD2);
  kbc.out8(0x60, 0x9C);
  assert.equal(irqs.level[1], true);
  assert.equal(kbc.in8(0x60), 0x9C);
});

Deno.test("saved state resumes the output buffer, FIFO, pending transfer and command byte", () => {
  const { kbc, clock, irqs } = setup();
  kbc.out8(0x64, 0x60);
  kbc.out8(0x60, 0x47);
  kbc.keyEvent(0x1E, true);
  kbc.keyEvent(0xE048, true);
  clock.cycles = kbc.nextEvent();
  kbc.advance(clock.cycles);
  kbc.out8(0x60, 0xED); // awaiting the LED byte
  const saved = kbc.saveState();
  const savedAt = clock.cycles;
  const script = (k: KeyboardController8042, c: FakeClock): number[] => {
    k.out8(0x60, 0x07);
    k.keyEvent(0x1E, false);
    const out = drain(k, c);
    out.push(k.keyboard.leds, k.commandByte);
    return out;
  };
  const first = script(kbc, clock);
  assert.deepEqual(first, [0x1E, 0xFA, 0xFA, 0xE0, 0x48, 0x9E, 7, 0x47]);
  clock.cycles = savedAt;
  kbc.loadState(saved);
  assert.deepEqual(script(kbc, clock), first);
  const fresh = setup();
  fresh.clock.cycles = savedAt;
  fresh.kbc.loadState(saved);
  assert.deepEqual(script(fresh.kbc, fresh.clock), first);
  assert.ok(irqs.raises.length > 0);
  assert.throws(() => fresh.kbc.loadState({ keyboard: {} }), /KeyboardController8042/);
});
