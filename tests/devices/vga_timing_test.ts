import assert from "node:assert/strict";
import { makeVga } from "./vga_helpers.ts";

// FakeClock runs at 3,146,875 Hz: one 800-dot line at 25.175 MHz is exactly 100 cycles.
const LINE = 100;

Deno.test("mode 13h frame is 449 lines of 31.469 kHz: 70.09 Hz", () => {
  const { vga, clock } = makeVga(0x13);
  assert.equal(vga.timing.totalLines, 449);
  assert.equal(vga.timing.cyclesPerLine, LINE);
  assert.equal(Math.round((clock.hz / vga.timing.framePeriod) * 100) / 100, 70.09);
});

Deno.test("mode 12h frame is 525 lines: 59.94 Hz", () => {
  const { vga, clock } = makeVga(0x12);
  assert.equal(vga.timing.totalLines, 525);
  assert.equal(Math.round((clock.hz / vga.timing.framePeriod) * 100) / 100, 59.94);
});

Deno.test("80-column text (28.322 MHz, 9-dot chars) has the same 70 Hz frame", () => {
  const { vga, clock } = makeVga(0x03);
  assert.equal(vga.timing.totalLines, 449);
  assert.equal(Math.round(clock.hz / vga.timing.framePeriod), 70);
});

Deno.test("input status 1 bit 0 follows horizontal blanking within each displayed line", () => {
  const { io, clock } = makeVga(0x13);
  const status = (cycle: number): number => {
    clock.cycles = cycle;
    return io.in8(0x3DA);
  };
  assert.equal(status(0) & 1, 0);
  assert.equal(status(79) & 1, 0); // 80 of 100 character clocks are displayed
  assert.equal(status(80) & 1, 1);
  assert.equal(status(99) & 1, 1);
  assert.equal(status(100) & 1, 0); // the next line
  assert.equal(status(399 * LINE + 50) & 1, 0);
});

Deno.test("input status 1 bit 3 is set only during the two vertical retrace lines 412–413", () => {
  const { io, clock } = makeVga(0x13);
  const status = (cycle: number): number => {
    clock.cycles = cycle;
    return io.in8(0x3DA);
  };
  assert.equal(status(400 * LINE), 0x01); // vertical blanking, no retrace yet
  assert.equal(status(412 * LINE - 1) & 8, 0);
  assert.equal(status(412 * LINE) & 8, 8);
  assert.equal(status(414 * LINE - 1) & 8, 8);
  assert.equal(status(414 * LINE) & 8, 0);
  assert.equal(status(449 * LINE + 412 * LINE) & 8, 8); // the next frame
});

Deno.test("a polling loop sees retrace toggle as the cycle count advances", () => {
  const { io, clock } = makeVga(0x13);
  let edges = 0;
  let last = 0;
  for (let c = 0; c < 3 * 449 * LINE; c += 7) {
    clock.cycles = c;
    const r = io.in8(0x3DA) & 8;
    if (r !== 0 && last === 0) edges++;
    last = r;
  }
  assert.equal(edges, 3);
});

Deno.test("nextEvent is the next retrace start; advance counts retraces and calls onRetrace", () => {
  const { vga, clock } = makeVga(0x13);
  const seen: number[] = [];
  vga.onRetrace = (v) => seen.push(v.retraceCount);
  assert.equal(vga.nextEvent(), 412 * LINE);
  clock.cycles = 412 * LINE - 1;
  vga.advance(clock.cycles);
  assert.equal(vga.retraceCount, 0);
  clock.cycles = 412 * LINE;
  vga.advance(clock.cycles);
  assert.equal(vga.retraceCount, 1);
  assert.equal(vga.nextEvent(), 412 * LINE + 449 * LINE);
  clock.cycles = 412 * LINE + 3 * 449 * LINE; // three more frames at once
  vga.advance(clock.cycles);
  assert.deepEqual(seen, [1, 2, 3, 4]);
});

Deno.test("input status 1 is at 3BAh in mode 7 and 3BAh reads FFh in colour modes", () => {
  const colour = makeVga(0x03);
  assert.equal(colour.io.in8(0x3BA), 0xFF);
  const mono = makeVga(0x07);
  assert.notEqual(mono.io.in8(0x3BA), 0xFF);
  assert.equal(mono.io.in8(0x3DA), 0xFF);
});
