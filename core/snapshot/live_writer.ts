/**
 * Live snapshots: the guest stops only while the CPU and device state is copied and
 * the write barrier is armed on every memory; then the pages are saved in the
 * background by {@link LiveSnapshotWriter.pump}, which the emulation loop calls
 * between slices with a time budget (0.5 ms by default, checked after every page, so
 * one pump stays under 1 ms; see {@link StallBudget}). A guest write to a page not yet
 * saved first copies the page's old contents aside (copy-before-write, no
 * allocation), so the snapshot is exactly the machine at the instant it was taken.
 */
import { PAGE_SHIFT, PAGE_SIZE, type PagedMemory, type PageWriteBarrier } from "../memory/paged_memory.ts";
import type { Stateful, StateValue } from "../state.ts";
import { ByteWriter } from "./byte_writer.ts";
import { compressBlock, compressPage } from "./compress.ts";
import {
  type DiskRecord,
  type MachineIdentity,
  PAGE_RAW,
  PAGE_REF,
  PAGE_ZERO,
  PAGE_ZSTD,
  type SnapshotMeta,
} from "./format.ts";
import { hashPage, isZeroPage, newPageHashTable, type PageHashTable, samePageHash } from "./page_hash.ts";
import type { SnapshotSink } from "./sink.ts";
import { StateEncoder } from "./state_codec.ts";
import { encodeHead, encodeTrailer, writeMemoryHead } from "./file_layout.ts";
import { type Clock, DEFAULT_PUMP_BUDGET_MS, StallBudget } from "./stall_budget.ts";

/** A named guest memory a snapshot covers (RAM, VRAM). */
export interface SnapshotMemory {
  readonly name: string;
  readonly memory: PagedMemory;
}

/** What a snapshot is taken of: memories page by page, everything else through `state`. */
export interface SnapshotTarget {
  readonly memories: readonly SnapshotMemory[];
  readonly state: Stateful;
  readonly config: MachineIdentity;
}

/** The snapshot a new one is a diff against: its id, diff depth and per-memory page hashes. */
export interface DiffBase {
  readonly id: string;
  readonly diffDepth: number;
  readonly hashes: ReadonlyMap<string, PageHashTable>;
}

/** Options of one snapshot, resolved at the instant it is taken. */
export interface TakeOptions {
  readonly id: string;
  readonly sink: SnapshotSink;
  /** Tree parent (defaults to the diff base's id, or null). */
  readonly parentId?: string | null;
  readonly label?: string;
  /** Pages equal to the base's are stored as references to it; null or absent: a full snapshot. */
  readonly base?: DiffBase | null;
  /** Disk records, or a function giving them once {@link prepare} is done (a freeze that settles). */
  readonly disks?: readonly DiskRecord[] | (() => readonly DiskRecord[]);
  /**
   * Background work needed before the header (e.g. flushing frozen disk layers): called
   * once per pump, one bounded unit each time, until it returns true.
   */
  readonly prepare?: () => boolean;
  readonly createdAt?: Date;
}

/**
 * A queued request is resolved when its turn comes, so a factory can freeze disks and
 * pick the diff base at the true snapshot instant.
 */
export type TakeRequest = TakeOptions | (() => TakeOptions);

/** A finished snapshot. */
export interface SnapshotResult {
  readonly meta: SnapshotMeta;
  /** Size of the snapshot file. */
  readonly fileBytes: number;
  /** Guest memory covered (sum of memory sizes). */
  readonly memoryBytes: number;
  /** Page hashes of this snapshot (the next diff's base). */
  readonly hashes: Map<string, PageHashTable>;
  /** How long the guest was stopped at the start, in ms. */
  readonly pauseMs: number;
  /** Pages the guest wrote before the pump reached them (saved by copy-before-write). */
  readonly copiedPages: number;
  /** Longest single copy-before-write fault, in ms (a stall of the guest like a pump). */
  readonly maxFaultMs: number;
  /** Page records by kind: zero, reference, compressed, raw. */
  readonly pageKinds: { zero: number; ref: number; zstd: number; raw: number };
}

/** Progress for a status line. */
export interface SnapshotProgress {
  readonly id: string;
  readonly pagesDone: number;
  readonly pagesTotal: number;
  readonly bytesWritten: number;
}

const PENDING = 0, COPIED = 1, SAVED = 2;

/** State values encoded per unit of a pump (tens of µs even when the encoder runs unoptimised). */
const STATE_VALUES_PER_UNIT = 32;

interface MemoryJob {
  readonly name: string;
  readonly memory: PagedMemory;
  readonly live: Uint32Array;
  readonly shadow: Uint32Array;
  readonly pageState: Uint8Array;
  readonly hashes: PageHashTable;
  readonly baseHashes: PageHashTable | null;
}

interface Job {
  readonly options: TakeOptions;
  meta: SnapshotMeta;
  readonly state: StateValue;
  readonly mems: MemoryJob[];
  readonly pagesTotal: number;
  readonly pauseMs: number;
  readonly resolve: (r: SnapshotResult) => void;
  readonly reject: (e: unknown) => void;
  phase: "header" | "pages" | "finishing";
  /** The device state being encoded (the header's second step; null until then). */
  stateEncoder: StateEncoder | null;
  /** The device state encoded, then compressed (the header's third step; null until then). */
  encodedState: Uint8Array | null;
  packedState: Uint8Array | null;
  mem: number;
  page: number;
  pagesDone: number;
  copied: number;
  maxFaultMs: number;
  kinds: { zero: number; ref: number; zstd: number; raw: number };
}

interface Queued {
  readonly target: SnapshotTarget;
  readonly request: TakeRequest;
  readonly resolve: (r: SnapshotResult) => void;
  readonly reject: (e: unknown) => void;
}

/** Takes snapshots of a running machine without stopping it for more than the state copy. */
export class LiveSnapshotWriter implements PageWriteBarrier {
  #job: Job | null = null;
  #queue: Queued[] = [];
  #shadows = new Map<PagedMemory, Uint32Array>();
  #memIndex = new Map<PagedMemory, number>();
  readonly #now: Clock;
  readonly #budget: StallBudget;
  /** Reused for every pump's page records (no 64 KiB allocation per pump). */
  readonly #out = new ByteWriter(64 * 1024);

  /** `now`: the clock pumps are timed with (tests pass a fake one). */
  constructor(options: { now?: Clock } = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#budget = new StallBudget(this.#now);
  }

  /** True while a snapshot is being written. */
  get busy(): boolean {
    return this.#job !== null;
  }

  /** Requests waiting for the current snapshot to finish. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Progress of the snapshot being written, or null. */
  get progress(): SnapshotProgress | null {
    const j = this.#job;
    if (!j) return null;
    return {
      id: j.meta.id,
      pagesDone: j.pagesDone,
      pagesTotal: j.pagesTotal,
      bytesWritten: j.options.sink.length,
    };
  }

  /**
   * Starts a snapshot now (stopping the caller only for the state copy), or queues it
   * when one is being written. Resolves when the snapshot is complete and durable.
   */
  take(target: SnapshotTarget, request: TakeRequest): Promise<SnapshotResult> {
    return new Promise<SnapshotResult>((resolve, reject) => {
      const q: Queued = { target, request, resolve, reject };
      if (this.#job) this.#queue.push(q);
      else this.#start(q);
    });
  }

  /**
   * Does at most about `budgetMs` of background work: builds the header (in steps, see
   * {@link #header}), saves pages (hash, compare, compress, queue the write) one at a time with
   * the clock checked after each, finishes the file (a pump of its own), or starts a queued
   * snapshot. Always makes progress (at least one unit). Returns true while there is more to do.
   * An unbounded budget (stop-and-copy) does everything in one call.
   */
  pump(budgetMs = DEFAULT_PUMP_BUDGET_MS): boolean {
    const j = this.#job;
    if (!j) {
      const next = this.#queue.shift();
      if (next) this.#start(next);
      return this.#job !== null;
    }
    if (j.phase === "finishing") return true;
    const budget = this.#budget;
    budget.begin(budgetMs);
    try {
      // An unbounded pump (stop-and-copy) does every step in one go.
      const unbounded = budgetMs === Number.POSITIVE_INFINITY;
      if (j.phase === "header") {
        const header = this.#header(j, unbounded);
        if (header === null) return true; // waiting for the disks to settle, or a step done
        j.options.sink.write(header);
        j.phase = "pages";
        if (!budget.next()) return true;
      }
      if (j.mem === j.mems.length) {
        // Every page saved (in an earlier pump): the trailer and the barrier's release, on their own.
        this.#finish(j);
        return true;
      }
      const out = this.#out;
      out.reset();
      let more = true;
      while (more && j.mem < j.mems.length) {
        const m = j.mems[j.mem];
        if (j.page === 0) {
          writeMemoryHead(out, m.name, m.memory.bytes.length, m.memory.pageCount);
        }
        while (j.page < m.memory.pageCount) {
          this.#savePage(j, m, j.page, out);
          j.page++;
          j.pagesDone++;
          // Stop when the next page would likely overrun the budget.
          if (!budget.next()) {
            more = false;
            break;
          }
        }
        if (j.page < m.memory.pageCount) break;
        j.mem++;
        j.page = 0;
      }
      if (out.length > 0) j.options.sink.write(out.bytes());
      if (j.mem === j.mems.length && unbounded) this.#finish(j);
    } catch (e) {
      this.#fail(j, e);
    }
    return true;
  }

  /** Calls {@link pump} from a timer until stopped (for front ends without a slice loop). */
  autoPump(intervalMs = 4, budgetMs = DEFAULT_PUMP_BUDGET_MS): () => void {
    const timer = setInterval(() => this.pump(budgetMs), intervalMs);
    return () => clearInterval(timer);
  }

  /** Copy-before-write: the guest is about to change a page the pump has not saved yet. */
  beforeWrite(memory: PagedMemory, page: number): void {
    const j = this.#job;
    const index = this.#memIndex.get(memory);
    if (j !== null && index !== undefined && j.phase !== "finishing") {
      const m = j.mems[index];
      if (m.pageState[page] === PENDING) {
        const t0 = this.#now();
        const live = m.live, shadow = m.shadow;
        const end = (page + 1) << (PAGE_SHIFT - 2);
        for (let i = page << (PAGE_SHIFT - 2); i < end; i++) shadow[i] = live[i];
        m.pageState[page] = COPIED;
        j.copied++;
        const ms = this.#now() - t0;
        if (ms > j.maxFaultMs) j.maxFaultMs = ms;
      }
    }
    memory.unguard(page);
  }

  #start(q: Queued): void {
    const t0 = this.#now();
    let options: TakeOptions;
    let state: StateValue;
    try {
      options = typeof q.request === "function" ? q.request() : q.request;
      for (const { memory } of q.target.memories) {
        if (memory.barrier !== null && memory.barrier !== this) {
          throw new Error("memory already has a write barrier (another snapshot or a restore in progress)");
        }
      }
      state = q.target.state.saveState();
    } catch (e) {
      q.reject(e);
      return;
    }
    this.#memIndex.clear();
    const mems: MemoryJob[] = q.target.memories.map(({ name, memory }, i) => {
      this.#memIndex.set(memory, i);
      let shadow = this.#shadows.get(memory);
      if (!shadow) {
        shadow = new Uint32Array(memory.bytes.length >>> 2);
        this.#shadows.set(memory, shadow);
      }
      const baseHashes = options.base?.hashes.get(name) ?? null;
      return {
        name,
        memory,
        live: new Uint32Array(memory.bytes.buffer, memory.bytes.byteOffset, memory.bytes.length >>> 2),
        shadow,
        pageState: new Uint8Array(memory.pageCount),
        hashes: newPageHashTable(memory.pageCount),
        baseHashes: baseHashes && baseHashes.length === memory.pageCount * 2 ? baseHashes : null,
      };
    });
    for (const { memory } of q.target.memories) memory.guardAll(this);
    const base = options.base ?? null;
    const meta: SnapshotMeta = {
      id: options.id,
      parentId: options.parentId !== undefined ? options.parentId : base?.id ?? null,
      baseId: base?.id ?? null,
      diffDepth: base ? base.diffDepth + 1 : 0,
      createdAt: (options.createdAt ?? new Date()).toISOString(),
      label: options.label ?? "",
      identity: q.target.config,
      disks: typeof options.disks === "function" ? [] : options.disks ?? [],
    };
    this.#job = {
      options,
      meta,
      state,
      mems,
      pagesTotal: mems.reduce((n, m) => n + m.memory.pageCount, 0),
      pauseMs: this.#now() - t0,
      resolve: q.resolve,
      reject: q.reject,
      phase: "header",
      stateEncoder: null,
      encodedState: null,
      packedState: null,
      mem: 0,
      page: 0,
      pagesDone: 0,
      copied: 0,
      maxFaultMs: 0,
      kinds: { zero: 0, ref: 0, zstd: 0, raw: 0 },
    };
  }

  /**
   * The file header, in steps (in one go they took up to ~2 ms, over the stall budget; code run
   * once per snapshot runs slowly): the disks settled (one unit of their work per pump) and
   * recorded; the device state encoded a few values per unit, as many units as the pump's budget
   * allows; then compressed, in a pump of its own; then the head built, in a pump of its own (pages
   * follow within the budget). Null while a step remains (`unbounded`: all steps now).
   */
  #header(j: Job, unbounded: boolean): Uint8Array | null {
    if (j.stateEncoder === null) {
      if (j.options.prepare && !j.options.prepare()) return null;
      const disks = j.options.disks;
      if (typeof disks === "function") j.meta = { ...j.meta, disks: [...disks()] };
      j.stateEncoder = new StateEncoder(j.state);
      if (!unbounded && !this.#budget.next()) return null;
    }
    if (j.encodedState === null) {
      const encoder = j.stateEncoder;
      if (unbounded) encoder.step(Number.POSITIVE_INFINITY);
      else {
        while (!encoder.step(STATE_VALUES_PER_UNIT)) if (!this.#budget.next()) return null;
      }
      j.encodedState = encoder.bytes();
      if (!unbounded) return null;
    }
    if (j.packedState === null) {
      j.packedState = compressBlock(j.encodedState);
      if (!unbounded) return null;
    }
    return encodeHead(j.meta, j.encodedState.length, j.packedState);
  }

  #savePage(j: Job, m: MemoryJob, page: number, out: ByteWriter): void {
    const copied = m.pageState[page] === COPIED;
    const words = copied ? m.shadow : m.live;
    const wordOffset = page << (PAGE_SHIFT - 2);
    hashPage(words, wordOffset, m.hashes, page);
    out.u32(page);
    if (isZeroPage(words, wordOffset)) {
      out.u8(PAGE_ZERO);
      j.kinds.zero++;
    } else if (m.baseHashes !== null && samePageHash(m.hashes, m.baseHashes, page)) {
      out.u8(PAGE_REF);
      j.kinds.ref++;
    } else {
      const bytes = new Uint8Array(words.buffer, words.byteOffset + wordOffset * 4, PAGE_SIZE);
      const packed = compressPage(bytes);
      if (packed.length < PAGE_SIZE) {
        out.u8(PAGE_ZSTD);
        out.u32(packed.length);
        out.raw(packed);
        j.kinds.zstd++;
      } else {
        out.u8(PAGE_RAW);
        out.u32(PAGE_SIZE);
        out.raw(bytes);
        j.kinds.raw++;
      }
    }
    m.pageState[page] = SAVED;
    // Saved from the live page: later writes need not be seen any more.
    if (!copied) m.memory.unguard(page);
  }

  #finish(j: Job): void {
    this.#release(j);
    j.phase = "finishing";
    const sink = j.options.sink;
    const body = sink.length;
    // CRC of the body: the sink has summed every byte queued so far.
    sink.write(encodeTrailer(body, sink.crc));
    const memoryBytes = j.mems.reduce((n, m) => n + m.memory.bytes.length, 0);
    sink.finish().then(() => {
      this.#job = null;
      j.resolve({
        meta: j.meta,
        fileBytes: sink.length,
        memoryBytes,
        hashes: new Map(j.mems.map((m) => [m.name, m.hashes])),
        pauseMs: j.pauseMs,
        copiedPages: j.copied,
        maxFaultMs: j.maxFaultMs,
        pageKinds: j.kinds,
      });
    }, (e) => {
      this.#job = null;
      j.reject(e);
    });
  }

  #fail(j: Job, e: unknown): void {
    this.#release(j);
    j.phase = "finishing";
    j.options.sink.abort().finally(() => {
      this.#job = null;
      j.reject(e);
    });
  }

  /** Disarms the barrier: every page is saved (or the snapshot failed). */
  #release(j: Job): void {
    for (const m of j.mems) {
      if (m.memory.barrier === this) m.memory.barrier = null;
      for (let p = 0; p < m.memory.pageCount; p++) {
        if (m.memory.isGuarded(p)) m.memory.unguard(p);
      }
    }
  }
}
