/**
 * Rewind: automatic snapshots every N seconds, the last K kept, stepping back through
 * them. Entries live in memory (full snapshots, zstd pages, typically 50–300 KiB
 * each): rewinding is instant, nothing churns the state directory, and they are
 * gone on exit, which suits a "go back a few seconds" feature.
 *
 * Disks are not rewound (that would need a disk layer per entry). Stepping back past
 * a disk write is refused unless forced, so memory and disk never silently disagree.
 */
import { SnapshotError } from "./errors.ts";
import { LazyRestore } from "./lazy_restore.ts";
import type { LiveSnapshotWriter, SnapshotTarget } from "./live_writer.ts";
import { ResolvedSnapshot } from "./resolved_snapshot.ts";
import { MemorySink } from "./sink.ts";
import { SnapshotFile } from "./snapshot_file.ts";

/** Parses `--rewind` values like `5s:60` (every 5 s, keep 60), `500ms:20`, `1m:10`. */
export function parseRewindSpec(spec: string): { intervalMs: number; keep: number } {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?:(\d+)$/.exec(spec.trim());
  if (!m) throw new SnapshotError("--rewind", `"${spec}" is not INTERVAL:COUNT (e.g. 5s:60)`);
  const unit = m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000;
  const intervalMs = Number(m[1]) * unit, keep = Number(m[3]);
  if (intervalMs < 100 || keep < 1 || keep > 10_000) {
    throw new SnapshotError("--rewind", `"${spec}": interval must be ≥ 100 ms and count 1–10000`);
  }
  return { intervalMs, keep };
}

/** Options of a {@link RewindRing}. */
export interface RewindOptions {
  readonly intervalMs: number;
  readonly keep: number;
  /** Memories restored before the guest runs (see {@link LazyRestore}). */
  readonly eager?: readonly string[];
  /** Total disk writes so far (e.g. the sum of `DiskSlot.writes`); default: disks ignored. */
  readonly diskWrites?: () => number;
}

interface RewindEntry {
  readonly file: SnapshotFile;
  readonly takenAtMs: number;
  readonly diskWrites: number;
}

/** A ring of recent in-memory snapshots. */
export class RewindRing {
  readonly #target: SnapshotTarget;
  readonly #writer: LiveSnapshotWriter;
  readonly #options: RewindOptions;
  #entries: RewindEntry[] = [];
  #lastTakeMs = -Infinity;
  #taking = false;
  #cursor = 0;
  #restore: LazyRestore | null = null;
  #seq = 0;

  constructor(target: SnapshotTarget, writer: LiveSnapshotWriter, options: RewindOptions) {
    this.#target = target;
    this.#writer = writer;
    this.#options = options;
  }

  /** Entries held, oldest first: age in ms at `nowMs` and size in bytes. */
  entries(nowMs: number): { ageMs: number; bytes: number }[] {
    return this.#entries.map((e) => ({ ageMs: nowMs - e.takenAtMs, bytes: e.file.bytes.length }));
  }

  /** Call from the loop: starts an automatic snapshot when one is due and the writer is free. */
  tick(nowMs: number): void {
    if (this.#taking || this.#writer.busy || nowMs - this.#lastTakeMs < this.#options.intervalMs) return;
    if (this.#restore !== null && !this.#restore.done) return;
    this.#taking = true;
    this.#lastTakeMs = nowMs;
    const sink = new MemorySink();
    const diskWrites = this.#options.diskWrites?.() ?? 0;
    const id = `rewind-${++this.#seq}`;
    this.#writer.take(this.#target, { id, sink, label: "rewind" }).then(() => {
      const file = SnapshotFile.parse(sink.bytes(), `rewind snapshot ${id}`);
      this.#entries.push({ file, takenAtMs: nowMs, diskWrites });
      if (this.#entries.length > this.#options.keep) this.#entries.shift();
      this.#cursor = 0;
    }).finally(() => this.#taking = false);
  }

  /**
   * Goes back one step: the newest entry first, then older ones on each further call
   * (until a new entry is taken). Returns the restore for the loop to pump.
   */
  stepBack(options: { force?: boolean } = {}): LazyRestore {
    if (this.#writer.busy) {
      throw new SnapshotError("rewind", "a snapshot is being written; try again in a moment");
    }
    const index = this.#entries.length - 1 - this.#cursor;
    if (index < 0) throw new SnapshotError("rewind", "no older rewind point");
    const entry = this.#entries[index];
    const writes = this.#options.diskWrites?.() ?? 0;
    if (writes !== entry.diskWrites && !options.force) {
      throw new SnapshotError(
        "rewind",
        "the disk was written since that point (rewind does not undo disk writes)",
      );
    }
    this.#restore?.finishNow();
    this.#restore = LazyRestore.begin(this.#target, ResolvedSnapshot.standalone(entry.file), {
      eager: this.#options.eager,
    });
    this.#cursor++;
    return this.#restore;
  }
}
