/**
 * Lazy restore: the CPU and device state is loaded at once and the guest runs;
 * memory pages arrive in the background ({@link LazyRestore.pump}, about 1 ms per
 * call), and a page the guest touches first is loaded at that moment.
 *
 * How the first touch is caught: each page not yet loaded is parked behind a
 * {@link MmioHandler} of ours with {@link PAGE_MMIO} set. The CPU reads `bytes`
 * directly only for pages without that flag, and every write goes through
 * `PagedMemory.write8`, so parked pages fall into our handler while the CPU's fast
 * path stays exactly as it is. The handler loads the page, puts the page's own flags
 * and handler back, and performs the access. Pages that already were MMIO (the VGA
 * window, open bus) are not parked: nothing reads their bytes.
 *
 * Memories read directly by a device (VRAM: the VGA renders from `vram.bytes`) cannot
 * be trapped this way; list them in `eager` and they are loaded before the guest runs
 * (decoded ahead by `ResolvedSnapshot.predecode` when the caller did so: then only copied).
 */
import { type MmioHandler, PAGE_MMIO, PAGE_SHIFT, type PagedMemory } from "../memory/paged_memory.ts";
import { SnapshotError } from "./errors.ts";
import { identityMismatch } from "./format.ts";
import type { SnapshotTarget } from "./live_writer.ts";
import { hashPage, newPageHashTable, type PageHashTable } from "./page_hash.ts";
import type { ResolvedSnapshot } from "./resolved_snapshot.ts";
import { DEFAULT_PUMP_BUDGET_MS, StallBudget } from "./stall_budget.ts";

const WAITING = 0, LOADED = 1;

class RestoreTrap implements MmioHandler {
  constructor(readonly restore: LazyRestore, readonly memIndex: number, readonly memory: PagedMemory) {}

  mmioRead8(addr: number): number {
    this.restore.loadNow(this.memIndex, addr >>> PAGE_SHIFT);
    return this.memory.read8(addr);
  }

  mmioWrite8(addr: number, value: number): void {
    this.restore.loadNow(this.memIndex, addr >>> PAGE_SHIFT);
    this.memory.write8(addr, value);
  }
}

interface RestoreMemory {
  readonly name: string;
  readonly memory: PagedMemory;
  readonly snapIndex: number;
  readonly state: Uint8Array;
  readonly flags: Uint8Array;
  readonly handlers: (MmioHandler | null)[];
  readonly parked: Uint8Array;
  readonly hashes: PageHashTable;
  readonly words: Uint32Array;
}

/** Options of {@link LazyRestore.begin}. */
export interface LazyRestoreOptions {
  /** Memories loaded completely before the guest runs (read directly by devices). */
  readonly eager?: readonly string[];
}

/** A restore in progress: the guest already runs while pages arrive. */
export class LazyRestore {
  readonly snapshot: ResolvedSnapshot;
  #mems: RestoreMemory[] = [];
  #mem = 0;
  #page = 0;
  #remaining = 0;
  #total = 0;
  readonly #budget = new StallBudget(undefined, 0.03);
  /** Pages loaded because the guest touched them first. */
  faults = 0;
  /** Longest single page load done in the fault path, in ms. */
  maxFaultMs = 0;

  private constructor(snapshot: ResolvedSnapshot) {
    this.snapshot = snapshot;
  }

  /**
   * Checks the machine identity, loads the CPU and device state, loads eager memories
   * and parks every other page. Throws {@link SnapshotError} (machine untouched) on a mismatch.
   */
  static begin(
    target: SnapshotTarget,
    snapshot: ResolvedSnapshot,
    options: LazyRestoreOptions = {},
  ): LazyRestore {
    const top = snapshot.top;
    const problem = identityMismatch(top.meta.identity, target.config);
    if (problem) throw new SnapshotError(top.source, `made for a different machine: ${problem}`);
    const r = new LazyRestore(snapshot);
    for (const { name, memory } of target.memories) {
      const snapIndex = snapshot.memoryIndex(name);
      const layout = snapshot.memoryLayout()[snapIndex];
      if (snapIndex < 0 || layout.size !== memory.bytes.length) {
        throw new SnapshotError(top.source, `has no memory ${name} of ${memory.bytes.length} bytes`);
      }
      if (memory.barrier !== null) {
        throw new SnapshotError(top.source, `cannot restore ${name} while a snapshot is being taken`);
      }
      for (let p = 0; p < memory.pageCount; p++) {
        if (memory.mmioHandlerOf(p) instanceof RestoreTrap) {
          throw new SnapshotError(
            top.source,
            `cannot restore ${name}: an earlier restore is still loading it`,
          );
        }
      }
    }
    const state = snapshot.state(); // decoded before anything changes, so a bad state leaves the machine as it was
    target.state.loadState(state);
    target.memories.forEach(({ name, memory }, i) => {
      const m: RestoreMemory = {
        name,
        memory,
        snapIndex: snapshot.memoryIndex(name),
        state: new Uint8Array(memory.pageCount),
        flags: new Uint8Array(memory.pageCount),
        handlers: new Array<MmioHandler | null>(memory.pageCount).fill(null),
        parked: new Uint8Array(memory.pageCount),
        hashes: newPageHashTable(memory.pageCount),
        words: new Uint32Array(memory.bytes.buffer, memory.bytes.byteOffset, memory.bytes.length >>> 2),
      };
      r.#mems.push(m);
      r.#remaining += memory.pageCount;
      r.#total += memory.pageCount;
      const eager = options.eager?.includes(name) ?? false;
      const trap = new RestoreTrap(r, i, memory);
      const ready = eager ? snapshot.decoded(name) : undefined;
      if (ready) {
        memory.bytes.set(ready);
        for (let p = 0; p < memory.pageCount; p++) r.#loaded(m, p);
        return;
      }
      for (let p = 0; p < memory.pageCount; p++) {
        if (eager) {
          r.#load(m, p);
          continue;
        }
        const flags = memory.pageFlags[p];
        if ((flags & PAGE_MMIO) !== 0) continue;
        m.flags[p] = flags;
        m.handlers[p] = memory.mmioHandlerOf(p);
        m.parked[p] = 1;
        memory.setPageRouting(p, flags | PAGE_MMIO, trap);
      }
    });
    return r;
  }

  /** True once every page is back. */
  get done(): boolean {
    return this.#remaining === 0;
  }

  /** Pages still to load, and the total. */
  get progress(): { pagesRemaining: number; pagesTotal: number } {
    return { pagesRemaining: this.#remaining, pagesTotal: this.#total };
  }

  /** Page hashes of the restored memories (valid once {@link done}): the base of the next diff. */
  get hashes(): Map<string, PageHashTable> {
    return new Map(this.#mems.map((m) => [m.name, m.hashes]));
  }

  /**
   * Loads pages in order for about `budgetMs` (at least one page; the clock is checked
   * after each, see {@link StallBudget}). Returns true while pages remain.
   */
  pump(budgetMs = DEFAULT_PUMP_BUDGET_MS): boolean {
    const budget = this.#budget;
    budget.begin(budgetMs);
    while (this.#mem < this.#mems.length) {
      const m = this.#mems[this.#mem];
      while (this.#page < m.memory.pageCount) {
        const p = this.#page++;
        if (m.state[p] === WAITING) {
          this.#load(m, p);
          if (!budget.next()) return !this.done;
        }
      }
      this.#mem++;
      this.#page = 0;
    }
    return !this.done;
  }

  /** Loads everything left now (before taking a snapshot, or on exit). */
  finishNow(): void {
    while (this.pump(1000));
  }

  /** The guest touched a parked page: load it now (called by the trap). */
  loadNow(memIndex: number, page: number): void {
    const m = this.#mems[memIndex];
    if (m.state[page] !== WAITING) return;
    const t0 = performance.now();
    this.#load(m, page);
    this.faults++;
    const ms = performance.now() - t0;
    if (ms > this.maxFaultMs) this.maxFaultMs = ms;
  }

  #load(m: RestoreMemory, page: number): void {
    this.snapshot.loadPage(m.snapIndex, page, m.memory.bytes, page << PAGE_SHIFT);
    this.#loaded(m, page);
  }

  /** Bookkeeping once a page's bytes are in place. */
  #loaded(m: RestoreMemory, page: number): void {
    hashPage(m.words, page << (PAGE_SHIFT - 2), m.hashes, page);
    m.state[page] = LOADED;
    this.#remaining--;
    if (m.parked[page]) {
      m.parked[page] = 0;
      m.memory.setPageRouting(page, m.flags[page], m.handlers[page]);
    }
  }
}
