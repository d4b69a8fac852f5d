/**
 * A snapshot together with the base snapshots its page references point into.
 * Every page is resolved once, up front, to the file that holds its data, so a
 * page can later be loaded with one decompression and no chain walk.
 */
import { PAGE_SIZE } from "../memory/paged_memory.ts";
import { decompress } from "./compress.ts";
import { FrameMemo } from "./frame_memo.ts";
import { describeError, SnapshotError } from "./errors.ts";
import { MAX_DIFF_DEPTH, PAGE_RAW, PAGE_REF, PAGE_ZERO, PAGE_ZSTD } from "./format.ts";
import type { SnapshotFile } from "./snapshot_file.ts";
import type { StateValue } from "../state.ts";
import { DEFAULT_PUMP_BUDGET_MS, StallBudget } from "./stall_budget.ts";

/** Loads the snapshot with the given id (from a state directory, or memory). */
export type SnapshotLoader = (id: string) => Promise<SnapshotFile>;

interface ResolvedMemory {
  readonly name: string;
  readonly size: number;
  readonly pageCount: number;
  /** Index into the chain of the file holding each page's data (or −1 for a zero page). */
  readonly owner: Int16Array;
}

/** A verified snapshot whose every page is known to be loadable. */
export class ResolvedSnapshot {
  /** The snapshot itself first, then its bases. */
  readonly chain: readonly SnapshotFile[];
  readonly #memories: ResolvedMemory[];
  readonly #decoded = new Map<string, Uint8Array>();
  /** Alike pages (same zstd frame) are decompressed once. */
  readonly #frames = new FrameMemo();
  #state: StateValue | null = null;

  private constructor(chain: SnapshotFile[], memories: ResolvedMemory[]) {
    this.chain = chain;
    this.#memories = memories;
  }

  get top(): SnapshotFile {
    return this.chain[0];
  }

  /** Loads the bases `top` needs (at most {@link MAX_DIFF_DEPTH}) and resolves every page. */
  static async open(top: SnapshotFile, load: SnapshotLoader): Promise<ResolvedSnapshot> {
    const chain: SnapshotFile[] = [top];
    for (let baseId = nextBase(chain); baseId !== null; baseId = nextBase(chain)) {
      let base: SnapshotFile;
      try {
        base = await load(baseId);
      } catch (e) {
        throw unusableBase(chain, baseId, e);
      }
      addBase(chain, baseId, base);
    }
    return new ResolvedSnapshot(chain, ResolvedSnapshot.#resolve(chain));
  }

  /** {@link open} with a synchronous loader (small files: one step, no event-loop turns). */
  static openSync(top: SnapshotFile, load: (id: string) => SnapshotFile): ResolvedSnapshot {
    const chain: SnapshotFile[] = [top];
    for (let baseId = nextBase(chain); baseId !== null; baseId = nextBase(chain)) {
      let base: SnapshotFile;
      try {
        base = load(baseId);
      } catch (e) {
        throw unusableBase(chain, baseId, e);
      }
      addBase(chain, baseId, base);
    }
    return new ResolvedSnapshot(chain, ResolvedSnapshot.#resolve(chain));
  }

  /** The same without bases: for snapshots that hold every page (rewind ring, full snapshots). */
  static standalone(top: SnapshotFile): ResolvedSnapshot {
    if (top.meta.baseId !== null) {
      throw new SnapshotError(top.source, `is a diff of ${top.meta.baseId}, which was not loaded`);
    }
    return new ResolvedSnapshot([top], ResolvedSnapshot.#resolve([top]));
  }

  static #resolve(chain: SnapshotFile[]): ResolvedMemory[] {
    const top = chain[0];
    return top.memories.map((section) => {
      const owner = new Int16Array(section.pageCount);
      const sections = chain.map((file, i) => {
        const s = file.memory(section.name);
        if (i > 0 && (s === undefined || s.pageCount !== section.pageCount)) return undefined;
        return s;
      });
      for (let p = 0; p < section.pageCount; p++) {
        let level = 0;
        while (true) {
          const s = sections[level];
          if (s === undefined) {
            throw new SnapshotError(
              top.source,
              `memory ${section.name} page ${p} refers to ${
                chain[level - 1].meta.baseId
              }, which has no such memory`,
            );
          }
          const kind = s.kinds[p];
          if (kind === PAGE_ZERO) {
            owner[p] = -1;
            break;
          }
          if (kind !== PAGE_REF) {
            owner[p] = level;
            break;
          }
          level++;
          if (level >= chain.length) {
            throw new SnapshotError(
              chain[level - 1].source,
              `memory ${section.name} page ${p} refers past the last base`,
            );
          }
        }
      }
      return { name: section.name, size: section.size, pageCount: section.pageCount, owner };
    });
  }

  /** Memory names and sizes the snapshot covers. */
  memoryLayout(): { name: string; size: number }[] {
    return this.#memories.map((m) => ({ name: m.name, size: m.size }));
  }

  /** Writes page `page` of memory `memIndex` into `into` at byte `at` (4 KiB). */
  loadPage(memIndex: number, page: number, into: Uint8Array, at: number): void {
    const m = this.#memories[memIndex];
    const level = m.owner[page];
    if (level < 0) {
      into.fill(0, at, at + PAGE_SIZE);
      return;
    }
    const file = this.chain[level];
    const s = file.memory(m.name)!;
    const start = s.offsets[page], data = file.bytes.subarray(start, start + s.lengths[page]);
    if (s.kinds[page] === PAGE_RAW) {
      into.set(data, at);
      return;
    }
    if (s.kinds[page] !== PAGE_ZSTD) throw new SnapshotError(file.source, `page ${page} has no data`);
    let plain: Uint8Array;
    try {
      plain = this.#frames.decode(data, decompress);
    } catch (e) {
      throw new SnapshotError(
        file.source,
        `memory ${m.name} page ${page} does not decompress: ${describeError(e)}`,
      );
    }
    if (plain.length !== PAGE_SIZE) {
      throw new SnapshotError(file.source, `memory ${m.name} page ${page} is ${plain.length} bytes`);
    }
    into.set(plain, at);
  }

  /**
   * Decodes the state and whole memories ahead of a restore, letting the event loop run whenever
   * the next page would take a turn past {@link DEFAULT_PUMP_BUDGET_MS} (see {@link StallBudget}),
   * so the guest keeps running; {@link LazyRestore} then only copies them.
   */
  async predecode(names: readonly string[]): Promise<void> {
    const budget = new StallBudget(undefined, 0.03);
    budget.begin(DEFAULT_PUMP_BUDGET_MS);
    for (const _ of this.decodeSteps(names)) {
      if (!budget.next()) {
        await new Promise((r) => setTimeout(r, 0));
        budget.begin(DEFAULT_PUMP_BUDGET_MS);
      }
    }
  }

  /** {@link predecode} in one step (when the memories are small, e.g. a restore's VRAM). */
  predecodeSync(names: readonly string[]): void {
    for (const _ of this.decodeSteps(names));
  }

  /**
   * The decoding of {@link predecode}, one unit per step: the device state, then one page (a
   * background job runs these from a pump).
   */
  *decodeSteps(names: readonly string[]): Generator<void> {
    if (this.#state === null) {
      this.#state = this.top.state();
      yield;
    }
    for (const name of names) {
      const index = this.memoryIndex(name);
      if (index < 0 || this.#decoded.has(name)) continue;
      const m = this.#memories[index];
      const out = new Uint8Array(m.size);
      for (let p = 0; p < m.pageCount; p++) {
        this.loadPage(index, p, out, p * PAGE_SIZE);
        yield;
      }
      this.#decoded.set(name, out);
    }
  }

  /** The CPU and device state (decoded once). */
  state(): StateValue {
    this.#state ??= this.top.state();
    return this.#state;
  }

  /** A memory decoded by {@link predecode}, or undefined. */
  decoded(name: string): Uint8Array | undefined {
    return this.#decoded.get(name);
  }

  /** Index of memory `name`, or −1. */
  memoryIndex(name: string): number {
    return this.#memories.findIndex((m) => m.name === name);
  }
}

/** The base the last snapshot of `chain` needs next (null: none), after checking for loops and depth. */
function nextBase(chain: readonly SnapshotFile[]): string | null {
  const at = chain[chain.length - 1];
  const baseId = at.meta.baseId;
  if (baseId === null) return null;
  if (chain.some((f) => f.meta.id === baseId)) {
    throw new SnapshotError(at.source, `base chain loops back to ${baseId}`);
  }
  if (chain.length > MAX_DIFF_DEPTH) {
    throw new SnapshotError(chain[0].source, `diff chain is deeper than ${MAX_DIFF_DEPTH} snapshots`);
  }
  return baseId;
}

function unusableBase(chain: readonly SnapshotFile[], baseId: string, e: unknown): SnapshotError {
  return new SnapshotError(
    chain[0].source,
    `base snapshot ${baseId} (needed by ${chain[chain.length - 1].meta.id}) is unusable: ${describeError(e)}`,
  );
}

function addBase(chain: SnapshotFile[], baseId: string, base: SnapshotFile): void {
  if (base.meta.id !== baseId) {
    throw new SnapshotError(base.source, `expected snapshot ${baseId}, file holds ${base.meta.id}`);
  }
  chain.push(base);
}
