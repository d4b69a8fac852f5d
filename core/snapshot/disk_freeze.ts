/**
 * Disks at a snapshot: the top layer of each chain is frozen (becomes read-only) and
 * a new differencing child takes further writes, so the snapshot names an exact disk
 * state without copying any disk data. Restoring opens the frozen layer and puts a
 * fresh child on it; the layer the guest was using stays on disk as its own branch.
 */
import { basename, dirname, join, relative, resolve } from "node:path";
import { type DiskChain, openChainSteps } from "../../disks/chain.ts";
import type { BlockDevice, ChsGeometry } from "../../disks/block_device.ts";
import { openLayer } from "../../disks/formats/registry.ts";
import { openQcow2Preloaded, type Qcow2Preload } from "../../disks/formats/qcow2/qcow2_image.ts";
import type { DiskLayer, ImageFormat } from "../../disks/layer.ts";
import { MemoryOverlay } from "../../disks/memory_overlay.ts";
import type { SpareReply, SpareRequest } from "./spare_worker.ts";
import { readReply, REPLY_BUFFER_BYTES, REPLY_FAILED, REPLY_PENDING } from "./spare_reply.ts";
import { crc32 } from "./crc32.ts";
import { fsyncAsync } from "./fs_sync.ts";
import { HEAVY, IO, type JobStep, LAYER, UNIT } from "./step_job.ts";
import { describeError, SnapshotError } from "./errors.ts";
import { DiskError } from "../../disks/errors.ts";
import type { DiskRecord, LayerIdentity } from "./format.ts";

/** A drive and the chain behind it. */
export interface DriveChain {
  readonly drive: string;
  readonly chain: DiskChain;
}

/** Size, modification time and a CRC of the first and last 4 KiB of a layer file. */
export function layerIdentity(path: string): LayerIdentity {
  let file: Deno.FsFile | null = null;
  try {
    const info = Deno.statSync(path);
    file = Deno.openSync(path, { read: true });
    const span = Math.min(4096, info.size);
    const buf = new Uint8Array(span * 2);
    readAt(file, 0, buf.subarray(0, span));
    readAt(file, info.size - span, buf.subarray(span));
    return {
      size: info.size,
      mtimeMs: info.mtime?.getTime() ?? 0,
      headerCrc: crc32(buf).toString(16).padStart(8, "0"),
    };
  } catch (e) {
    throw new SnapshotError(path, `cannot identify disk layer: ${describeError(e)}`);
  } finally {
    file?.close();
  }
}

/** {@link layerIdentity} with asynchronous file calls (nothing blocks the loop). */
export async function layerIdentityAsync(path: string): Promise<LayerIdentity> {
  let file: Deno.FsFile | null = null;
  try {
    const info = await Deno.stat(path);
    file = await Deno.open(path, { read: true });
    const span = Math.min(4096, info.size);
    const buf = new Uint8Array(span * 2);
    await readAtAsync(file, 0, buf.subarray(0, span));
    await readAtAsync(file, info.size - span, buf.subarray(span));
    return {
      size: info.size,
      mtimeMs: info.mtime?.getTime() ?? 0,
      headerCrc: crc32(buf).toString(16).padStart(8, "0"),
    };
  } catch (e) {
    throw new SnapshotError(path, `cannot identify disk layer: ${describeError(e)}`);
  } finally {
    file?.close();
  }
}

async function readAtAsync(file: Deno.FsFile, at: number, into: Uint8Array): Promise<void> {
  await file.seek(at, Deno.SeekMode.Start);
  let done = 0;
  while (done < into.length) {
    const n = await file.read(into.subarray(done));
    if (n === null) throw new Error(`file ended at ${at + done}`);
    done += n;
  }
}

function readAt(file: Deno.FsFile, at: number, into: Uint8Array): void {
  file.seekSync(at, Deno.SeekMode.Start);
  let done = 0;
  while (done < into.length) {
    const n = file.readSync(into.subarray(done));
    if (n === null) throw new Error(`file ended at ${at + done}`);
    done += n;
  }
}

/** Format of the child put on a layer: VHD over VHD, qcow2 over anything else. */
export function childFormat(top: ImageFormat): ImageFormat {
  return top === "vhd" ? "vhd" : "qcow2";
}

/** Path of a new child layer for `drive` in `stateDir`, named after the snapshot that created it. */
export function childPath(stateDir: string, drive: string, tag: string, format: ImageFormat): string {
  return join(stateDir, `${drive}-${tag}.${format === "vhd" ? "vhd" : "qcow2"}`);
}

/** A failure to open a restore's disks as the one-line error to report (naming the state directory). */
export function reopenError(stateDir: string, e: unknown): SnapshotError {
  return e instanceof SnapshotError
    ? e
    : new SnapshotError(stateDir, `cannot reopen disks: ${describeError(e)}`);
}

/** Checks that a recorded frozen layer is still exactly the file the snapshot saw. */
export function verifyDiskRecord(record: DiskRecord): void {
  const now = layerIdentity(record.frozenPath);
  const was = record.identity;
  if (now.size !== was.size || now.mtimeMs !== was.mtimeMs || now.headerCrc !== was.headerCrc) {
    throw new SnapshotError(
      record.frozenPath,
      `disk layer for drive ${record.drive} changed since the snapshot ` +
        `(size ${was.size}→${now.size}, mtime ${was.mtimeMs}→${now.mtimeMs}, header crc ${was.headerCrc}→${now.headerCrc})`,
    );
  }
}

/** A restore's disks, opened while the guest still runs: the pause only {@link attach}es them. */
export interface PreparedDisks {
  readonly drives: readonly DriveChain[];
  /** In the pause: puts each prepared child on its chain (no file I/O). */
  attach(): void;
  /** Closes everything and deletes the children (a restore that did not happen). */
  abort(): void;
  /** {@link abort} as bounded units (one layer closed per unit, the deletions last), for a pump. */
  abortUnits?(): (() => void)[];
  /** The layers of `old` (a chain being replaced) the new chains share: not to be closed with it. */
  shared?(old: DiskChain): ReadonlySet<DiskLayer>;
}

/** Lets the event loop run (a macrotask turn) between units of preparation. */
function breathe(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

/** Opening time one event-loop turn of {@link prepareDisks} may spend before it lets the loop run. */
export const PREPARE_TURN_BUDGET_MS = 0.7;

/** Options of {@link prepareDisks}. */
export interface PrepareDisksOptions {
  /** Asks `maker` for the children ahead of its queued requests (a restore the user waits for). */
  readonly priority?: boolean;
  /** Opening time per turn ({@link PREPARE_TURN_BUDGET_MS}). */
  readonly turnBudgetMs?: number;
  /** The clock that measures a turn (default: performance.now). */
  readonly now?: () => number;
  /** Lets the loop run (default: one macrotask turn). */
  readonly breathe?: () => Promise<void>;
}

/**
 * Opens the disks of a restore without blocking the loop: each record's frozen layer is verified,
 * its chain opened (read-only) layer after layer until a turn has spent
 * {@link PrepareDisksOptions.turnBudgetMs} of opening, then the event loop runs before the
 * next layer; its new writable child is created by `maker`'s worker (create, fsync, rename,
 * directory fsync off the thread) and opened. Nothing is attached: {@link PreparedDisks.attach}
 * does that in the pause. VHD tops get their child the old way (created here, still before the pause).
 * (A driver over {@link prepareDisksSteps}; a session runs those steps from its pump instead.)
 */
export async function prepareDisks(
  records: readonly DiskRecord[],
  stateDir: string,
  tag: string,
  maker: SpareMaker,
  options: PrepareDisksOptions = {},
): Promise<PreparedDisks> {
  const now = options.now ?? (() => performance.now());
  const yieldTurn = options.breathe ?? breathe;
  const budget = options.turnBudgetMs ?? PREPARE_TURN_BUDGET_MS;
  const steps = prepareDisksSteps(records, stateDir, tag, maker, options);
  let turnStart = now();
  let input: unknown = undefined;
  let failure: { error: unknown } | null = null;
  for (;;) {
    const r = failure !== null ? steps.throw(failure.error) : steps.next(input);
    input = undefined;
    failure = null;
    if (r.done) return r.value;
    const step = r.value;
    if (step === IO || step === HEAVY) continue;
    if (step === LAYER) {
      // Lets the loop run once this turn's opening has spent the budget.
      if (now() - turnStart < budget) continue;
      await yieldTurn();
      turnStart = now();
    } else if (step !== UNIT) {
      try {
        input = await step;
      } catch (e) {
        failure = { error: e };
      }
      turnStart = now();
    }
  }
}

/**
 * The steps of {@link prepareDisks}: each record's frozen layer verified (a unit), its chain
 * opened one layer per step ({@link LAYER}), the child the worker makes waited for (a promise
 * yielded) and opened (a unit). On a failure (or an error thrown into it) everything opened is
 * closed and the children deleted, after the worker is done with the file being made.
 */
export function* prepareDisksSteps(
  records: readonly DiskRecord[],
  stateDir: string,
  tag: string,
  maker: SpareMaker,
  options: { readonly priority?: boolean } = {},
): Generator<JobStep, PreparedDisks, unknown> {
  const out: { drive: string; chain: DiskChain; child: DiskLayer | null; childPath: string }[] = [];
  const made: string[] = [];
  const closeAll = () => {
    for (const d of out) {
      d.child?.close();
      d.chain.close();
    }
    for (const path of made) removeQuietly(path);
  };
  try {
    for (const r of records) {
      yield IO;
      verifyDiskRecord(r);
      yield UNIT;
      const steps = openChainSteps(r.frozenPath, {
        readOnly: true,
        format: r.format as ImageFormat,
        allowParentDirs: [...new Set(r.layers.map((l) => dirname(l)))],
      });
      let creating: Promise<Qcow2Preload | null> | null = null;
      let path = "";
      let chain: DiskChain;
      try {
        for (let first = true;; first = false) {
          yield IO;
          const step = steps.next();
          if (step.done) {
            chain = step.value;
            break;
          }
          const layer = step.value;
          yield LAYER;
          // Asking the worker for the child is a unit of its own (no file call: a message).
          if (first && childFormat(layer.format) === "qcow2") {
            // The worker makes the child while the rest of the chain opens.
            path = childPath(stateDir, r.drive, tag, "qcow2");
            made.push(path);
            creating = maker.create(path, layer.sectorCount * 512, layer.path, layer.format, {
              priority: options.priority ?? false,
            });
            creating.catch(() => {});
          }
        }
      } catch (e) {
        steps.return(undefined as never);
        if (creating !== null) yield creating.catch(() => {});
        throw e;
      }
      const entry = { drive: r.drive, chain, child: null as DiskLayer | null, childPath: path };
      out.push(entry);
      if (creating !== null) {
        const bytes = (yield creating) as Qcow2Preload | null;
        yield HEAVY;
        const child = openSpare(path, bytes);
        entry.child = child;
        const problem = child.parentRef?.verify?.(chain.top) ?? null;
        if (problem) throw new DiskError(path, problem);
        yield UNIT;
      } else {
        yield IO;
        const format = childFormat(chain.top.format);
        chain.pushChild(childPath(stateDir, r.drive, tag, format), format);
        yield UNIT;
      }
    }
  } catch (e) {
    closeAll();
    throw reopenError(stateDir, e);
  }
  return {
    drives: out.map((d) => ({ drive: d.drive, chain: d.chain })),
    attach: () => {
      for (const d of out) {
        if (d.child !== null) d.chain.attachChild(d.child);
        d.child = null;
      }
    },
    abort: closeAll,
    abortUnits: () => {
      const units: (() => void)[] = [];
      for (const d of out) {
        const child = d.child;
        d.child = null;
        if (child !== null) units.push(() => child.close());
        for (const layer of d.chain.layers) units.push(() => layer.close());
      }
      units.push(() => {
        for (const path of made) removeQuietly(path);
      });
      return units;
    },
  };
}

/**
 * Flushes and closes a chain the machine no longer uses, without blocking the loop on
 * fsyncs (a qcow2 top flushes through `flushAsync`; frozen layers whose async flush still
 * runs close when it ends).
 */
export async function closeChainAsync(chain: DiskChain, keep?: ReadonlySet<DiskLayer>): Promise<void> {
  const top = chain.top;
  if (hasFlushAsync(top)) await top.flushAsync();
  else top.flush();
  chain.close(keep);
}

/**
 * A drive the machine holds on to while the chain behind it changes (a restore
 * switches it to a new branch). Counts writes so the rewind ring can tell when the
 * disk moved on.
 */
export class DiskSlot implements BlockDevice {
  readonly sectorSize = 512;
  #chain: DiskChain;
  /** Writes since the slot was made. */
  writes = 0;

  constructor(chain: DiskChain) {
    this.#chain = chain;
  }

  get chain(): DiskChain {
    return this.#chain;
  }

  /** Serves `chain` from now on; the previous chain is flushed and closed (its files stay). */
  switchTo(chain: DiskChain): void {
    if (chain.sectorCount !== this.#chain.sectorCount) {
      throw new SnapshotError(
        chain.top.path,
        `disk has ${chain.sectorCount} sectors, the drive had ${this.#chain.sectorCount}`,
      );
    }
    const old = this.#chain;
    this.#chain = chain;
    old.flush();
    old.close();
  }

  /**
   * Serves `chain` from now on and returns the previous chain as it is (not flushed, not
   * closed): the caller closes it later, e.g. with {@link closeChainAsync}.
   */
  swap(chain: DiskChain): DiskChain {
    if (chain.sectorCount !== this.#chain.sectorCount) {
      throw new SnapshotError(
        chain.top.path,
        `disk has ${chain.sectorCount} sectors, the drive had ${this.#chain.sectorCount}`,
      );
    }
    const old = this.#chain;
    this.#chain = chain;
    return old;
  }

  get sectorCount(): number {
    return this.#chain.sectorCount;
  }

  get geometry(): ChsGeometry {
    return this.#chain.geometry;
  }

  get readOnly(): boolean {
    return this.#chain.readOnly;
  }

  read(lba: number, count: number, into: Uint8Array): void {
    this.#chain.read(lba, count, into);
  }

  write(lba: number, count: number, from: Uint8Array): void {
    this.writes++;
    this.#chain.write(lba, count, from);
  }

  flush(): void {
    this.#chain.flush();
  }

  close(): void {
    this.#chain.close();
  }
}

// ---- Freeze as a flip: children made ahead of time -------------------------------------

/** What a {@link SpareMaker} talks to: the child file worker (tests pass a fake). */
export interface SpareWorkerPort {
  onmessage: ((e: MessageEvent<SpareReply>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
  postMessage(request: SpareRequest): void;
  terminate(): void;
}

/** How long a child file request may go unanswered before it fails (the worker is then replaced). */
export const SPARE_REPLY_TIMEOUT_MS = 10_000;

/** Options of a {@link SpareMaker}. */
export interface SpareMakerOptions {
  /** Keeps the worker until {@link SpareMaker.close} (else it ends when idle). */
  readonly keepAlive?: boolean;
  /** Makes the worker (default: core/snapshot/spare_worker.ts in a Worker). */
  readonly spawn?: () => SpareWorkerPort;
  /** A request unanswered for this long fails with a one-line error ({@link SPARE_REPLY_TIMEOUT_MS}). */
  readonly replyTimeoutMs?: number;
}

interface PendingSpare {
  readonly resolve: (bytes: Qcow2Preload | null) => void;
  readonly reject: (e: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The worker's module: beside this file when tty86 runs from its modules; from a bundle in dist/
 * (where import.meta.url is the bundle's own) found from the repository root.
 */
const SPARE_WORKER_URL: URL = import.meta.url.endsWith("/core/snapshot/disk_freeze.ts")
  ? new URL("./spare_worker.ts", import.meta.url)
  : new URL("../core/snapshot/spare_worker.ts", import.meta.url);

function spawnSpareWorker(): SpareWorkerPort {
  const worker = new Worker(SPARE_WORKER_URL.href, { type: "module" });
  const port: SpareWorkerPort = {
    onmessage: null,
    onerror: null,
    onmessageerror: null,
    postMessage: (request) => worker.postMessage(request),
    terminate: () => worker.terminate(),
  };
  worker.onmessage = (e: MessageEvent<SpareReply>) => port.onmessage?.(e);
  worker.onerror = (e) => port.onerror?.(e);
  worker.onmessageerror = (e) => port.onmessageerror?.(e);
  return port;
}

/**
 * Creates child files in a worker (off the emulation thread). The worker ends when idle,
 * unless `keepAlive` (a session that restores: starting a worker costs ~50–100 ms, too
 * slow for a restore's path), when it lives until {@link close}. Every request settles: with
 * the worker's answer, or rejected when the worker fails, a reply cannot be read, the maker
 * closes, or no answer came within the reply timeout (the worker is then replaced).
 */
export class SpareMaker {
  readonly #keepAlive: boolean;
  readonly #spawnWorker: () => SpareWorkerPort;
  readonly #timeoutMs: number;
  #worker: SpareWorkerPort | null = null;
  #pending = new Map<number, PendingSpare>();
  /** Requests not yet sent: the worker gets one at a time, so a priority request can go first. */
  #queue: { readonly request: SpareRequest; readonly priority: boolean }[] = [];
  /** The request the worker is working on (null: none). */
  #inFlight: number | null = null;
  /** The file the worker is making for {@link #inFlight} (it may still appear if the worker is cut off). */
  #inFlightPath = "";
  /** Shut down for good: requests fail at once. */
  #shut = false;
  #seq = 0;
  /** The buffer the worker writes its answers to (a new one after {@link close}: a cut-off worker may still write). */
  #reply: SharedArrayBuffer | null = null;

  constructor(options: SpareMakerOptions = {}) {
    this.#keepAlive = options.keepAlive ?? false;
    this.#spawnWorker = options.spawn ?? spawnSpareWorker;
    this.#timeoutMs = options.replyTimeoutMs ?? SPARE_REPLY_TIMEOUT_MS;
  }

  /** Starts the worker now (when it will be needed soon). */
  warm(): void {
    this.#spawn();
  }

  /**
   * Creates `path` as an empty qcow2 child of `backingPath`; resolves with the new file's
   * bytes (for {@link openSpare}), or null when the worker did not send them. Requests are
   * served in order, except that a `priority` one goes ahead of every request not yet sent
   * (behind earlier priority ones). The reply timeout counts from this call.
   */
  create(
    path: string,
    size: number,
    backingPath: string,
    backingFormat: ImageFormat,
    options: { readonly priority?: boolean } = {},
  ): Promise<Qcow2Preload | null> {
    if (this.#shut) return Promise.reject(new Error(`child file worker shut down (${basename(path)})`));
    const seq = ++this.#seq;
    const backingFile = relative(dirname(resolve(path)), resolve(backingPath)) || basename(backingPath);
    return new Promise<Qcow2Preload | null>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        if (!this.#pending.has(seq)) return;
        // The worker is stuck or lost the request: every request it holds fails, the next gets a new one.
        this.close(
          new Error(`child file worker did not answer in ${this.#timeoutMs} ms (${basename(path)})`),
        );
      }, this.#timeoutMs);
      this.#pending.set(seq, { resolve: resolvePromise, reject, timer });
      const request: SpareRequest = { seq, path, size, backingFile, backingFormat };
      const priority = options.priority ?? false;
      const at = priority ? this.#queue.findIndex((q) => !q.priority) : -1;
      if (at < 0) this.#queue.push({ request, priority });
      else this.#queue.splice(at, 0, { request, priority });
      this.#sendNext();
    });
  }

  /**
   * Settles request `seq` once the worker writes its answer into `reply` (Atomics.waitAsync: the
   * promise settles in a task of its own, with no message dispatch). A failure is left to the
   * worker's message; a request the maker failed meanwhile (timeout, close) is ignored. Waits at
   * most about the reply timeout (the timer fails the request by then).
   */
  #awaitReply(seq: number, reply: SharedArrayBuffer): void {
    const words = new Int32Array(reply, 0, 1);
    const answered = () => {
      if (!this.#pending.has(seq)) return;
      const state = Atomics.load(words, 0);
      if (state === REPLY_PENDING || state === REPLY_FAILED) return;
      this.#answered(seq, readReply(reply), null);
    };
    const wait = Atomics.waitAsync(words, 0, REPLY_PENDING, this.#timeoutMs + 1000);
    if (wait.async) wait.value.then(answered);
    else answered();
  }

  /** Request `seq` answered (a worker message or its shared reply): settled, the next one sent. */
  #answered(seq: number, preload: Qcow2Preload | null, error: string | null): void {
    const p = this.#settle(seq);
    if (seq === this.#inFlight) this.#inFlight = null;
    if (error === null) p?.resolve(preload);
    else p?.reject(new Error(error));
    if (this.#pending.size === 0 && !this.#keepAlive) this.close();
    else this.#sendNext();
  }

  /** Sends the next queued request when the worker has none. */
  #sendNext(): void {
    while (this.#inFlight === null) {
      const next = this.#queue.shift();
      if (next === undefined) return;
      const seq = next.request.seq;
      if (!this.#pending.has(seq)) continue; // already failed
      try {
        this.#inFlight = seq;
        this.#inFlightPath = next.request.path;
        const worker = this.#spawn();
        // The worker answers a success through shared memory (no message to receive on this
        // thread: see spare_worker.ts); a fake worker may still answer by message, whichever comes
        // first wins. One buffer serves every request (one is in flight at a time; its answer is
        // copied out before the next is sent): allocating 1 MiB of shared memory per request
        // counted as external memory and brought garbage collections into pumps.
        this.#reply ??= new SharedArrayBuffer(REPLY_BUFFER_BYTES);
        const reply = this.#reply;
        Atomics.store(new Int32Array(reply, 0, 1), 0, REPLY_PENDING);
        this.#awaitReply(seq, reply);
        worker.postMessage({ ...next.request, reply });
      } catch (e) {
        this.#inFlight = null;
        this.#settle(seq)?.reject(new Error(`child file worker: ${describeError(e)}`));
      }
    }
  }

  /** Takes request `seq` out of the pending set (its timer cleared), or undefined. */
  #settle(seq: number): PendingSpare | undefined {
    const p = this.#pending.get(seq);
    if (p === undefined) return undefined;
    this.#pending.delete(seq);
    clearTimeout(p.timer);
    return p;
  }

  #spawn(): SpareWorkerPort {
    if (this.#worker !== null) return this.#worker;
    const worker = this.#spawnWorker();
    worker.onmessage = (e: MessageEvent<SpareReply>) => {
      if (this.#worker !== worker) return; // a replaced worker's late answer: its requests failed
      // Already answered through shared memory: nothing left to do.
      if (!this.#pending.has(e.data.seq) && e.data.seq !== this.#inFlight) return;
      this.#answered(e.data.seq, e.data.preload ?? null, e.data.error);
    };
    worker.onmessageerror = () => {
      if (this.#worker === worker) this.close(new Error("child file worker: a reply could not be read"));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (this.#worker === worker) this.close(new Error(`child file worker failed: ${e.message}`));
    };
    this.#worker = worker;
    return worker;
  }

  /**
   * Ends the worker for good (later requests fail at once). Returns the file the worker was
   * making when it was cut off, if any: terminating a worker is not instantaneous, so that file
   * may still appear for a moment (see {@link removeOrphan}).
   */
  shutdown(error = new Error("closed")): string | null {
    const orphan = this.#inFlight !== null ? this.#inFlightPath : null;
    this.#shut = true;
    this.close(error);
    return orphan;
  }

  /** Ends the worker; requests still pending fail (with `error`). */
  close(error = new Error("closed")): void {
    const worker = this.#worker;
    this.#worker = null;
    this.#inFlight = null;
    this.#reply = null;
    this.#queue = [];
    try {
      worker?.terminate();
    } catch {
      // already gone
    }
    const pending = [...this.#pending.keys()].map((seq) => this.#settle(seq)!);
    for (const p of pending) p.reject(error);
  }
}

interface Spare {
  readonly id: string;
  /** The top layer the spare was made for (it is that file's child). */
  readonly forTop: DiskLayer;
  readonly path: string;
  state: "creating" | "created" | "open" | "failed";
  layer: DiskLayer | null;
  /** The new file's bytes as the worker read them back (null: read it when opening). */
  bytes: Qcow2Preload | null;
  /** Settles when the worker is done with the file (made or failed). */
  made: Promise<void>;
  /** performance.now() when making it failed (a retry waits a while: {@link SPARE_RETRY_MS}). */
  failedAt: number;
}

/** How long a failed spare waits before it is asked for again. */
const SPARE_RETRY_MS = 2000;

/** A freeze done in a pause whose frozen layers still need flushing before the snapshot header. */
export interface PendingFreeze {
  /** One unit of background work (flushes one frozen layer); true once every record is final. */
  settle(): boolean;
  /** The snapshot's disk records (call once {@link settle} returned true). */
  records(): DiskRecord[];
}

/** A layer a freeze made read-only, on its way to durable. */
interface FrozenLayer {
  readonly drive: string;
  readonly layer: DiskLayer;
  readonly layers: string[];
  state: "pending" | "flushing" | "done";
  error: unknown;
}

/** A layer whose metadata can be made durable without blocking the loop (qcow2). */
interface AsyncFlushable {
  flushAsync(): Promise<void>;
}

function hasFlushAsync(layer: DiskLayer): layer is DiskLayer & AsyncFlushable {
  return typeof (layer as Partial<AsyncFlushable>).flushAsync === "function";
}

/**
 * The settle state machine of a freeze: each frozen layer is flushed in turn, a qcow2 layer
 * through `flushAsync` (its fsyncs awaited across pumps: `settle` returns false while one
 * runs), any other (raw, VHD: metadata written with the data, so flushing is one fsync) with
 * an fsync on a second descriptor, awaited likewise. Then the records (each layer's identity,
 * read asynchronously) are made once.
 */
function settleFrozen(frozen: FrozenLayer[]): PendingFreeze {
  let records: DiskRecord[] | null = null;
  let identifying: Promise<void> | null = null;
  let identifyError: unknown = null;
  return {
    settle: () => {
      for (const f of frozen) {
        if (f.error !== null) throw f.error;
        if (f.state === "done") continue;
        if (f.state === "flushing") return false;
        f.state = "flushing";
        // Raw and VHD layers keep no metadata in memory: their flush is one fsync, done here on
        // a second descriptor of the file, asynchronously (fsync syncs the file, whichever fd).
        const flushing = hasFlushAsync(f.layer) ? f.layer.flushAsync() : fsyncAsync(f.layer.path);
        flushing.then(() => f.state = "done", (e) => f.error = e ?? new Error("flush failed"));
        return false;
      }
      if (identifyError !== null) throw identifyError;
      if (records !== null) return true;
      // The identities are read asynchronously (stat, open, two reads): no file call blocks a pump.
      identifying ??= Promise.all(frozen.map(async (f) => ({
        drive: f.drive,
        frozenPath: resolve(f.layer.path),
        format: f.layer.format,
        identity: await layerIdentityAsync(f.layer.path),
        layers: f.layers,
      }))).then((r) => {
        records = r;
      }, (e) => identifyError = e ?? new Error("identify failed"));
      return false;
    },
    records: () => {
      if (records === null) throw new Error("disk freeze not settled yet");
      return records;
    },
  };
}

/** Drives a {@link DiskFreezer} works on. */
export interface FreezerDrive {
  readonly drive: string;
  readonly slot: DiskSlot;
}

/**
 * Freezes disks as a flip: the next snapshot's differencing child is created in the
 * background ({@link prepare}: file made by a worker, opened in {@link pump}), so the pause
 * only switches the chain to the already-open child. The old top is flushed and identified
 * after the pause ({@link PendingFreeze.settle}), before the snapshot's header names it;
 * nothing writes to it any more. Without a ready spare (VHD tops, a top that changed), the
 * freeze falls back to creating the child in the pause.
 */
export class DiskFreezer {
  readonly #drives: readonly FreezerDrive[];
  readonly #stateDir: string;
  readonly #maker: SpareMaker;
  #spares = new Map<string, Spare>();
  /** Freezes that had to create a child file in the pause (no spare was ready). */
  slowFreezes = 0;

  /** True when the maker is this freezer's own (made here): {@link dispose} then ends it. */
  readonly #ownMaker: boolean;

  /** How long a failed spare waits before it is asked for again. */
  readonly #retryMs: number;

  /** `maker`: a shared one stays its owner's to close (a session shuts it down itself). */
  constructor(
    drives: readonly FreezerDrive[],
    stateDir: string,
    maker?: SpareMaker,
    options: { readonly retryMs?: number } = {},
  ) {
    this.#drives = drives;
    this.#stateDir = stateDir;
    this.#maker = maker ?? new SpareMaker();
    this.#ownMaker = maker === undefined;
    this.#retryMs = options.retryMs ?? SPARE_RETRY_MS;
  }

  /** Starts making the children snapshot `id` will put on the drives' current tops. */
  prepare(id: string): void {
    for (const { drive, slot } of this.#drives) {
      const top = slot.chain.top;
      const old = this.#spares.get(drive);
      // A failed spare is made again for the same snapshot and top only after a while (no request
      // storm from every pump; a snapshot taken meanwhile creates its child in the pause).
      if (old && old.id === id && old.forTop === top) {
        if (old.state !== "failed" || performance.now() - old.failedAt < this.#retryMs) continue;
      }
      if (old) this.#discard(old);
      this.#spares.delete(drive);
      if (top instanceof MemoryOverlay || childFormat(top.format) !== "qcow2") continue;
      // Each spare gets a file of its own: a discarded one (the top changed, e.g. a restore) is
      // deleted asynchronously, or by its worker reply when still being made, so its replacement
      // must not reuse its name (the worker would find the file there, or the late deletion would
      // take the new file).
      const path = this.#freshPath(drive, id);
      const spare: Spare = {
        id,
        forTop: top,
        path,
        state: "creating",
        layer: null,
        bytes: null,
        made: Promise.resolve(),
        failedAt: 0,
      };
      this.#spares.set(drive, spare);
      spare.made = this.#maker.create(path, top.sectorCount * 512, top.path, top.format).then(
        (bytes) => {
          if (spare.state === "creating") {
            spare.state = "created";
            spare.bytes = bytes;
          } else removeQuietly(path); // discarded meanwhile
        },
        (e) => {
          if (spare.state === "creating") this.lastError = e;
          spare.state = "failed";
          spare.failedAt = performance.now();
          // A worker cut off on a timeout may still have been making the file.
          trackRemoval(removeOrphan(path));
        },
      );
    }
  }

  /** Why the last spare could not be made (null: none failed); that snapshot froze the slow way. */
  lastError: unknown = null;

  /** Spare file names used for the snapshot id being prepared. */
  #used: { id: string; paths: Set<string> } = { id: "", paths: new Set() };

  #freshPath(drive: string, id: string): string {
    if (this.#used.id !== id) this.#used = { id, paths: new Set() };
    let path = childPath(this.#stateDir, drive, id, "qcow2");
    for (let n = 2; this.#used.paths.has(path); n++) {
      path = childPath(this.#stateDir, drive, `${id}-${n}`, "qcow2");
    }
    this.#used.paths.add(path);
    return path;
  }

  /** Background unit: opens one spare whose file is ready. True when it did something. */
  pump(): boolean {
    for (const spare of this.#spares.values()) {
      if (spare.state !== "created") continue;
      try {
        spare.layer = openSpare(spare.path, spare.bytes);
        spare.bytes = null;
        spare.state = "open";
      } catch (e) {
        this.lastError = e;
        spare.state = "failed";
      }
      return true;
    }
    return false;
  }

  /** True when every drive that can take a spare has one open for snapshot `id`. */
  ready(id: string): boolean {
    for (const { drive, slot } of this.#drives) {
      const top = slot.chain.top;
      if (top instanceof MemoryOverlay || childFormat(top.format) !== "qcow2") continue;
      const s = this.#spares.get(drive);
      if (!s || s.id !== id || s.state !== "open" || s.forTop !== top) return false;
    }
    return true;
  }

  /** Call in the pause: puts each drive's spare on its chain (or creates the child now). */
  freeze(id: string): PendingFreeze {
    const frozen: FrozenLayer[] = [];
    for (const { drive, slot } of this.#drives) {
      const chain = slot.chain;
      const top = chain.top;
      const layers = chain.layers.map((l) => resolve(l.path));
      const spare = this.#spares.get(drive);
      this.#spares.delete(drive);
      if (spare && spare.id === id && spare.state === "open" && spare.forTop === top && spare.layer) {
        chain.attachChild(spare.layer);
        frozen.push({ drive, layer: top, layers, state: "pending", error: null });
      } else {
        if (spare) this.#discard(spare);
        this.slowFreezes++;
        const format = childFormat(top.format);
        // A spare still being made may hold the usual name.
        const tag = spare && spare.id === id ? `${id}-now` : id;
        chain.pushChild(childPath(this.#stateDir, drive, tag, format), format);
        frozen.push({ drive, layer: top, layers, state: "done", error: null });
      }
    }
    return settleFrozen(frozen);
  }

  /**
   * Drops every spare now (closing and deleting the files made; one still being made is
   * deleted when the worker is done): before an operation that needs the tops to have no
   * other children (a commit). {@link prepare} makes new ones later.
   */
  dropSpares(): void {
    for (const spare of this.#spares.values()) {
      const was = spare.state;
      spare.state = "failed";
      spare.layer?.close();
      spare.layer = null;
      if (was === "creating") continue;
      try {
        Deno.removeSync(spare.path);
      } catch {
        // already gone
      }
    }
    this.#spares.clear();
  }

  /** Drops every spare (waiting for files being made, closing and deleting them) and ends the worker. */
  async dispose(): Promise<void> {
    const spares = [...this.#spares.values()];
    this.#spares.clear();
    await Promise.allSettled(spares.map((s) => s.made));
    for (const s of spares) {
      s.state = "failed";
      s.layer?.close();
      s.layer = null;
      try {
        Deno.removeSync(s.path);
      } catch {
        // never made
      }
    }
    if (this.#ownMaker) this.#maker.close();
  }

  #discard(spare: Spare): void {
    const was = spare.state;
    spare.state = "failed";
    spare.layer?.close();
    spare.layer = null;
    if (was !== "creating") removeQuietly(spare.path);
  }
}

/**
 * Opens a child the worker made, writable: from the bytes it read back when it sent them (no
 * file reads on this thread: ~0.1 ms instead of ~1 ms for a 256 KiB qcow2 file).
 */
export function openSpare(path: string, preload: Qcow2Preload | null): DiskLayer {
  if (preload === null) return openLayer(path, "qcow2", { readOnly: false });
  return openQcow2Preloaded(path, preload, { readOnly: false });
}

/**
 * Deletes a child file a cut-off worker may still have been making (and its temporary file),
 * after giving the worker's last file calls time to end.
 */
export async function removeOrphan(path: string, settleMs = 100): Promise<void> {
  await new Promise((r) => setTimeout(r, settleMs));
  const dir = dirname(path);
  const temp = `.${basename(path)}.tmp-`;
  try {
    for await (const f of Deno.readDir(dir)) {
      if (f.name.startsWith(temp)) await Deno.remove(join(dir, f.name)).catch(() => {});
    }
  } catch {
    // The directory is gone: so is the file.
  }
  await Deno.remove(path).catch(() => {});
}

/** Removals of unused child files still under way (a closing session waits for them). */
const removals = new Set<Promise<void>>();

/** Deletes an unused child file off the loop; {@link removalsDone} waits for it. */
function removeQuietly(path: string): void {
  trackRemoval(Deno.remove(path).catch(() => {}));
}

function trackRemoval(p: Promise<void>): void {
  removals.add(p);
  p.finally(() => removals.delete(p));
}

/** Settles once every child file deletion started so far is done (before a process exits). */
export async function removalsDone(): Promise<void> {
  while (removals.size > 0) await Promise.all([...removals]);
}
