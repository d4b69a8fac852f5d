import assert from "node:assert/strict";
import { callInt, idleMachine } from "../helpers/bios_call.ts";
import { FLAG_CF } from "../../core/cpu/registers.ts";

function ticks(r: { cx: number; dx: number }): number {
  return r.cx * 0x10000 + r.dx;
}

Deno.test("INT 1Ah ticks advance 18.2065 times per emulated second", () => {
  const m = idleMachine();
  const before = ticks(callInt(m, 0x1A, { ax: 0 }));
  const t0 = m.emulatedSeconds();
  m.runCycles(m.clock.hz * 10);
  const after = ticks(callInt(m, 0x1A, { ax: 0 }));
  const rate = (after - before) / (m.emulatedSeconds() - t0);
  assert.ok(Math.abs(rate - 18.2065) / 18.2065 < 0.005, `rate ${rate}`);
});

Deno.test("INT 1Ah AH=01h sets the count and the tick after 23:59:59 rolls over with the midnight flag", () => {
  const m = idleMachine();
  callInt(m, 0x1A, { ax: 0x0100, cx: 0x0018, dx: 0x00AF }); // one tick before 1800B0h
  m.runCycles(m.clock.hz * 0.2);
  const r = callInt(m, 0x1A, { ax: 0 });
  assert.equal(r.ax & 0xFF, 1, "midnight flag");
  assert.ok(ticks(r) < 10, `count wrapped to ${ticks(r)}`);
  assert.equal(callInt(m, 0x1A, { ax: 0 }).ax & 0xFF, 0, "the flag clears once read");
});

Deno.test("INT 1Ah AH=02h/04h read the RTC in BCD", () => {
  const m = idleMachine(); // host time 2024-01-15 12:00:00
  const t = callInt(m, 0x1A, { ax: 0x0200 });
  assert.equal(t.flags & FLAG_CF, 0);
  assert.equal(t.cx, 0x1200, "12:00");
  assert.ok(t.dx >> 8 <= 0x01, "seconds just after boot");
  const d = callInt(m, 0x1A, { ax: 0x0400 });
  assert.equal(d.cx, 0x2024);
  assert.equal(d.dx, 0x0115);
  callInt(m, 0x1A, { ax: 0x0300, cx: 0x0830, dx: 0x1500 });
  assert.equal(callInt(m, 0x1A, { ax: 0x0200 }).cx, 0x0830);
});

Deno.test("INT 11h, 12h and 15h report an AT with 640 KiB and no extended memory", () => {
  const m = idleMachine();
  assert.equal(callInt(m, 0x12).ax, 640);
  assert.equal(callInt(m, 0x11).ax & 0x01, 1);
  let r = callInt(m, 0x15, { ax: 0x8800 });
  assert.equal(r.ax, 0);
  assert.equal(r.flags & FLAG_CF, 0);
  r = callInt(m, 0x15, { ax: 0xC000 });
  assert.equal(r.flags & FLAG_CF, 0);
  assert.equal(m.memory.read8(r.es * 16 + r.bx + 2), 0xFC, "configuration table: model FCh");
  r = callInt(m, 0x15, { ax: 0x2401 });
  assert.equal(r.flags & FLAG_CF, FLAG_CF);
  assert.equal(r.ax >> 8, 0x86);
});

Deno.test("INT 15h AH=86h waits CX:DX microseconds of emulated time", () => {
  const m = idleMachine();
  const t0 = m.emulatedSeconds();
  const r = callInt(m, 0x15, { ax: 0x8600, cx: 0x0003, dx: 0x0D40 }); // 200,000 µs
  const waited = m.emulatedSeconds() - t0;
  assert.equal(r.flags & FLAG_CF, 0);
  assert.ok(waited >= 0.2 && waited < 0.21, `waited ${waited}s`);
});
