import assert from "node:assert/strict";
import { Cmos, CmosFloppyType, RtcCmos } from "../../core/devices/rtc/mod.ts";
import { FakeClock, IrqRecorder, runEvents } from "./device_test_helpers.ts";

const CPU_HZ = 8_000_000;

/** 2024-02-28 23:59:58.000 local time (a Wednesday, in a leap year). */
const HOST_TIME = () => new Date(2024, 1, 28, 23, 59, 58, 0);

function setup(hostTime = HOST_TIME) {
  const clock = new FakeClock(CPU_HZ);
  const irqs = new IrqRecorder();
  return { rtc: new RtcCmos(clock, irqs, hostTime), clock, irqs };
}

function read(rtc: RtcCmos, index: number): number {
  rtc.out8(0x70, index);
  return rtc.in8(0x71);
}

function write(rtc: RtcCmos, index: number, value: number): void {
  rtc.out8(0x70, index);
  rtc.out8(0x71, value);
}

/** [year, month, day, hours, minutes, seconds, weekday] as the registers hold them. */
function clockRegisters(rtc: RtcCmos): number[] {
  return [Cmos.Year, Cmos.Month, Cmos.DayOfMonth, Cmos.Hours, Cmos.Minutes, Cmos.Seconds, Cmos.DayOfWeek]
    .map((i) => read(rtc, i));
}

/** Cycle at which `seconds` of emulated time have passed. */
const at = (seconds: number) => Math.round(seconds * CPU_HZ);

Deno.test("the clock starts at the host's local time, in BCD and 24-hour mode", () => {
  const { rtc } = setup();
  assert.deepEqual(clockRegisters(rtc), [0x24, 0x02, 0x28, 0x23, 0x59, 0x58, 4]);
  assert.equal(rtc.getCmos(Cmos.Century), 0x20);
  assert.equal(read(rtc, Cmos.StatusB), 0x02);
  assert.equal(read(rtc, Cmos.StatusD), 0x80, "valid RAM and time");
});

Deno.test("the time advances with emulated seconds, across midnight into 29 February", () => {
  const { rtc, clock } = setup();
  clock.cycles = at(1.999);
  assert.deepEqual(clockRegisters(rtc), [0x24, 0x02, 0x28, 0x23, 0x59, 0x59, 4]);
  clock.cycles = at(2);
  assert.deepEqual(clockRegisters(rtc), [0x24, 0x02, 0x29, 0x00, 0x00, 0x00, 5]);
  clock.cycles = at(2 + 86400 + 3723);
  assert.deepEqual(clockRegisters(rtc), [0x24, 0x03, 0x01, 0x01, 0x02, 0x03, 6]);
});

Deno.test("register B selects binary and 12-hour coding", () => {
  const { rtc } = setup();
  write(rtc, Cmos.StatusB, 0x00); // 12-hour BCD
  assert.equal(read(rtc, Cmos.Hours), 0x91, "11 PM");
  write(rtc, Cmos.StatusB, 0x06); // 24-hour binary
  assert.equal(read(rtc, Cmos.Hours), 23);
  assert.equal(read(rtc, Cmos.Minutes), 59);
  write(rtc, Cmos.StatusB, 0x04); // 12-hour binary
  assert.equal(read(rtc, Cmos.Hours), 0x80 | 11);
});

Deno.test("with SET the clock holds while the time is written, then runs from it", () => {
  const { rtc, clock } = setup();
  write(rtc, Cmos.StatusB, 0x82);
  write(rtc, Cmos.Hours, 0x10);
  write(rtc, Cmos.Minutes, 0x20);
  write(rtc, Cmos.Seconds, 0x30);
  write(rtc, Cmos.DayOfMonth, 0x15);
  write(rtc, Cmos.Month, 0x07);
  write(rtc, Cmos.Year, 0x30);
  clock.cycles = at(5);
  const weekday = new Date(2030, 6, 15).getDay() + 1;
  assert.deepEqual(clockRegisters(rtc), [0x30, 0x07, 0x15, 0x10, 0x20, 0x30, weekday]);
  write(rtc, Cmos.StatusB, 0x02);
  clock.cycles = at(6);
  assert.equal(read(rtc, Cmos.Seconds), 0x31);
});

Deno.test("UIP is set from 244 µs before each update until the update cycle ends", () => {
  const { rtc, clock } = setup();
  clock.cycles = at(0.5);
  assert.equal(read(rtc, Cmos.StatusA), 0x26);
  clock.cycles = at(1 - 0.0003);
  assert.equal(read(rtc, Cmos.StatusA) & 0x80, 0);
  clock.cycles = at(1 - 0.0002);
  assert.equal(read(rtc, Cmos.StatusA) & 0x80, 0x80);
  clock.cycles = at(1 + 0.0019);
  assert.equal(read(rtc, Cmos.StatusA) & 0x80, 0x80);
  clock.cycles = at(1 + 0.0021);
  assert.equal(read(rtc, Cmos.StatusA) & 0x80, 0);
  write(rtc, Cmos.StatusB, 0x82);
  clock.cycles = at(2);
  assert.equal(read(rtc, Cmos.StatusA) & 0x80, 0, "SET inhibits updates and clears UIP");
});

/** Runs for `seconds`, reading register C whenever IRQ8 is up (as an ISR would). */
function countIrq8(rtc: RtcCmos, clock: FakeClock, irqs: IrqRecorder, seconds: number): number[] {
  const flags: number[] = [];
  if (irqs.level[8]) flags.push(read(rtc, Cmos.StatusC));
  runEvents(clock, rtc, clock.cycles + at(seconds), () => {
    if (irqs.level[8]) flags.push(read(rtc, Cmos.StatusC));
  });
  return flags;
}

Deno.test("the periodic interrupt runs at the rate of register A while register C is read", () => {
  for (const [rate, hz] of [[0x06, 1024], [0x03, 8192], [0x0F, 2], [0x01, 256]]) {
    const { rtc, clock, irqs } = setup();
    write(rtc, Cmos.StatusA, 0x20 | rate);
    write(rtc, Cmos.StatusB, 0x42);
    const flags = countIrq8(rtc, clock, irqs, 1);
    assert.equal(irqs.raisesOf(8), hz, `rate ${rate}`);
    assert.equal(flags[0], 0xC0, "IRQF and PF");
  }
});

Deno.test("IRQ8 stays up, and no new edge comes, until register C is read", () => {
  const { rtc, clock, irqs } = setup();
  write(rtc, Cmos.StatusB, 0x42);
  runEvents(clock, rtc, at(0.1));
  assert.equal(irqs.raisesOf(8), 1);
  assert.equal(irqs.level[8], true);
  assert.equal(read(rtc, Cmos.StatusC) & 0xC0, 0xC0);
  assert.equal(irqs.level[8], false);
  assert.equal(read(rtc, Cmos.StatusC), 0x00, "reading C cleared it");
});

Deno.test("update-ended and alarm interrupts set UF and AF in register C", () => {
  const { rtc, clock, irqs } = setup();
  write(rtc, Cmos.SecondsAlarm, 0x00);
  write(rtc, Cmos.MinutesAlarm, 0x00);
  write(rtc, Cmos.HoursAlarm, 0xC0); // any hour
  write(rtc, Cmos.StatusB, 0x32); // AIE | UIE
  const flags = countIrq8(rtc, clock, irqs, 3.5);
  // PF is set too (the 1024 Hz rate runs without PIE), but only UF and AF interrupt.
  assert.deepEqual(flags.map((f) => f & 0xB0), [0x90, 0xB0, 0x90], "23:59:59, 00:00:00 (alarm), 00:00:01");
});

Deno.test("releasing the divider reset starts the next update half a second later", () => {
  const { rtc, clock } = setup();
  clock.cycles = at(0.3);
  write(rtc, Cmos.StatusA, 0x70);
  clock.cycles = at(10);
  assert.equal(read(rtc, Cmos.Seconds), 0x58, "stopped while in reset");
  write(rtc, Cmos.StatusA, 0x26);
  clock.cycles = at(10.499);
  assert.equal(read(rtc, Cmos.Seconds), 0x58);
  clock.cycles = at(10.5);
  assert.equal(read(rtc, Cmos.Seconds), 0x59);
});

Deno.test("CMOS RAM holds base memory 640 KiB and a checksum of 10h–2Dh at 2Eh/2Fh", () => {
  const { rtc } = setup();
  assert.equal(read(rtc, Cmos.BaseMemoryLow) | (read(rtc, Cmos.BaseMemoryHigh) << 8), 640);
  rtc.setCmos(Cmos.FloppyTypes, CmosFloppyType.M1_44 << 4);
  rtc.setCmos(Cmos.Equipment, 0x41);
  rtc.updateChecksum();
  const sum = 0x80 + 0x02 + 0x40 + 0x41;
  assert.equal(read(rtc, Cmos.ChecksumHigh), sum >> 8);
  assert.equal(read(rtc, Cmos.ChecksumLow), sum & 0xFF);
  write(rtc, 0x40, 0x5A);
  assert.equal(rtc.getCmos(0x40), 0x5A);
  assert.throws(() => rtc.setCmos(0x0B, 0), RangeError);
});

Deno.test("bit 7 of port 70h masks NMI and is not part of the index", () => {
  const { rtc } = setup();
  rtc.out8(0x70, 0x80 | Cmos.Century);
  assert.equal(rtc.nmiDisabled, true);
  assert.equal(rtc.in8(0x71), 0x20);
  rtc.out8(0x70, Cmos.Century);
  assert.equal(rtc.nmiDisabled, false);
});

Deno.test("saved RTC state resumes the time, flags and periodic interrupts identically", () => {
  const { rtc, clock, irqs } = setup();
  write(rtc, Cmos.StatusA, 0x2A); // 64 Hz
  write(rtc, Cmos.StatusB, 0x52); // PIE | UIE
  rtc.setCmos(0x50, 0x77);
  clock.cycles = at(0.77);
  rtc.advance(clock.cycles);
  const saved = rtc.saveState();
  const savedAt = clock.cycles;
  // The line level lives in the PIC, which a machine snapshot saves alongside.
  const savedLine = irqs.level[8];
  const script = (r: RtcCmos, c: FakeClock, lines: IrqRecorder): number[] => {
    const flags = countIrq8(r, c, lines, 2.3);
    return [...flags, ...clockRegisters(r), r.getCmos(0x50), r.nextEvent()];
  };
  const first = script(rtc, clock, irqs);
  assert.equal(first.filter((f) => (f & 0x40) !== 0).length >= 2 * 64, true);
  clock.cycles = savedAt;
  rtc.loadState(saved);
  irqs.level[8] = savedLine;
  assert.deepEqual(script(rtc, clock, irqs), first);
  const fresh = setup(() => new Date(1999, 0, 1));
  fresh.clock.cycles = savedAt;
  fresh.rtc.loadState(saved);
  fresh.irqs.level[8] = savedLine;
  assert.deepEqual(script(fresh.rtc, fresh.clock, fresh.irqs), first);
  assert.throws(() => fresh.rtc.loadState({ ram: new Uint8Array(3) }), /RtcCmos/);
});
