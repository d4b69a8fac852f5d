/**
 * Deterministic machine contents for snapshot step `k`, shared by the crash-test child
 * (which snapshots them) and the test (which checks restored snapshots against them).
 * Consecutive steps share most pages, so diff snapshots have references to follow.
 */
import { PAGE_SIZE } from "../../core/memory/paged_memory.ts";
import type { FakeMachine } from "./fake_machine.ts";

function fillPage(bytes: Uint8Array, page: number, seed: number): void {
  let x = (Math.imul(page + 1, 0x9E3779B1) ^ seed) >>> 0 || 1;
  const start = page * PAGE_SIZE;
  for (let i = 0; i < PAGE_SIZE; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // Low-entropy values so pages compress like real memory; every byte is set.
    bytes[start + i] = x & 0x0F;
    bytes[start + i + 1] = 0;
    bytes[start + i + 2] = (x >>> 8) & 3;
    bytes[start + i + 3] = 0;
  }
}

/** Sets RAM below A0000, VRAM and the CPU to step `k`'s contents (directly: no snapshot is running). */
export function setStep(m: FakeMachine, k: number): void {
  for (let p = 0; p < 0xA0; p++) fillPage(m.ram.bytes, p, p % 8 === k % 8 ? k : 0);
  for (let p = 0; p < m.vram.pageCount; p++) fillPage(m.vram.bytes, p, p % 8 === (k + 3) % 8 ? k : 0);
  m.cpu.regs.fill(k & 0xFFFF);
  m.cpu.cycles = k;
}

/** A fresh machine in step `k`'s state, to compare restored machines with. */
export function expectedStep(make: () => FakeMachine, k: number): FakeMachine {
  const m = make();
  setStep(m, k);
  return m;
}
