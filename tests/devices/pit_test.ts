import assert from "node:assert/strict";
import { Pit8254, PIT_HZ } from "../../core/devices/pit/mod.ts";
import { FakeClock, IrqRecorder, runEvents } from "./device_test_helpers.ts";

const CPU_HZ = 8_000_000;

/** First CPU cycle at which `tick` PIT ticks have elapsed, computed independently with BigInt. */
function cycleOfTick(tick: number, hz = CPU_HZ): number {
  return Number((BigInt(tick) * BigInt(hz) + BigInt(PIT_HZ - 1)) / BigInt(PIT_HZ));
}

function setup(hz = CPU_HZ): { pit: Pit8254; clock: FakeClock; irqs: IrqRecorder } {
  const clock = new FakeClock(hz);
  const irqs = new IrqRecorder();
  return { pit: new Pit8254(clock, irqs), clock, irqs };
}

/** Control word then a 16-bit count, LSB first. */
function program(pit: Pit8254, channel: number, mode: number, count: number): void {
  pit.out8(0x43, (channel << 6) | 0x30 | (mode << 1));
  pit.out8(0x40 + channel, count & 0xFF);
  pit.out8(0x40 + channel, count >> 8);
}

function readCount(pit: Pit8254, channel: number): number {
  const low = pit.in8(0x40 + channel);
  return low | (pit.in8(0x40 + channel) << 8);
}

/** Read-back status byte of one channel. */
function status(pit: Pit8254, channel: number): number {
  pit.out8(0x43, 0xE0 | (2 << channel));
  return pit.in8(0x40 + channel);
}

Deno.test("PIT ticks are floor(cycles × 1193182 / hz) from power-on, exactly", () => {
  const { pit } = setup(4_772_727);
  for (const cycles of [0, 1, 4, 4_772_727, 123_456_789_012, 2 ** 50 + 12345]) {
    const expected = Number((BigInt(cycles) * BigInt(PIT_HZ)) / 4_772_727n);
    assert.equal(pit.ticksAt(cycles), expected, `at ${cycles}`);
  }
});

Deno.test("mode 3 with count 0 raises IRQ0 at exactly 1193182/65536 Hz over 10 emulated seconds", () => {
  const { pit, clock, irqs } = setup();
  program(pit, 0, 3, 0);
  const edges: number[] = [];
  runEvents(clock, pit, 10 * CPU_HZ, (cycle) => edges.push(cycle));
  // The count is loaded on the first tick after the write; OUT rises every 65536 ticks after.
  const expectedCount = Math.floor((10 * PIT_HZ - 1) / 65536);
  assert.equal(expectedCount, 182);
  assert.equal(irqs.raisesOf(0), expectedCount);
  assert.equal(irqs.lowers.length, expectedCount, "each edge is a raise then a lower");
  assert.equal(edges.length, expectedCount);
  edges.forEach((cycle, k) => assert.equal(cycle, cycleOfTick(1 + (k + 1) * 65536), `edge ${k + 1}`));
});

Deno.test("mode 2 with count 1000 fires every 1000 ticks and counts down from 1000", () => {
  const { pit, clock, irqs } = setup();
  program(pit, 0, 2, 1000);
  const edges: number[] = [];
  runEvents(clock, pit, CPU_HZ, (cycle) => edges.push(cycle));
  assert.equal(irqs.raisesOf(0), Math.floor((PIT_HZ - 1) / 1000));
  edges.forEach((cycle, k) => assert.equal(cycle, cycleOfTick(1 + (k + 1) * 1000)));
  const base = 1 + 1193 * 1000; // the last reload before one second
  clock.cycles = cycleOfTick(base + 250);
  assert.equal(readCount(pit, 0), 750);
  clock.cycles = cycleOfTick(base + 999);
  assert.equal(readCount(pit, 0), 1);
  assert.equal(status(pit, 0) & 0x80, 0, "OUT is low while the count is 1");
  clock.cycles = cycleOfTick(base + 1000);
  assert.equal(readCount(pit, 0), 1000);
  assert.equal(status(pit, 0) & 0x80, 0x80);
});

Deno.test("mode 3 counts down by two and OUT is high for the first half period", () => {
  const { pit, clock } = setup();
  program(pit, 2, 3, 100);
  pit.setGate(2, true);
  const start = pit.ticksAt(clock.cycles) + 1;
  clock.cycles = cycleOfTick(start + 10);
  assert.equal(readCount(pit, 2), 80);
  assert.equal(pit.output(2), true);
  clock.cycles = cycleOfTick(start + 50);
  assert.equal(pit.output(2), false);
  assert.equal(readCount(pit, 2), 100);
  clock.cycles = cycleOfTick(start + 100);
  assert.equal(pit.output(2), true);
  assert.equal(pit.frequency(2), PIT_HZ / 100);
});

Deno.test("channel 2 is stopped with OUT high while its gate is low", () => {
  const { pit, clock } = setup();
  program(pit, 2, 3, 100);
  clock.cycles = cycleOfTick(70);
  assert.equal(pit.output(2), true);
  assert.equal(pit.frequency(2), 0);
  pit.setGate(2, true);
  const start = pit.ticksAt(clock.cycles) + 1;
  clock.cycles = cycleOfTick(start + 60);
  assert.equal(pit.output(2), false);
  pit.setGate(2, false);
  assert.equal(pit.output(2), true, "gate low forces OUT high at once");
});

Deno.test("the counter latch freezes the count until both bytes are read", () => {
  const { pit, clock } = setup();
  program(pit, 0, 2, 0x1234);
  clock.cycles = cycleOfTick(1 + 0x34);
  pit.out8(0x43, 0x00); // latch channel 0
  clock.cycles = cycleOfTick(1 + 0x200);
  pit.out8(0x43, 0x00); // ignored: a latch is already held
  assert.equal(pit.in8(0x40), 0x00);
  clock.cycles = cycleOfTick(1 + 0x300);
  assert.equal(pit.in8(0x40), 0x12);
  assert.equal(readCount(pit, 0), 0x1234 - 0x300, "live again after the latch was read");
});

Deno.test("LSB-only and MSB-only access modes read and write one byte", () => {
  const { pit, clock } = setup();
  pit.out8(0x43, 0x14); // channel 0, LSB only, mode 2
  pit.out8(0x40, 0x80);
  clock.cycles = cycleOfTick(1 + 0x10);
  assert.equal(pit.in8(0x40), 0x70);
  assert.equal(pit.in8(0x40), 0x70, "no toggling in LSB-only mode");
  pit.out8(0x43, 0x24); // channel 0, MSB only, mode 2
  const written = pit.ticksAt(clock.cycles);
  pit.out8(0x40, 0x02); // count 0200h
  clock.cycles = cycleOfTick(written + 1 + 0x100);
  assert.equal(pit.in8(0x40), 0x01);
});

Deno.test("read-back latches status (OUT, NULL COUNT, RW, mode) before the count", () => {
  const { pit, clock } = setup();
  pit.out8(0x43, 0x36); // channel 0, LSB/MSB, mode 3
  pit.out8(0x40, 0x00);
  pit.out8(0x40, 0x10); // count 1000h written at tick 0
  pit.out8(0x43, 0xE2); // status only
  assert.equal(pit.in8(0x40), 0x80 | 0x40 | 0x36, "NULL COUNT until the next tick loads it");
  clock.cycles = cycleOfTick(1 + 0x10);
  pit.out8(0x43, 0xC2); // status and count
  assert.equal(pit.in8(0x40), 0x80 | 0x36);
  assert.equal(readCount(pit, 0), 0x1000 - 0x20);
});

Deno.test("mode 0 raises IRQ0 once, N+1 ticks after the write, then keeps counting down", () => {
  const { pit, clock, irqs } = setup();
  program(pit, 0, 0, 100);
  assert.equal(status(pit, 0) & 0x80, 0, "OUT low after the mode 0 control word");
  const edges: number[] = [];
  runEvents(clock, pit, CPU_HZ, (cycle) => edges.push(cycle));
  assert.deepEqual(edges, [cycleOfTick(101)]);
  assert.equal(irqs.raisesOf(0), 1);
  assert.equal(pit.nextEvent(), Infinity);
  clock.cycles = cycleOfTick(101 + 5);
  assert.equal(readCount(pit, 0), 0x10000 - 5);
  assert.equal(status(pit, 0) & 0x80, 0x80);
});

Deno.test("a new mode 2 count takes effect at the end of the current period", () => {
  const { pit, clock } = setup();
  program(pit, 0, 2, 1000);
  clock.cycles = cycleOfTick(1 + 300);
  pit.out8(0x40, 500 & 0xFF);
  pit.out8(0x40, 500 >> 8);
  const edges: number[] = [];
  runEvents(clock, pit, cycleOfTick(1 + 2100), (cycle) => edges.push(cycle));
  assert.deepEqual(edges, [cycleOfTick(1001), cycleOfTick(1501), cycleOfTick(2001)]);
});

Deno.test("saved PIT state resumes counting, latches and IRQ0 edges identically", () => {
  const { pit, clock, irqs } = setup();
  program(pit, 0, 2, 5000);
  program(pit, 2, 3, 0x0400);
  pit.setGate(2, true);
  clock.cycles = cycleOfTick(12_345);
  pit.advance(clock.cycles);
  pit.out8(0x43, 0x80); // latch channel 2
  pit.in8(0x42); // read the latch's LSB: the MSB is still held when the state is saved
  const saved = pit.saveState();
  const savedAt = clock.cycles;
  const observe = (p: Pit8254, c = clock): number[] => {
    const seen: number[] = [p.in8(0x42)];
    runEvents(c, p, savedAt + CPU_HZ / 10, (cycle) => seen.push(cycle));
    seen.push(readCount(p, 0), readCount(p, 2), p.nextEvent());
    return seen;
  };
  const before = irqs.raisesOf(0);
  const first = observe(pit);
  const edgesFirst = irqs.raisesOf(0) - before;
  clock.cycles = savedAt;
  pit.loadState(saved);
  const second = observe(pit);
  assert.deepEqual(second, first);
  assert.equal(irqs.raisesOf(0) - before, 2 * edgesFirst);
  const fresh = setup();
  fresh.clock.cycles = savedAt;
  fresh.pit.loadState(saved);
  assert.deepEqual(observe(fresh.pit, fresh.clock), first);
  assert.throws(() => fresh.pit.loadState({ channels: [] }), /Pit8254/);
});
