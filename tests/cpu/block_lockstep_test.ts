/**
 * Compiled blocks (core/cpu/block.ts) against the plain interpreter, in lockstep: two CPUs
 * (or two machines) run the same guest in run() slices of pseudo-random sizes, and after
 * every slice registers, FLAGS, IP, cycles, the instruction count and a hash of memory must
 * agree. Guests: cpumix, the FreeDOS boot (skipped without ../shared) and the demo's fire
 * effect; plus self-modifying code and an MMIO device raising INTR in the middle of a block
 * (the invariant that lets blocks check interrupts only at their boundaries).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { blockSettings } from "../../core/cpu/block.ts";
import { Cpu } from "../../core/cpu/cpu.ts";
import { CS, DS, ES, FLAG_IF, SP, SS } from "../../core/cpu/registers.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { Machine } from "../../core/machine/machine.ts";
import { type MmioHandler, PagedMemory } from "../../core/memory/paged_memory.ts";
import { openDisk } from "../../disks/open.ts";
import { CODE_SEG, FakePic, machine, setVector, STACK_TOP } from "./machine.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FREEDOS = join(ROOT, "..", "shared", "guests", "freedos-boot-1440k.img");
const DEMO = join(ROOT, "guest", "demo", "demo.img");

// Compile after few entries, so that short runs spend most of their time in compiled code.
blockSettings.hotThreshold = 16;

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** FNV-1a over memory as 32-bit words. */
function hashMemory(bytes: Uint8Array): number {
  const w = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  let h = 0x811C9DC5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i], 0x01000193);
  return h >>> 0;
}

function cpuState(c: Cpu): string {
  return JSON.stringify({
    regs: Array.from(c.regs),
    sregs: Array.from(c.sregs),
    ip: c.ip,
    flags: c.flags,
    cycles: c.cycles,
    instructions: c.instructions,
    halted: c.halted,
  });
}

function assertSame(a: Cpu, b: Cpu, where: string): void {
  const sa = cpuState(a);
  const sb = cpuState(b);
  if (sa !== sb) assert.fail(`${where}: interpreter ${sa}\n  blocks ${sb}`);
  const ha = hashMemory(a.bytes);
  const hb = hashMemory(b.bytes);
  if (ha !== hb) assert.fail(`${where}: memory hash ${ha.toString(16)} vs ${hb.toString(16)}`);
}

/** Builds with compileBlocks off then on (through the default, as Machine passes no option). */
function both<T>(make: () => T): [T, T] {
  const saved = Cpu.compileBlocksDefault;
  try {
    Cpu.compileBlocksDefault = false;
    const plain = make();
    Cpu.compileBlocksDefault = true;
    return [plain, make()];
  } finally {
    Cpu.compileBlocksDefault = saved;
  }
}

function cpumixCpu(): Cpu {
  const image = Deno.readFileSync(join(ROOT, "guest", "bench", "cpumix.bin"));
  const memory = new PagedMemory(1 << 20);
  memory.writeBlock(0x10000, image);
  const cpu = new Cpu(memory, new IoBus(), { model: "80186" });
  cpu.sregs[CS] = 0x1000;
  cpu.sregs[DS] = 0x1000;
  cpu.sregs[ES] = 0x1000;
  cpu.sregs[SS] = 0x2000;
  cpu.regs[SP] = 0;
  cpu.ip = 0;
  return cpu;
}

Deno.test("compileBlocks option and default", () => {
  const m = new PagedMemory(1 << 16);
  assert.equal(new Cpu(m, new IoBus(), { compileBlocks: false }).blocks, null);
  assert.notEqual(new Cpu(new PagedMemory(1 << 16), new IoBus(), { compileBlocks: true }).blocks, null);
});

Deno.test("lockstep: cpumix in slices of varying size", () => {
  const [a, b] = both(cpumixCpu);
  const next = rng(0xC0FFEE);
  for (let i = 0; i < 2500; i++) {
    // Mostly small slices (budget edges inside blocks), some large ones.
    const n = next() < 0.9 ? 1 + Math.floor(next() * 400) : 1 + Math.floor(next() * 200_000);
    a.run(n);
    b.run(n);
    assertSame(a, b, `slice ${i} (${n} cycles)`);
  }
  assert.ok(b.blocks!.compiled > 10, `blocks compiled: ${b.blocks!.compiled}`);
  assert.ok(b.instructions > 2_000_000);
});

Deno.test("a second CPU running the same code reuses the first one's compiled functions", () => {
  const [, first] = both(cpumixCpu);
  first.run(2_000_000);
  assert.ok(first.blocks!.compiled > 0);
  const [, second] = both(cpumixCpu);
  second.run(2_000_000);
  assert.ok(second.blocks!.reused > 0, `reused ${second.blocks!.reused} of ${second.blocks!.compiled}`);
  assert.equal(second.instructions, first.instructions);
});

/** Two machines booting `disk` in lockstep for `seconds` of emulated time. */
function machinesInLockstep(
  disk: string,
  seconds: number,
  seed: number,
  keys?: (m: Machine) => void,
): Machine {
  const [a, b] = both(() => {
    const m = new Machine({ floppies: [openDisk(disk, { overlay: true })], bootOrder: ["a"] });
    m.powerOn();
    return m;
  });
  const next = rng(seed);
  const hz = a.clock.hz;
  let i = 0;
  let keyed = false;
  while (a.emulatedSeconds() < seconds) {
    if (keys && !keyed && a.emulatedSeconds() > 0.5) {
      keys(a);
      keys(b);
      keyed = true;
    }
    const n = next() < 0.5 ? 1 + Math.floor(next() * 5000) : 1 + Math.floor(next() * hz * 0.02);
    a.runCycles(n);
    b.runCycles(n);
    assertSame(a.cpu, b.cpu, `slice ${i++} (${n} cycles) at ${a.emulatedSeconds().toFixed(3)} s`);
  }
  assert.ok(b.cpu.blocks!.compiled > 10, `blocks compiled: ${b.cpu.blocks!.compiled}`);
  return b;
}

Deno.test({
  name: "lockstep: FreeDOS boot",
  ignore: !existsSync(FREEDOS),
  fn: () => {
    machinesInLockstep(FREEDOS, 6, 0xB007);
  },
});

Deno.test("lockstep: demo fire effect", () => {
  machinesInLockstep(DEMO, 2.5, 0xF17E, (m) => {
    m.keyboard.keyEvent(0x02, true); // "1"
    m.runCycles(Math.round(0.02 * m.clock.hz));
    m.keyboard.keyEvent(0x02, false);
  });
});

/** Runs `code` at CODE_SEG:0 on both CPUs in lockstep slices; returns the block CPU. */
function lockstepCode(code: number[], slices: number, setup?: (cpu: Cpu, memory: PagedMemory) => void): Cpu {
  const [a, b] = both(() => {
    const m = machine(code);
    setup?.(m.cpu, m.memory);
    return m.cpu;
  });
  const next = rng(code.length * 7919 + slices);
  for (let i = 0; i < slices; i++) {
    const n = 1 + Math.floor(next() * 300);
    a.run(n);
    b.run(n);
    assertSame(a, b, `slice ${i}`);
  }
  return b;
}

Deno.test("self-modifying code: a store into the running block's own code", () => {
  // 0: mov byte [cs:imm+1], bl ; patch the immediate of the ADD below (same block)
  // 5: add ax, 0x0001 (imm patched) ; 8: inc bx ; 9: jmp 0
  const code = [
    0x2E,
    0x88,
    0x1E,
    0x07,
    0x00, // mov [cs:0007], bl
    0x05,
    0x01,
    0x00, // add ax, imm16
    0x43, // inc bx
    0xEB,
    0xF5, // jmp 0
  ];
  const b = lockstepCode(code, 400, (cpu) => {
    cpu.sregs[DS] = 0;
  });
  assert.ok(b.blocks!.invalidations > 0);
  // The sum saw every patched immediate: the block never ran stale code.
  assert.ok(b.regs[0] > 0);
});

Deno.test("self-modifying code: a block patching another block, and a store ahead in its own block", () => {
  // Loop: call sub; bump the immediate of "mov cx, imm16" in sub (another block); patch the
  // immediate of "mov dl, imm8" just ahead in the running block before it executes.
  // deno-fmt-ignore
  const code = [
    0xE8, 0x15, 0x00, //       0: call 18
    0x2E, 0xA0, 0x19, 0x00, // 3: mov al, [cs:19]
    0xFE, 0xC0, //             7: inc al
    0x2E, 0xA2, 0x19, 0x00, // 9: mov [cs:19], al
    0x2E, 0xA2, 0x12, 0x00, // d: mov [cs:12], al
    0xB2, 0x00, //            11: mov dl, imm8 (patched just before)
    0x01, 0xD6, //            13: add si, dx
    0xEB, 0xE9, //            15: jmp 0
    0x90, //                  17: nop
    0xB9, 0x00, 0x00, //      18: mov cx, imm16 (patched)
    0x01, 0xCB, //            1b: add bx, cx
    0xC3, //                  1d: ret
  ];
  const b = lockstepCode(code, 300, (cpu) => {
    cpu.sregs[DS] = 0;
  });
  assert.ok(b.blocks!.invalidations > 10);
  assert.ok(b.regs[6] > 0 && b.regs[3] > 0);
});

Deno.test("self-modifying code: memory rewritten between runs through the write path", () => {
  // inc ax; jmp 0  — later replaced by: dec ax; jmp 0
  const [a, b] = both(() => machine([0x40, 0xEB, 0xFD]));
  for (let round = 0; round < 4; round++) {
    a.cpu.run(2000);
    b.cpu.run(2000);
    assertSame(a.cpu, b.cpu, `round ${round}`);
    const op = round % 2 === 0 ? 0x48 : 0x40;
    a.memory.write8(CODE_SEG << 4, op);
    b.memory.write8(CODE_SEG << 4, op);
  }
  assert.ok(b.cpu.blocks!.invalidations >= 3);
});

/** A device page whose first register raises INTR when written. */
class IrqDevice implements MmioHandler {
  writes = 0;
  constructor(private readonly cpu: Cpu) {}
  mmioRead8(): number {
    return 0;
  }
  mmioWrite8(_addr: number, value: number): void {
    this.writes++;
    if (value === 1) this.cpu.setIntr(true);
  }
}

Deno.test("MMIO write raising INTR inside a block: the interrupt comes right after that instruction", () => {
  // Hot loop: inc cx; mov [es:0], al (MMIO page at 0xB0000) ; inc dx ; inc bx ; jmp 0
  // After 200 iterations AL becomes 1 and the device raises INTR; the handler (IRET after
  // clearing the line through a port-less hook) must start right after the store.
  const code = [
    0x41, // 0: inc cx
    0x81,
    0xF9,
    0xC8,
    0x00, // 1: cmp cx, 200
    0x75,
    0x02, // 5: jne +2
    0xB0,
    0x01, // 7: mov al, 1
    0x26,
    0xA2,
    0x00,
    0x00, // 9: mov [es:0], al
    0x42, // d: inc dx
    0x43, // e: inc bx
    0xEB,
    0xEF, // f: jmp 0
  ];
  const results: { ip: number; instructions: number; cycles: number; dx: number }[] = [];
  for (const blocks of [false, true]) {
    const memory = new PagedMemory(1 << 20);
    const cpu = new Cpu(memory, new IoBus(), { compileBlocks: blocks });
    memory.writeBlock(CODE_SEG << 4, new Uint8Array(code));
    const dev = new IrqDevice(cpu);
    memory.mapMmio(0xB0000, 0x1000, dev);
    const pic = new FakePic(0x20);
    cpu.interruptController = pic;
    setVector(memory, 0x20, 0x0200, 0);
    memory.write8(0x2000, 0xCF); // IRET
    let seen: { ip: number; instructions: number; cycles: number; dx: number } | null = null;
    pic.onAcknowledge = () => {
      seen ??= { ip: cpu.ip, instructions: cpu.instructions, cycles: cpu.cycles, dx: cpu.regs[2] };
      cpu.setIntr(false);
    };
    cpu.sregs[CS] = CODE_SEG;
    cpu.sregs[DS] = 0;
    cpu.sregs[ES] = 0xB000;
    cpu.sregs[SS] = 0;
    cpu.regs[SP] = STACK_TOP;
    cpu.setFlags(FLAG_IF);
    cpu.ip = 0;
    cpu.run(20_000);
    assert.ok(seen !== null, "interrupt taken");
    if (blocks) assert.ok(cpu.blocks!.compiled > 0);
    const s: { ip: number; instructions: number; cycles: number; dx: number } = seen;
    // Taken right after the store at 9 (IP 0xD), before "inc dx" of that iteration.
    assert.equal(s.ip, 0x0D);
    assert.ok(dev.writes >= 200);
    results.push(s);
  }
  assert.deepEqual(results[1], results[0]);
});

Deno.test("REP MOVSB inside a block into an MMIO page raising INTR: it yields and resumes as interpreted", () => {
  // Hot loop: inc bx; after 200 rounds the source byte becomes 1, and the first byte REP MOVSB
  // copies to the device raises INTR: the repeated instruction must yield (IP back on it) at
  // the same iteration as in the interpreter, and resume after the interrupt.
  const code = [
    0x43, // 0: inc bx
    0x81,
    0xFB,
    0xC8,
    0x00, // 1: cmp bx, 200
    0x75,
    0x05, // 5: jne 0xC
    0xC6,
    0x06,
    0x00,
    0x30,
    0x01, // 7: mov byte [0x3000], 1
    0xBE,
    0x00,
    0x30, // c: mov si, 0x3000
    0x31,
    0xFF, // f: xor di, di
    0xB9,
    0x04,
    0x00, // 11: mov cx, 4
    0xF3,
    0xA4, // 14: rep movsb
    0x42, // 16: inc dx
    0xEB,
    0xE7, // 17: jmp 0
  ];
  type Seen = { ip: number; cx: number; instructions: number; cycles: number; dx: number };
  const results: { seen: Seen; end: string }[] = [];
  for (const blocks of [false, true]) {
    const memory = new PagedMemory(1 << 20);
    const cpu = new Cpu(memory, new IoBus(), { compileBlocks: blocks });
    memory.writeBlock(CODE_SEG << 4, new Uint8Array(code));
    const dev = new IrqDevice(cpu);
    memory.mapMmio(0xB0000, 0x1000, dev);
    const pic = new FakePic(0x20);
    cpu.interruptController = pic;
    setVector(memory, 0x20, 0x0200, 0);
    memory.write8(0x2000, 0xCF); // IRET
    let seen: Seen | null = null;
    pic.onAcknowledge = () => {
      seen ??= {
        ip: cpu.ip,
        cx: cpu.regs[1],
        instructions: cpu.instructions,
        cycles: cpu.cycles,
        dx: cpu.regs[2],
      };
      cpu.setIntr(false);
    };
    cpu.sregs[CS] = CODE_SEG;
    cpu.sregs[DS] = 0;
    cpu.sregs[ES] = 0xB000;
    cpu.sregs[SS] = 0;
    cpu.regs[SP] = STACK_TOP;
    cpu.setFlags(FLAG_IF);
    cpu.ip = 0;
    cpu.run(40_000);
    assert.ok(seen !== null, "interrupt taken");
    if (blocks) assert.ok(cpu.blocks!.compiled > 0);
    const s: Seen = seen;
    // Taken inside the REP MOVSB (IP 0x14, to resume it), bytes still to copy.
    assert.equal(s.ip, 0x14);
    assert.ok(s.cx > 0 && s.cx < 4, `CX ${s.cx}`);
    results.push({ seen: s, end: cpuState(cpu) });
  }
  assert.deepEqual(results[1], results[0]);
});

Deno.test("OUT inside a block raising INTR: the interrupt comes right after it, as interpreted", () => {
  // Hot loop: inc bx; after 200 rounds AL becomes 1 and OUT 80h, AL makes the port device raise
  // INTR; the handler must start right after the OUT (IP 0xB), before "inc dx".
  const code = [
    0x43, // 0: inc bx
    0x81,
    0xFB,
    0xC8,
    0x00, // 1: cmp bx, 200
    0x75,
    0x02, // 5: jne 9
    0xB0,
    0x01, // 7: mov al, 1
    0xE6,
    0x80, // 9: out 80h, al
    0x42, // b: inc dx
    0xEB,
    0xF2, // c: jmp 0
  ];
  type Seen = { ip: number; instructions: number; cycles: number; dx: number };
  const results: { seen: Seen; end: string }[] = [];
  for (const blocks of [false, true]) {
    const memory = new PagedMemory(1 << 20);
    const io = new IoBus();
    const cpu = new Cpu(memory, io, { compileBlocks: blocks });
    memory.writeBlock(CODE_SEG << 4, new Uint8Array(code));
    io.register([0x80], {
      in8: () => 0xFF,
      out8: (_port, value) => {
        if (value === 1) cpu.setIntr(true);
      },
    });
    const pic = new FakePic(0x20);
    cpu.interruptController = pic;
    setVector(memory, 0x20, 0x0200, 0);
    memory.write8(0x2000, 0xCF); // IRET
    let seen: Seen | null = null;
    pic.onAcknowledge = () => {
      seen ??= { ip: cpu.ip, instructions: cpu.instructions, cycles: cpu.cycles, dx: cpu.regs[2] };
      cpu.setIntr(false);
    };
    cpu.sregs[CS] = CODE_SEG;
    cpu.sregs[SS] = 0;
    cpu.regs[SP] = STACK_TOP;
    cpu.setFlags(FLAG_IF);
    cpu.ip = 0;
    cpu.run(20_000);
    assert.ok(seen !== null, "interrupt taken");
    if (blocks) assert.ok(cpu.blocks!.compiled > 0);
    const s: Seen = seen;
    assert.equal(s.ip, 0x0B);
    results.push({ seen: s, end: cpuState(cpu) });
  }
  assert.deepEqual(results[1], results[0]);
});
