/**
 * INT 13h disk services for up to two diskette drives (00h, 01h) and two hard
 * disks (80h, 81h) backed by BlockDevices, including the IBM/Phoenix enhanced
 * functions 41h–48h on hard disks. Data moves into guest memory only through
 * the memory write path, and out of it through the read path.
 */
import { AH, AL, AX, BH, BL, BX, CH, CL, CX, DH, DI, DL, DS, DX, ES, SI } from "../cpu/registers.ts";
import type { PagedMemory } from "../memory/paged_memory.ts";
import type { BlockDevice } from "../../disks/block_device.ts";
import * as B from "./bda.ts";
import { type Bda, linear, setCarry } from "./access.ts";
import type { BiosCpu, BiosDisks } from "./host.ts";
import * as L from "./rom_layout.ts";

/** INT 13h status codes (AH on return). */
export const DiskStatus = {
  ok: 0x00,
  badCommand: 0x01,
  addressMark: 0x02,
  writeProtected: 0x03,
  sectorNotFound: 0x04,
  mediaChanged: 0x06,
  dmaBoundary: 0x09,
  seekFailed: 0x40,
  timeout: 0x80,
  notReady: 0xAA,
} as const;

const MAX_SECTORS_PER_CALL = 255;
const SECTOR = 512;
/** Diskette motor stays on this many timer ticks after the last access (about two seconds). */
const MOTOR_OFF_TICKS = 37;

/** Diskette drive type (as INT 13h AH=08h BL reports it) for a geometry. */
export function floppyType(sectorsPerTrack: number, cylinders: number): number {
  if (sectorsPerTrack >= 36) return 5; // 2.88M
  if (sectorsPerTrack >= 18) return 4; // 1.44M
  if (sectorsPerTrack >= 15) return 2; // 1.2M
  if (cylinders > 42) return 3; // 720K
  return 1; // 360K and smaller
}

/** The disk BIOS. */
export class DiskService {
  /** One call's worth of sectors, reused. */
  private readonly buffer = new Uint8Array(MAX_SECTORS_PER_CALL * SECTOR);
  /** Per-diskette "medium changed since last access" (change line). */
  private readonly changed = [false, false];

  constructor(
    private readonly cpu: BiosCpu,
    private readonly memory: PagedMemory,
    private readonly bda: Bda,
    private readonly disks: BiosDisks,
  ) {}

  /** Number of diskette drives present. */
  floppyCount(): number {
    return this.disks.floppy.filter((d) => d !== null && d !== undefined).length;
  }

  /** Number of hard disks present. */
  hardCount(): number {
    return this.disks.hard.filter((d) => d !== null && d !== undefined).length;
  }

  /** Marks the diskette in `drive` as changed (a new medium was inserted). */
  mediumChanged(drive: number): void {
    if (drive === 0 || drive === 1) this.changed[drive] = true;
  }

  /** Change-line state of drives 0 and 1 (for snapshots). */
  changedLines(): boolean[] {
    return [this.changed[0], this.changed[1]];
  }

  setChangedLines(lines: readonly boolean[]): void {
    this.changed[0] = lines[0] === true;
    this.changed[1] = lines[1] === true;
  }

  /** The device behind a BIOS drive number, or null. */
  device(drive: number): BlockDevice | null {
    if (drive < 0x80) return this.disks.floppy[drive] ?? null;
    return this.disks.hard[drive - 0x80] ?? null;
  }

  handle(): void {
    const r8 = this.cpu.regs8;
    const drive = r8[DL];
    const fn = r8[AH];
    if (fn === 0x01) {
      const last = this.bda.get8(drive >= 0x80 ? B.BDA_HD_STATUS : B.BDA_FLOPPY_STATUS);
      r8[AH] = last;
      r8[AL] = last;
      setCarry(this.cpu, last !== 0);
      return;
    }
    const status = this.dispatch(fn, drive);
    r8[AH] = status;
    // AH=15h and AH=41h answer in AH with CF clear; everything else reports a status.
    const answer = (fn === 0x15 && status !== DiskStatus.badCommand) || (fn === 0x41 && status === 0x21);
    this.bda.set8(drive >= 0x80 ? B.BDA_HD_STATUS : B.BDA_FLOPPY_STATUS, answer ? 0 : status);
    setCarry(this.cpu, !answer && status !== DiskStatus.ok);
    if (drive < 0x80 && this.device(drive) !== null) this.motorOn(drive);
  }

  private motorOn(drive: number): void {
    this.bda.set8(B.BDA_FLOPPY_MOTOR, (this.bda.get8(B.BDA_FLOPPY_MOTOR) & 0xF0) | (1 << drive));
    this.bda.set8(B.BDA_FLOPPY_MOTOR_COUNT, MOTOR_OFF_TICKS);
  }

  private dispatch(fn: number, drive: number): number {
    const dev = this.device(drive);
    const hard = drive >= 0x80;
    switch (fn) {
      case 0x00: // reset
        if (dev === null && hard) return DiskStatus.badCommand;
        if (!hard) this.bda.set8(B.BDA_FLOPPY_RECAL, 0);
        return DiskStatus.ok;
      case 0x02:
      case 0x03:
      case 0x04:
        return this.chsTransfer(fn, drive, dev);
      case 0x08:
        return this.parameters(drive, dev);
      case 0x15:
        return this.driveType(drive, dev);
      case 0x16:
        if (hard || dev === null) return dev === null ? DiskStatus.timeout : DiskStatus.badCommand;
        if (this.changed[drive]) {
          this.changed[drive] = false;
          return DiskStatus.mediaChanged;
        }
        return DiskStatus.ok;
      case 0x05: // format track: accepted on writable media without changing data
        if (dev === null) return hard ? DiskStatus.badCommand : DiskStatus.timeout;
        return dev.readOnly ? DiskStatus.writeProtected : DiskStatus.ok;
      case 0x09: // hard disk: initialize parameters, seek, recalibrate, ready, diagnostics
      case 0x0C:
      case 0x0D:
      case 0x10:
      case 0x11:
      case 0x14:
        if (!hard) return DiskStatus.badCommand;
        return dev === null ? DiskStatus.badCommand : DiskStatus.ok;
      case 0x17: // set diskette type for format
      case 0x18: // set media type for format
        if (hard) return DiskStatus.badCommand;
        if (fn === 0x18 && dev !== null) {
          this.cpu.sregs[ES] = L.ROM_SEGMENT;
          this.cpu.regs[DI] = L.ROM_DISKETTE_PARAMS;
        }
        return dev === null ? DiskStatus.timeout : DiskStatus.ok;
      case 0x41:
        return this.extensionsPresent(dev, hard);
      case 0x42:
      case 0x43:
      case 0x44:
      case 0x47:
        return hard && dev !== null ? this.packetTransfer(fn, dev) : DiskStatus.badCommand;
      case 0x48:
        return hard && dev !== null ? this.extendedParameters(dev) : DiskStatus.badCommand;
      default:
        return DiskStatus.badCommand;
    }
  }

  /** AH=02h read, 03h write, 04h verify: AL sectors at CHS (CH, CL, DH) to/from ES:BX. */
  private chsTransfer(fn: number, drive: number, dev: BlockDevice | null): number {
    const r8 = this.cpu.regs8;
    const count = r8[AL];
    if (dev === null) {
      r8[AL] = 0;
      return drive >= 0x80 ? DiskStatus.badCommand : DiskStatus.timeout;
    }
    if (drive < 0x80 && this.changed[drive]) {
      // The first access after a medium change reports it, as the change line does.
      this.changed[drive] = false;
      r8[AL] = 0;
      return DiskStatus.mediaChanged;
    }
    const g = dev.geometry;
    const cyl = r8[CH] | ((r8[CL] & 0xC0) << 2);
    const sector = r8[CL] & 0x3F;
    const head = r8[DH];
    if (count === 0) {
      r8[AL] = 0;
      return DiskStatus.badCommand;
    }
    if (sector === 0 || sector > g.sectorsPerTrack || head >= g.heads || cyl >= g.cylinders) {
      r8[AL] = 0;
      return DiskStatus.sectorNotFound;
    }
    const lba = (cyl * g.heads + head) * g.sectorsPerTrack + (sector - 1);
    const available = Math.max(0, Math.min(count, dev.sectorCount - lba));
    const addr = linear(this.cpu.sregs[ES], this.cpu.regs[BX]);
    const done = this.transfer(
      fn === 0x02 ? "read" : fn === 0x03 ? "write" : "verify",
      dev,
      lba,
      available,
      addr,
    );
    r8[AL] = done.count;
    if (done.status !== DiskStatus.ok) return done.status;
    return available < count ? DiskStatus.sectorNotFound : DiskStatus.ok;
  }

  private readonly result = { status: 0, count: 0 };

  /** Moves `count` sectors between the device at `lba` and guest memory at linear `addr`. */
  private transfer(
    kind: "read" | "write" | "verify",
    dev: BlockDevice,
    lba: number,
    count: number,
    addr: number,
  ): { status: number; count: number } {
    const result = this.result;
    result.count = 0;
    result.status = DiskStatus.ok;
    if (count === 0) return result;
    if (kind === "write" && dev.readOnly) {
      result.status = DiskStatus.writeProtected;
      return result;
    }
    const bytes = count * SECTOR;
    const buf = this.buffer;
    try {
      if (kind === "write") {
        copyFromGuest(this.memory, addr, buf, bytes);
        dev.write(lba, count, buf);
      } else {
        dev.read(lba, count, buf);
        if (kind === "read") copyToGuest(this.memory, addr, buf, bytes);
      }
    } catch {
      // A host I/O failure looks to the guest like an unreadable sector, which DOS retries and reports.
      result.status = kind === "write" ? DiskStatus.writeProtected : DiskStatus.sectorNotFound;
      return result;
    }
    result.count = count;
    return result;
  }

  /** AH=08h: drive parameters. */
  private parameters(drive: number, dev: BlockDevice | null): number {
    const r8 = this.cpu.regs8;
    const regs = this.cpu.regs;
    if (drive >= 0x80) {
      if (dev === null) return DiskStatus.badCommand;
      const g = dev.geometry;
      const maxCyl = Math.min(g.cylinders, 1024) - 1;
      regs[AX] = 0;
      r8[CH] = maxCyl & 0xFF;
      r8[CL] = (g.sectorsPerTrack & 0x3F) | ((maxCyl >> 2) & 0xC0);
      r8[DH] = g.heads - 1;
      r8[DL] = this.hardCount();
      return DiskStatus.ok;
    }
    if (drive > 1 || dev === null) return DiskStatus.timeout;
    const g = dev.geometry;
    regs[AX] = 0;
    r8[BH] = 0;
    r8[BL] = floppyType(g.sectorsPerTrack, g.cylinders);
    r8[CH] = (g.cylinders - 1) & 0xFF;
    r8[CL] = (g.sectorsPerTrack & 0x3F) | (((g.cylinders - 1) >> 2) & 0xC0);
    r8[DH] = g.heads - 1;
    r8[DL] = this.floppyCount();
    this.cpu.sregs[ES] = L.ROM_SEGMENT;
    regs[DI] = L.ROM_DISKETTE_PARAMS;
    return DiskStatus.ok;
  }

  /** AH=15h: AH = 00h none, 02h diskette with change line, 03h hard disk (CX:DX sectors). */
  private driveType(drive: number, dev: BlockDevice | null): number {
    const regs = this.cpu.regs;
    const r8 = this.cpu.regs8;
    if (dev === null) return 0x00;
    if (drive < 0x80) return 0x02;
    regs[CX] = Math.floor(dev.sectorCount / 0x10000) & 0xFFFF;
    regs[DX] = dev.sectorCount & 0xFFFF;
    r8[AL] = 0;
    // Not an error although AH is non-zero: the status byte is the answer.
    return 0x03;
  }

  /** AH=41h BX=55AAh: extensions installed on hard disks (v1.1, fixed-disk access subset). */
  private extensionsPresent(dev: BlockDevice | null, hard: boolean): number {
    const regs = this.cpu.regs;
    if (!hard || dev === null || regs[BX] !== 0x55AA) return DiskStatus.badCommand;
    regs[BX] = 0xAA55;
    regs[CX] = 0x0001;
    return 0x21;
  }

  /** AH=42h read, 43h write, 44h verify, 47h seek, from the disk address packet at DS:SI. */
  private packetTransfer(fn: number, dev: BlockDevice): number {
    const p = linear(this.cpu.sregs[DS], this.cpu.regs[SI]);
    const m = this.memory;
    if (m.read8(p) < 0x10) return DiskStatus.badCommand;
    const count = m.read16(p + 2);
    const bufOff = m.read16(p + 4);
    const bufSeg = m.read16(p + 6);
    const lbaLow = (m.read16(p + 8) | (m.read16(p + 10) << 16)) >>> 0;
    const lbaHigh = (m.read16(p + 12) | (m.read16(p + 14) << 16)) >>> 0;
    if (lbaHigh !== 0 || lbaLow >= dev.sectorCount) {
      m.write16(p + 2, 0);
      return DiskStatus.sectorNotFound;
    }
    if (fn === 0x47) return DiskStatus.ok;
    const n = Math.min(count, MAX_SECTORS_PER_CALL, dev.sectorCount - lbaLow);
    const kind = fn === 0x42 ? "read" : fn === 0x43 ? "write" : "verify";
    const done = this.transfer(kind, dev, lbaLow, n, linear(bufSeg, bufOff));
    m.write16(p + 2, done.count);
    if (done.status !== DiskStatus.ok) return done.status;
    return n < count ? DiskStatus.sectorNotFound : DiskStatus.ok;
  }

  /** AH=48h: the 1Ah-byte drive parameter buffer at DS:SI. */
  private extendedParameters(dev: BlockDevice): number {
    const p = linear(this.cpu.sregs[DS], this.cpu.regs[SI]);
    const m = this.memory;
    if (m.read16(p) < 0x1A) return DiskStatus.badCommand;
    const g = dev.geometry;
    m.write16(p, 0x1A);
    m.write16(p + 2, 0x0002); // CHS information valid
    m.write16(p + 4, g.cylinders & 0xFFFF);
    m.write16(p + 6, 0);
    m.write16(p + 8, g.heads);
    m.write16(p + 10, 0);
    m.write16(p + 12, g.sectorsPerTrack);
    m.write16(p + 14, 0);
    m.write16(p + 16, dev.sectorCount & 0xFFFF);
    m.write16(p + 18, Math.floor(dev.sectorCount / 0x10000) & 0xFFFF);
    m.write16(p + 20, 0);
    m.write16(p + 22, 0);
    m.write16(p + 24, SECTOR);
    return DiskStatus.ok;
  }
}

/** Stores `data[0, length)` at linear `addr` as `length` calls of `memory.write8` would (see {@link PagedMemory.writeBlock}). */
export function copyToGuest(memory: PagedMemory, addr: number, data: Uint8Array, length: number): void {
  memory.writeBlock(addr, length === data.length ? data : data.subarray(0, length));
}

/** Reads `length` bytes at linear `addr` into `into` as `memory.read8` would (see {@link PagedMemory.readBlock}). */
export function copyFromGuest(memory: PagedMemory, addr: number, into: Uint8Array, length: number): void {
  memory.readBlock(addr, length === into.length ? into : into.subarray(0, length));
}
