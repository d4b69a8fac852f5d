import assert from "node:assert/strict";
import { CX, DI, DS, ES, FLAG_IF, SI } from "../../core/cpu/registers.ts";
import type { CpuModel } from "../../core/cpu/registers.ts";
import { PAGE_SIZE } from "../../core/memory/paged_memory.ts";
import { FakePic, machine, setVector, stackWord } from "./machine.ts";
import type { Cpu } from "../../core/cpu/cpu.ts";
import type { PagedMemory } from "../../core/memory/paged_memory.ts";

/**
 * `ES: REP MOVSB` copying 6 bytes from ES:0000 (a device page answering 42h that raises
 * INTR on its second read) to ES:0100. DS:0000 holds 11h, which is what a resumed
 * instruction that lost its ES override copies instead.
 */
function interruptedRep(model: CpuModel) {
  const { cpu, memory } = machine([0x26, 0xF3, 0xA4, 0xF4], model);
  const dest = new Uint8Array(16);
  let reads = 0;
  memory.mapMmio(0xA0000, PAGE_SIZE, {
    mmioRead8: () => {
      if (++reads === 2) cpu.setIntr(true);
      return 0x42;
    },
    mmioWrite8: (addr, value) => {
      dest[addr - 0xA0100] = value;
    },
  });
  for (let i = 0; i < 16; i++) memory.write8(0x30000 + i, 0x11);
  const pic = new FakePic(0x20);
  pic.onAcknowledge = () => cpu.setIntr(false);
  cpu.interruptController = pic;
  setVector(memory, 0x20, 0x0200, 0);
  memory.write8(0x2000, 0xCF); // IRET
  cpu.sregs[ES] = 0xA000;
  cpu.sregs[DS] = 0x3000;
  cpu.regs[SI] = 0;
  cpu.regs[DI] = 0x100;
  cpu.regs[CX] = 6;
  cpu.setFlags(FLAG_IF);
  return { cpu, memory, dest, pic };
}

Deno.test("a REP string instruction stops between iterations for a pending interrupt", () => {
  const { cpu, pic } = interruptedRep("80186");
  cpu.step();
  assert.equal(cpu.regs[CX], 4, "two iterations done");
  assert.equal(pic.acknowledged, 0);
  cpu.step();
  assert.equal(pic.acknowledged, 1, "the interrupt is taken before the rest");
});

Deno.test("80186: an interrupted ES: REP MOVSB resumes with all its prefixes and finishes the copy", () => {
  const { cpu, memory, dest } = interruptedRep("80186");
  cpu.step();
  cpu.step(); // interrupt
  assert.equal(stackWord(cpu, memory, 0), 0, "returns to the first prefix");
  while (!cpu.halted) cpu.step();
  assert.deepEqual([...dest.subarray(0, 6)], [0x42, 0x42, 0x42, 0x42, 0x42, 0x42]);
  assert.equal(cpu.regs[CX], 0);
});

Deno.test("8086: an interrupted ES: REP MOVSB resumes at its last prefix and loses the ES override", () => {
  const { cpu, memory, dest } = interruptedRep("8086");
  cpu.step();
  cpu.step(); // interrupt
  assert.equal(stackWord(cpu, memory, 0), 1, "returns to the REP prefix, after ES:");
  while (!cpu.halted) cpu.step();
  // The last four bytes came from DS:SI, not ES:SI.
  assert.deepEqual([...dest.subarray(0, 2)], [0x42, 0x42]);
  assert.deepEqual(
    [...memory.bytes.subarray(0xA0102, 0xA0106)],
    [0, 0, 0, 0],
    "MMIO page not written directly",
  );
  assert.equal(cpu.regs[CX], 0);
  assert.equal(cpu.regs[SI], 6);
  assert.deepEqual([...dest.subarray(2, 6)], [0x11, 0x11, 0x11, 0x11]);
});

Deno.test("a REP instruction cut by the end of a run() slice resumes and completes", () => {
  const { cpu, memory } = machine([0xF3, 0xAA, 0xF4]); // rep stosb; hlt
  cpu.sregs[ES] = 0x4000;
  cpu.regs[CX] = 5000;
  cpu.regs8[0] = 0xAB;
  cpu.run(100);
  assert.ok(cpu.regs[CX] > 0 && cpu.regs[CX] < 5000, "stopped part-way");
  assert.equal(cpu.ip, 0, "rewound to the prefix");
  while (!cpu.halted) cpu.run(100);
  assert.equal(cpu.regs[CX], 0);
  assert.equal(memory.read8(0x40000 + 4999), 0xAB);
  assert.equal(memory.read8(0x40000 + 5000), 0);
});

Deno.test("REPE CMPSB stops at the first difference with ZF clear", () => {
  const { cpu, memory } = machine([0xF3, 0xA6]);
  memory.writeBlock(0x5000, new Uint8Array([1, 2, 3, 4]));
  memory.writeBlock(0x6000, new Uint8Array([1, 2, 9, 4]));
  cpu.sregs[DS] = 0x500;
  cpu.sregs[ES] = 0x600;
  cpu.regs[CX] = 4;
  cpu.step();
  assert.equal(cpu.regs[CX], 1);
  assert.equal(cpu.regs[SI], 3);
  assert.equal(cpu.getFlags() & 0x40, 0);
});

/**
 * Runs `code` then OUT 80h and HLT on two CPUs with the same setup: one as it is (REP string
 * instructions over plain RAM may run as one native copy or fill), and one with every page under
 * a write barrier, which makes them go element by element through the memory's write path. The
 * OUT records the cycle count there (a halted run() skips to the end of its slice).
 */
function bothWays(code: number[], setup: (cpu: Cpu, memory: PagedMemory) => void) {
  const run = (elementwise: boolean) => {
    const m = machine([...code, 0xE6, 0x80, 0xF4]);
    let cyclesAtOut = -1;
    m.cpu.io.register([0x80], { in8: () => 0xFF, out8: () => cyclesAtOut = m.cpu.cycles });
    setup(m.cpu, m.memory);
    if (elementwise) m.memory.guardAll({ beforeWrite: (memory, page) => memory.unguard(page) });
    while (!m.cpu.halted) m.cpu.run(1 << 20);
    return { ...m, cyclesAtOut };
  };
  return { fast: run(false), slow: run(true) };
}

function assertSameState(
  a: { cpu: Cpu; memory: PagedMemory; cyclesAtOut: number },
  b: { cpu: Cpu; memory: PagedMemory; cyclesAtOut: number },
): void {
  assert.deepEqual([...a.cpu.regs], [...b.cpu.regs], "registers");
  assert.equal(a.cyclesAtOut, b.cyclesAtOut, "cycles");
  assert.equal(a.cpu.instructions, b.cpu.instructions, "instructions");
  assert.ok(a.memory.bytes.every((v, i) => v === b.memory.bytes[i]), "memory");
}

function fillPattern(memory: PagedMemory, at: number, length: number): void {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 7 + (i >> 8) * 13 + 3) & 0xFF; // no period of 256
  memory.writeBlock(at, data);
}

for (
  const [name, op, si, di, cx] of [
    ["REP MOVSB, apart, across pages", 0xA4, 0x0010, 0x8003, 9000],
    ["REP MOVSW, apart", 0xA5, 0x0001, 0x9000, 3000],
    ["REP MOVSB onto the next byte (repeats the first byte)", 0xA4, 0x0100, 0x0101, 600],
    ["REP MOVSW onto the next byte", 0xA5, 0x0100, 0x0101, 600],
    ["REP MOVSB down onto overlapping bytes", 0xA4, 0x0200, 0x0100, 4000],
    ["REP MOVSB wrapping DI at 64 KiB", 0xA4, 0x1000, 0xFF80, 400],
  ] as const
) {
  Deno.test(`${name}: in one piece as element by element`, () => {
    const { fast, slow } = bothWays([0xF3, op], (cpu, memory) => {
      fillPattern(memory, 0x20000, 0x10000);
      cpu.sregs[DS] = 0x2000;
      // Onto overlapping bytes: the same segment as the source; else well apart.
      cpu.sregs[ES] = di === 0x0101 || di === 0x0100 ? 0x2000 : 0x5000;
      cpu.regs[SI] = si;
      cpu.regs[DI] = di;
      cpu.regs[CX] = cx;
    });
    assertSameState(fast, slow);
  });
}

for (
  const [name, op, si, di, cx, sameSegment] of [
    [
      "REP MOVSW going down, moving a block up over itself (as FreeDOS's kernel moves itself)",
      0xA5,
      0x8000,
      0x9000,
      0x3000,
      true,
    ],
    ["REP MOVSB going down onto lower overlapping bytes", 0xA4, 0x2000, 0x1FF0, 1000, true],
    ["REP MOVSB going down, apart", 0xA4, 0x4000, 0x9000, 3000, false],
    ["REP MOVSW going down, SI past offset 0 (wraps)", 0xA5, 0x0100, 0x8000, 200, false],
    ["REP MOVSW going down, DI past offset 0 (wraps)", 0xA5, 0x8000, 0x0010, 200, false],
    ["REP STOSB going down", 0xAA, 0, 0x5000, 3000, false],
  ] as const
) {
  Deno.test(`${name}: in one piece as element by element`, () => {
    const { fast, slow } = bothWays([0xFD, 0xF3, op, 0xFC], (cpu, memory) => {
      fillPattern(memory, 0x20000, 0x10000);
      cpu.sregs[DS] = 0x2000;
      cpu.sregs[ES] = sameSegment ? 0x2000 : 0x5000;
      cpu.regs[SI] = si;
      cpu.regs[DI] = di;
      cpu.regs[CX] = cx;
      cpu.regs[0] = 0x5A5A;
    });
    assertSameState(fast, slow);
  });
}

for (
  const [name, ax] of [["REP STOSW of a repeated byte", 0x5A5A], ["REP STOSW of two bytes", 0x1234]] as const
) {
  Deno.test(`${name}: in one piece as element by element`, () => {
    const { fast, slow } = bothWays([0xF3, 0xAB, 0xF3, 0xAA], (cpu) => {
      cpu.sregs[ES] = 0x3000;
      cpu.regs[DI] = 0x0005;
      cpu.regs[CX] = 5000;
      cpu.regs[0] = ax;
    });
    assertSameState(fast, slow);
  });
}

Deno.test("REP MOVSB into guarded pages lets the write barrier save each page before its first write", () => {
  const { cpu, memory } = machine([0xF3, 0xA4, 0xF4]);
  fillPattern(memory, 0x20000, 0x4000);
  memory.writeBlock(0x61000, new Uint8Array(0x1000).fill(0x5A));
  const saved = new Map<number, number>();
  memory.guardAll({
    beforeWrite(m, page) {
      saved.set(page, m.bytes[page << 12]);
      m.unguard(page);
    },
  });
  cpu.sregs[DS] = 0x2000;
  cpu.sregs[ES] = 0x6000;
  cpu.regs[CX] = 0x3000;
  while (!cpu.halted) cpu.run(1 << 20);
  assert.deepEqual([...memory.bytes.subarray(0x60000, 0x63000)], [
    ...memory.bytes.subarray(0x20000, 0x23000),
  ]);
  assert.deepEqual([...saved.keys()].filter((p) => p >= 0x60 && p < 0x63), [0x60, 0x61, 0x62]);
  assert.equal(saved.get(0x61), 0x5A, "page 61 was saved before it was overwritten");
});

Deno.test("a REP MOVSB cut by the end of a slice has done whole iterations up to it, no more", () => {
  const { cpu } = machine([0xF3, 0xA4, 0xF4]);
  cpu.sregs[DS] = 0x2000;
  cpu.sregs[ES] = 0x6000;
  cpu.regs[CX] = 50000;
  const start = cpu.cycles;
  cpu.run(1000);
  const done = 50000 - cpu.regs[CX];
  assert.ok(done > 100 && done < 50000, `stopped part-way (${done} done)`);
  assert.equal(cpu.ip, 0, "rewound to the prefix");
  assert.equal(cpu.regs[SI], done);
  assert.ok(
    cpu.cycles - start >= 1000 && cpu.cycles - start < 1000 + 4 + 32,
    "stopped at the first chance past the slice",
  );
});
