/**
 * INT 19h bootstrap: tries each drive of the boot order, loads its first
 * sector (CHS 0/0/1) to 0000:7C00 through the memory write path, and hands
 * the ROM stub DL = drive with CF=0, or CF=1 when nothing could be booted.
 *
 * Hard disks must carry the 55AAh signature. Diskettes are accepted without
 * it when the sector is not blank: the IBM PC and AT BIOSes never checked the
 * signature on diskettes, and early DOS and self-booting disks lack it.
 */
import { DL } from "../cpu/registers.ts";
import type { PagedMemory } from "../memory/paged_memory.ts";
import { setCarry } from "./access.ts";
import type { BiosCpu, BootDrive } from "./host.ts";
import type { DiskService } from "./int13_disk.ts";

/** Where the boot sector goes. */
export const BOOT_ADDRESS = 0x7C00;

/** True if `sector` may be booted from a drive of this kind. */
export function isBootable(sector: Uint8Array, hardDisk: boolean): boolean {
  if (sector[510] === 0x55 && sector[511] === 0xAA) return true;
  if (hardDisk) return false;
  for (let i = 1; i < 512; i++) if (sector[i] !== sector[0]) return true;
  return false; // blank or freshly formatted (one fill byte throughout)
}

/** INT 19h's work. */
export class BootService {
  private readonly sector = new Uint8Array(512);

  constructor(
    private readonly cpu: BiosCpu,
    private readonly memory: PagedMemory,
    private readonly disks: DiskService,
    private readonly order: readonly BootDrive[],
  ) {}

  handle(): void {
    for (const choice of this.order) {
      const drive = choice === "a" ? 0x00 : 0x80;
      const dev = this.disks.device(drive);
      if (dev === null) continue;
      try {
        dev.read(0, 1, this.sector);
      } catch {
        continue; // unreadable: try the next drive, as a BIOS does after a read error
      }
      if (!isBootable(this.sector, drive >= 0x80)) continue;
      this.memory.writeBlock(BOOT_ADDRESS, this.sector);
      this.cpu.regs8[DL] = drive;
      setCarry(this.cpu, false);
      return;
    }
    setCarry(this.cpu, true);
  }
}
