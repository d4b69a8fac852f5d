/**
 * Guest memory split into 4 KiB pages with exactly one write path.
 *
 * Every guest-visible store (CPU instructions, BIOS services, DMA, disk reads
 * into memory) goes through {@link PagedMemory.write8}, {@link PagedMemory.write16}
 * or {@link PagedMemory.writeBlock}. Pages carry flags; a page with no flags is
 * plain RAM and takes the fast path. Flagged pages take the slow path, which is
 * where ROM protection, memory-mapped devices and the live-snapshot
 * {@link PageWriteBarrier} hang.
 *
 * @example
 * ```ts
 * const mem = new PagedMemory(1 << 20);
 * mem.write16(0xFFFFF, 0x1234); // wraps: low byte at FFFFF, high byte at 00000
 * mem.read8(0) === 0x12;
 * ```
 */

/** log2 of the page size. */
export const PAGE_SHIFT = 12;
/** Bytes per page (4 KiB). */
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** Page flag: writes are ignored (BIOS ROM, option ROMs). */
export const PAGE_ROM = 1;
/** Page flag: a write barrier wants to see the first write to this page. */
export const PAGE_GUARDED = 2;
/** Page flag: reads and writes are served by a {@link MmioHandler}. */
export const PAGE_MMIO = 4;
/**
 * Page flag: the CPU has compiled code from this page; writes take the slow path and call
 * {@link PagedMemory.codeWriteHook} first (self-modifying code invalidates the compiled blocks).
 */
export const PAGE_CODE = 8;

/** A device that serves a range of the address space (the VGA at A0000–BFFFF). */
export interface MmioHandler {
  mmioRead8(addr: number): number;
  mmioWrite8(addr: number, value: number): void;
}

/**
 * Told about the first write to each guarded page before the write happens,
 * so a live snapshot can save the page's old contents (copy-before-write).
 * The barrier must clear {@link PAGE_GUARDED} on the page (via
 * {@link PagedMemory.unguard}) once it has saved it.
 */
export interface PageWriteBarrier {
  beforeWrite(memory: PagedMemory, page: number): void;
}

export class PagedMemory {
  /** Backing store. Readers may index it directly for pages without {@link PAGE_MMIO}. */
  readonly bytes: Uint8Array;
  /** One flag byte per page ({@link PAGE_ROM} | {@link PAGE_GUARDED} | {@link PAGE_MMIO}). */
  readonly pageFlags: Uint8Array;
  /** Address mask: addresses wrap at the size (a power of two). */
  readonly mask: number;
  readonly pageCount: number;
  /** Who is told about writes to guarded pages; null when no snapshot is in progress. */
  barrier: PageWriteBarrier | null = null;
  /**
   * Incremented on every write to an unguarded page only when {@link trackWrites} is on;
   * kept per page so snapshots can find pages dirtied since a point.
   */
  readonly pageWriteEpoch: Uint32Array;
  private readonly mmio: (MmioHandler | null)[];
  /** Told about each write to a {@link PAGE_CODE} page before it happens (set by the CPU). */
  codeWriteHook: ((addr: number) => void) | null = null;

  constructor(size: number) {
    if (size < PAGE_SIZE || (size & (size - 1)) !== 0) {
      throw new RangeError(`memory size must be a power of two ≥ ${PAGE_SIZE}, got ${size}`);
    }
    this.bytes = new Uint8Array(size);
    this.mask = size - 1;
    this.pageCount = size >>> PAGE_SHIFT;
    this.pageFlags = new Uint8Array(this.pageCount);
    this.pageWriteEpoch = new Uint32Array(this.pageCount);
    this.mmio = new Array<MmioHandler | null>(this.pageCount).fill(null);
  }

  /** Marks [start, start+length) as ROM (length rounded to whole pages). */
  setRom(start: number, length: number, rom = true): void {
    for (let p = start >>> PAGE_SHIFT; p < (start + length + PAGE_SIZE - 1) >>> PAGE_SHIFT; p++) {
      this.pageFlags[p] = rom ? this.pageFlags[p] | PAGE_ROM : this.pageFlags[p] & ~PAGE_ROM;
    }
  }

  /** Routes [start, start+length) to a device. */
  mapMmio(start: number, length: number, handler: MmioHandler): void {
    for (let p = start >>> PAGE_SHIFT; p < (start + length + PAGE_SIZE - 1) >>> PAGE_SHIFT; p++) {
      this.pageFlags[p] |= PAGE_MMIO;
      this.mmio[p] = handler;
    }
  }

  /** The device serving `page`, or null. */
  mmioHandlerOf(page: number): MmioHandler | null {
    return this.mmio[page];
  }

  /**
   * Sets one page's flags and handler together. A lazy restore parks a not-yet-loaded
   * page behind its own handler ({@link PAGE_MMIO}) and later puts the original back,
   * so the CPU's direct-read fast path needs no extra check.
   */
  setPageRouting(page: number, flags: number, handler: MmioHandler | null): void {
    this.pageFlags[page] = flags;
    this.mmio[page] = handler;
  }

  /** Arms the barrier on every page (start of a live snapshot). */
  guardAll(barrier: PageWriteBarrier): void {
    this.barrier = barrier;
    for (let p = 0; p < this.pageCount; p++) this.pageFlags[p] |= PAGE_GUARDED;
  }

  /** The barrier has saved this page: writes to it take the fast path again. */
  unguard(page: number): void {
    this.pageFlags[page] &= ~PAGE_GUARDED;
  }

  /** True while the page still waits for the barrier. */
  isGuarded(page: number): boolean {
    return (this.pageFlags[page] & PAGE_GUARDED) !== 0;
  }

  read8(addr: number): number {
    addr &= this.mask;
    if ((this.pageFlags[addr >>> PAGE_SHIFT] & PAGE_MMIO) === 0) return this.bytes[addr];
    return this.mmio[addr >>> PAGE_SHIFT]!.mmioRead8(addr);
  }

  read16(addr: number): number {
    return this.read8(addr) | (this.read8(addr + 1) << 8);
  }

  /** The one byte write path. */
  write8(addr: number, value: number): void {
    addr &= this.mask;
    const flags = this.pageFlags[addr >>> PAGE_SHIFT];
    if (flags === 0) {
      this.bytes[addr] = value;
      return;
    }
    this.writeSlow(addr, value, flags);
  }

  write16(addr: number, value: number): void {
    this.write8(addr, value);
    this.write8(addr + 1, value >>> 8);
  }

  /**
   * Copies `data` into memory as `data.length` calls of {@link write8} would: a page with no
   * flags (plain RAM: not ROM, MMIO, guarded or holding compiled code) takes its part in one
   * block copy, any other page byte by byte through {@link write8}, so ROM, devices, the
   * snapshot barrier and the code hook see every byte as before. Disk reads, mode sets and
   * state loads move kilobytes at a time; byte-wise, that was a large part of a cold boot.
   */
  writeBlock(addr: number, data: Uint8Array): void {
    const length = data.length;
    let i = 0;
    while (i < length) {
      const a = (addr + i) & this.mask;
      const n = Math.min(length - i, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
      if (this.pageFlags[a >>> PAGE_SHIFT] === 0) {
        this.bytes.set(n === length ? data : data.subarray(i, i + n), a);
      } else {
        for (let k = 0; k < n; k++) this.write8(a + k, data[i + k]);
      }
      i += n;
    }
  }

  /** Stores `value` into `length` bytes from `addr`, as that many {@link write8} calls would. */
  fill(addr: number, length: number, value: number): void {
    let i = 0;
    while (i < length) {
      const a = (addr + i) & this.mask;
      const n = Math.min(length - i, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
      if (this.pageFlags[a >>> PAGE_SHIFT] === 0) {
        this.bytes.fill(value, a, a + n);
      } else {
        for (let k = 0; k < n; k++) this.write8(a + k, value);
      }
      i += n;
    }
  }

  /** Copies memory into `into` as {@link read8} would: pages without MMIO in one copy each. */
  readBlock(addr: number, into: Uint8Array): void {
    const length = into.length;
    let i = 0;
    while (i < length) {
      const a = (addr + i) & this.mask;
      const n = Math.min(length - i, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
      if ((this.pageFlags[a >>> PAGE_SHIFT] & PAGE_MMIO) === 0) {
        into.set(this.bytes.subarray(a, a + n), i);
      } else {
        for (let k = 0; k < n; k++) into[i + k] = this.read8(a + k);
      }
      i += n;
    }
  }

  /** Writes bytes ignoring ROM protection (loading the BIOS image); still honours the barrier. */
  loadRom(addr: number, data: Uint8Array): void {
    const length = data.length;
    let i = 0;
    while (i < length) {
      const a = (addr + i) & this.mask;
      const page = a >>> PAGE_SHIFT;
      const n = Math.min(length - i, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
      if ((this.pageFlags[page] & PAGE_GUARDED) !== 0) this.barrier?.beforeWrite(this, page);
      this.bytes.set(n === length ? data : data.subarray(i, i + n), a);
      i += n;
    }
  }

  private writeSlow(addr: number, value: number, flags: number): void {
    const page = addr >>> PAGE_SHIFT;
    if ((flags & PAGE_MMIO) !== 0) {
      this.mmio[page]!.mmioWrite8(addr, value);
      return;
    }
    if ((flags & PAGE_ROM) !== 0) return;
    if ((flags & PAGE_CODE) !== 0 && this.codeWriteHook !== null) this.codeWriteHook(addr);
    if ((flags & PAGE_GUARDED) !== 0 && this.barrier !== null) {
      this.barrier.beforeWrite(this, page);
    }
    this.bytes[addr] = value;
  }
}
