/**
 * Memory and instruction-stream access for the CPU.
 *
 * Reads index `memory.bytes` directly unless the page is memory-mapped I/O; every
 * store goes through `PagedMemory.write8` (the one write path, where ROM protection
 * and live-snapshot barriers hang). Word accesses wrap inside the segment: the high
 * byte of a word at offset FFFF comes from offset 0000 of the same segment.
 */
import { PAGE_MMIO, PAGE_SHIFT } from "../memory/paged_memory.ts";
import type { Cpu } from "./cpu.ts";
import { CS, SS } from "./registers.ts";

/** Reads the byte at a linear address (wrapped to the CPU's 1 MiB space). */
export function readLin8(c: Cpu, addr: number): number {
  addr &= c.addrMask;
  return (c.pageFlags[addr >>> PAGE_SHIFT] & PAGE_MMIO) === 0 ? c.bytes[addr] : c.memory.read8(addr);
}

/** Reads a little-endian word at a linear address (no segment wrap: IVT and loaders). */
export function readLin16(c: Cpu, addr: number): number {
  return readLin8(c, addr) | (readLin8(c, addr + 1) << 8);
}

/** Reads the byte at seg:off, `seg` being a segment register index. */
export function read8(c: Cpu, seg: number, off: number): number {
  return readLin8(c, (c.sregs[seg] << 4) + off);
}

/** Reads the word at seg:off, wrapping inside the segment at offset FFFF. */
export function read16(c: Cpu, seg: number, off: number): number {
  const base = c.sregs[seg] << 4;
  return readLin8(c, base + off) | (readLin8(c, base + ((off + 1) & 0xFFFF)) << 8);
}

/** Stores a byte at seg:off through the memory's write path. */
export function write8(c: Cpu, seg: number, off: number, value: number): void {
  c.memory.write8(((c.sregs[seg] << 4) + off) & c.addrMask, value & 0xFF);
}

/** Stores a word at seg:off through the memory's write path, wrapping inside the segment. */
export function write16(c: Cpu, seg: number, off: number, value: number): void {
  const base = c.sregs[seg] << 4;
  c.memory.write8((base + off) & c.addrMask, value & 0xFF);
  c.memory.write8((base + ((off + 1) & 0xFFFF)) & c.addrMask, (value >>> 8) & 0xFF);
}

/** Next byte of the instruction stream at CS:IP. */
export function fetch8(c: Cpu): number {
  const v = readLin8(c, (c.sregs[CS] << 4) + c.ip);
  c.ip = (c.ip + 1) & 0xFFFF;
  return v;
}

/** Next little-endian word of the instruction stream. */
export function fetch16(c: Cpu): number {
  const lo = fetch8(c);
  return lo | (fetch8(c) << 8);
}

/** Next byte of the instruction stream, sign-extended to a JS number. */
export function fetchS8(c: Cpu): number {
  return (fetch8(c) << 24) >> 24;
}

/** Pushes a word on SS:SP. */
export function push16(c: Cpu, value: number): void {
  const sp = (c.regs[4] - 2) & 0xFFFF;
  c.regs[4] = sp;
  write16(c, SS, sp, value);
}

/** Pops a word from SS:SP. */
export function pop16(c: Cpu): number {
  const sp = c.regs[4];
  const v = read16(c, SS, sp);
  c.regs[4] = sp + 2;
  return v;
}
