/**
 * Restoring CPU state forgets compiled blocks: memory comes back behind the write path (as a
 * snapshot restore does), so a loop compiled before must not run in place of the code that is
 * there now, and the loop heat kept across the restore only makes the new code compile sooner.
 */
import assert from "node:assert/strict";
import { blockSettings } from "../../core/cpu/block.ts";
import { Cpu } from "../../core/cpu/cpu.ts";
import { AX, CS } from "../../core/cpu/registers.ts";
import { IoBus } from "../../core/io/io_bus.ts";
import { PAGE_CODE, PagedMemory } from "../../core/memory/paged_memory.ts";
import { CODE_SEG } from "./machine.ts";

blockSettings.hotThreshold = 16;

const INC_LOOP = [0x40, 0xEB, 0xFD]; // inc ax / jmp short -3
const DEC_LOOP = [0x48, 0xEB, 0xFD]; // dec ax / jmp short -3

function cpuWith(code: number[], compileBlocks: boolean): { cpu: Cpu; memory: PagedMemory } {
  const memory = new PagedMemory(1 << 20);
  const cpu = new Cpu(memory, new IoBus(), { model: "80186", compileBlocks });
  memory.writeBlock(CODE_SEG << 4, new Uint8Array(code));
  cpu.sregs[CS] = CODE_SEG;
  cpu.ip = 0;
  return { cpu, memory };
}

Deno.test("after loadState, code replaced behind the write path runs instead of the block compiled before", () => {
  for (const compileBlocks of [true, false]) {
    const { cpu, memory } = cpuWith(INC_LOOP, compileBlocks);
    const start = cpu.saveState();
    cpu.run(20_000);
    assert.ok(cpu.regs[AX] > 100, "the loop ran");
    const page = (CODE_SEG << 4) >>> 12;
    if (compileBlocks) assert.ok((cpu.pageFlags[page] & PAGE_CODE) !== 0, "the loop was compiled");
    // A restore: memory set directly (no write path, so no self-modifying-code hook), then the CPU.
    memory.bytes.set(DEC_LOOP, CODE_SEG << 4);
    cpu.loadState(start);
    assert.equal(cpu.pageFlags[page] & PAGE_CODE, 0, "no page is marked as holding compiled code");
    cpu.run(20_000);
    const ax = cpu.regs[AX];
    assert.ok(
      ax > 0x8000,
      `AX counts down from 0 (wraps), got ${ax.toString(16)} with blocks ${compileBlocks}`,
    );
    // Both ways agree to the instruction.
    const plain = cpuWith(DEC_LOOP, false);
    plain.cpu.run(20_000);
    assert.equal(ax, plain.cpu.regs[AX]);
  }
});
