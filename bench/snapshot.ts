/**
 * Snapshot benchmark: how long the guest stops for a live snapshot, the longest
 * background stall, the stop-and-copy alternative, lazy-restore latency, and sizes.
 *
 * Two workloads behind one {@link Workload} interface: the real machine running the
 * demo disk's mode 13h fire animation in turbo (when guest/demo/demo.img exists), and
 * a synthetic 1 MiB RAM + 256 KiB VRAM target whose "guest" writes random pages in
 * 1 ms slices, and the demo again on a qcow2 disk chain (freezes, cold and prepared restores).
 * Prints a JSON line per workload, then the headline line last: the demo's figures together
 * with the disk-chain ones (keys ending in `_with_disks…`). A stall is any stretch between two
 * guest slices: a pump, or promise callbacks of the snapshot's own file work (they run on the
 * loop's thread too); `BENCH_DEBUG=1` names each one over 1 ms.
 *
 *   deno task bench:snapshot [--synthetic-only]
 */
import { join } from "node:path";
import { openChain } from "../disks/chain.ts";
import { Machine } from "../core/machine/machine.ts";
import { typingSequence } from "../core/machine/typing.ts";
import { PagedMemory } from "../core/memory/paged_memory.ts";
import type { StateValue } from "../core/state.ts";
import { LazyRestore } from "../core/snapshot/lazy_restore.ts";
import {
  LiveSnapshotWriter,
  type SnapshotResult,
  type SnapshotTarget,
} from "../core/snapshot/live_writer.ts";
import { MACHINE_EAGER_MEMORIES, machineSnapshotTarget } from "../core/snapshot/machine_target.ts";
import { StateDir } from "../core/snapshot/state_dir.ts";
import { DiskSlot } from "../core/snapshot/disk_freeze.ts";
import { SnapshotSession } from "../core/snapshot/session.ts";
import { createQcow2Image } from "../disks/formats/registry.ts";

/** Something that runs a guest in slices and can be snapshotted. */
interface Workload {
  readonly name: string;
  readonly target: SnapshotTarget;
  readonly eager: readonly string[];
  /** Runs the guest for about `ms` of wall time. */
  runSlice(ms: number): void;
}

function syntheticWorkload(): Workload {
  const ram = new PagedMemory(1 << 20), vram = new PagedMemory(256 << 10);
  let seed = 12345;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  // Memory that looks used: low-entropy data in most RAM pages, a picture in VRAM.
  for (let i = 0; i < 0xA0000; i++) ram.bytes[i] = (next() & 0x1F) < 3 ? next() & 0x3F : (i >> 7) & 3;
  for (let i = 0; i < vram.bytes.length; i++) vram.bytes[i] = (i >> 9) & 0x3F;
  const regs = new Uint16Array(16);
  return {
    name: "synthetic",
    target: {
      memories: [{ name: "ram", memory: ram }, { name: "vram", memory: vram }],
      state: {
        saveState: (): StateValue => ({ regs: regs.slice(), palette: new Uint8Array(768) }),
        loadState: (s: StateValue) => regs.set((s as { regs: Uint16Array }).regs),
      },
      config: {
        cpuModel: "synthetic",
        memories: [{ name: "ram", size: 1 << 20 }, { name: "vram", size: 256 << 10 }],
        devices: [],
      },
    },
    eager: ["vram"],
    runSlice(ms: number) {
      const end = performance.now() + ms;
      // A busy guest: bursts of writes to random pages of a working set (48 RAM pages, the
      // first 64 KiB of VRAM), like a program updating its data and its screen.
      while (performance.now() < end) {
        for (let burst = 0; burst < 64; burst++) {
          const r = next();
          if (r & 1) ram.write8(0x10000 + ((r >>> 1) % (48 << 12)), r >>> 24);
          else vram.write8((r >>> 1) & 0xFFFF, r >>> 24);
        }
        regs[next() & 15]++;
      }
    },
  };
}

interface DemoWorkload extends Workload {
  /** The floppy's slot when the demo runs on a real qcow2 chain, else null. */
  readonly slot: DiskSlot | null;
}

/**
 * The demo; with `chainDir`, on a temp copy of the image as raw base plus a qcow2 child
 * (a real chain that snapshots freeze), else on the image under a memory overlay.
 */
function demoWorkload(image: string, chainDir: string | null = null): DemoWorkload {
  let slot: DiskSlot | null = null;
  let chain = null;
  if (chainDir === null) {
    chain = openChain(image, { readOnly: true });
    chain.pushOverlay(); // the demo counts boots on its disk: keep the image untouched
  } else {
    Deno.mkdirSync(chainDir, { recursive: true });
    const base = join(chainDir, "demo-base.img");
    Deno.copyFileSync(image, base);
    const top = join(chainDir, "demo-top.qcow2");
    createQcow2Image(top, {
      size: Deno.statSync(base).size,
      backingFile: "demo-base.img",
      backingFormat: "raw",
    });
    slot = new DiskSlot(openChain(top));
  }
  const machine = new Machine({ floppies: [slot ?? chain!] });
  machine.powerOn();
  machine.runCycles(machine.clock.hz * 3); // boot to the menu
  for (const k of typingSequence("1")) {
    machine.keyboard.keyEvent(k.code, k.pressed);
    machine.runCycles(machine.clock.hz / 20);
  }
  machine.runCycles(machine.clock.hz); // the fire is burning
  const chunk = Math.round(machine.clock.hz / 2000);
  return {
    name: "demo-fire-mode13h",
    slot,
    target: machineSnapshotTarget(machine),
    eager: MACHINE_EAGER_MEMORIES,
    runSlice(ms: number) {
      const end = performance.now() + ms;
      while (performance.now() < end) machine.runCycles(chunk); // turbo
    },
  };
}

/** How long a bench phase waits for background preparation before it goes on without it. */
const PREPARE_WAIT_MS = 5000;

/**
 * CPU time of the calling thread in ms (clock_gettime(CLOCK_THREAD_CPUTIME_ID) through FFI), or
 * null where that is not available. It counts the loop thread's own work and leaves out the
 * moments the host runs something else, and an idle wait for a yield to come back.
 */
const threadCpuMs: (() => number) | null = (() => {
  try {
    const libc = Deno.dlopen("libc.so.6", {
      clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
    });
    const CLOCK_THREAD_CPUTIME_ID = 3;
    const ts = new BigInt64Array(2); // struct timespec on 64-bit Linux
    return () => {
      libc.symbols.clock_gettime(CLOCK_THREAD_CPUTIME_ID, ts);
      return Number(ts[0]) * 1000 + Number(ts[1]) / 1e6;
    };
  } catch {
    return null;
  }
})();
if (threadCpuMs === null) console.error("bench:snapshot: no thread CPU clock here; stalls are wall time");

/**
 * Gives the event loop one turn: I/O that finished meanwhile has its promise callbacks run.
 * A cheap file-system op is the yield rather than setTimeout(0), whose ~2 ms timer tick would
 * add idle time to every turn.
 */
function yieldToLoop(): Promise<unknown> {
  return Deno.stat("/");
}

/**
 * The longest stretch of work on the loop's thread between two guest slices: `ms` is its CPU
 * time on that thread (wall time where there is no thread clock), `wallMs` the longest pump in
 * wall time (it also holds whatever the host ran meanwhile).
 */
interface Stall {
  ms: number;
  wallMs: number;
}

function maxStall(...stalls: Stall[]): Stall {
  return { ms: Math.max(...stalls.map((s) => s.ms)), wallMs: Math.max(...stalls.map((s) => s.wallMs)) };
}

/**
 * Runs the guest in 1 ms slices until `isDone`, with a pump after each slice and a turn of the
 * event loop after every fourth, as the real runner does. Returns the longest stall between two
 * slices: a pump, or the promise callbacks of the snapshot's file work, which run on the loop's
 * thread during a turn and hold the guest up just as a pump does. Both are measured as the
 * thread's CPU time: a turn's wall time is mostly the idle wait for the yield's own op.
 */
async function runWithPump(w: Workload, pump: () => void, isDone: () => boolean): Promise<Stall> {
  const clock = threadCpuMs ?? (() => performance.now());
  const debug = Deno.env.get("BENCH_DEBUG") !== undefined;
  // Which phase of the bench this is (the caller's line), for BENCH_DEBUG.
  const where = debug ? (new Error().stack ?? "").split("\n")[2]?.trim().replace(/^at /, "") : "";
  let ms = 0;
  let wallMs = 0;
  for (let i = 0; !isDone(); i++) {
    w.runSlice(1);
    const c = clock();
    const t = performance.now();
    pump();
    const wall = performance.now() - t; // every pump; guest-side faults are reported separately
    const work = clock() - c;
    if (work > 1 && Deno.env.get("BENCH_DEBUG")) {
      console.error(`stall ${work.toFixed(2)} ms in a pump at slice ${i}`);
    }
    ms = Math.max(ms, work);
    wallMs = Math.max(wallMs, wall);
    if (i % 4 === 0) {
      const y = clock();
      await yieldToLoop();
      const between = clock() - y;
      if (between > 1 && debug) {
        console.error(`stall ${between.toFixed(2)} ms in callbacks at slice ${i}, ${where}`);
      }
      ms = Math.max(ms, between);
    }
  }
  return { ms, wallMs };
}

async function measure(w: Workload, dirPath: string): Promise<Record<string, number | string>> {
  const dir = new StateDir(dirPath);
  dir.ensure();
  const writer = new LiveSnapshotWriter();
  for (let i = 0; i < 50; i++) w.runSlice(1);
  // Warm-up snapshot (compiles the code paths), not measured.
  let warm: SnapshotResult | null = null;
  writer.take(w.target, { id: "warm", sink: dir.sinkFor("warm") }).then((r) => warm = r);
  await runWithPump(w, () => writer.pump(), () => warm !== null);

  // Live snapshot.
  const id = "live";
  const t0 = performance.now();
  const job = writer.take(w.target, { id, sink: dir.sinkFor(id) });
  const pauseMs = performance.now() - t0;
  let live: SnapshotResult | null = null;
  job.then((r) => live = r);
  const liveStall = await runWithPump(w, () => writer.pump(), () => live !== null);
  const full = live!;

  // Diff snapshot after a second of guest activity.
  for (let i = 0; i < 1000; i++) w.runSlice(1);
  let diff: SnapshotResult | null = null;
  writer.take(w.target, {
    id: "diff",
    sink: dir.sinkFor("diff"),
    base: { id, diffDepth: 0, hashes: full.hashes },
  })
    .then((r) => diff = r);
  // A second snapshot stores pages that differ from the first: a background save like the first.
  const diffStall = await runWithPump(w, () => writer.pump(), () => diff !== null);

  // Stop-and-copy: the same work done in one go while the guest waits.
  const t1 = performance.now();
  const stop = writer.take(w.target, { id: "stop", sink: dir.sinkFor("stop") });
  writer.pump(Number.POSITIVE_INFINITY);
  await stop;
  const stopAndCopyMs = performance.now() - t1;

  // Lazy restore of the live snapshot (after one unmeasured warm-up restore).
  const warmRestore = LazyRestore.begin(w.target, await dir.openResolved("warm"), { eager: w.eager });
  await runWithPump(w, () => warmRestore.pump(), () => warmRestore.done);
  for (let i = 0; i < 200; i++) w.runSlice(1);
  const t2 = performance.now();
  // As a cold restore reads it (SnapshotSession): in one step when small, else asynchronously.
  let resolved = dir.openForRestoreQuickly(id, w.eager);
  if (resolved === null) {
    resolved = await dir.openResolved(id);
    await resolved.predecode(w.eager);
  }
  const t3 = performance.now();
  const restore = LazyRestore.begin(w.target, resolved, { eager: w.eager });
  const restorePause = performance.now() - t3;
  const restoreToRunning = performance.now() - t2;
  const restoreStall = await runWithPump(w, () => restore.pump(), () => restore.done);
  const restoreComplete = performance.now() - t2;

  return {
    workload: w.name,
    pause_ms: round(pauseMs),
    max_stall_ms: round(maxStall(liveStall, diffStall).ms),
    max_stall_wall_ms: round(maxStall(liveStall, diffStall).wallMs),
    copied_pages: full.copiedPages,
    max_copy_fault_ms: round(full.maxFaultMs),
    stop_and_copy_ms: round(stopAndCopyMs),
    // How many times longer the guest would stop if the snapshot were taken stop-and-copy.
    stop_and_copy_vs_pause: round(stopAndCopyMs / Math.max(pauseMs, 0.001)),
    restore_to_running_ms: round(restoreToRunning),
    restore_pause_ms: round(restorePause),
    restore_complete_ms: round(restoreComplete),
    restore_max_stall_ms: round(restoreStall.ms),
    restore_max_stall_wall_ms: round(restoreStall.wallMs),
    restore_max_fault_ms: round(restore.maxFaultMs),
    restore_faults: restore.faults,
    snapshot_bytes: full.fileBytes,
    memory_bytes: full.memoryBytes,
    diff_snapshot_bytes: diff!.fileBytes,
  };
}

/** Snapshots through a session on the demo's real qcow2 chain: pause (a flip) and stalls. */
async function measureWithDisks(image: string, dirPath: string): Promise<Record<string, number | string>> {
  const w = demoWorkload(image, join(dirPath, "disk"));
  const slot = w.slot!;
  const session = new SnapshotSession({
    target: w.target,
    stateDir: new StateDir(join(dirPath, "state")),
    drives: [{ drive: "a", slot }],
    eager: w.eager,
  });
  const pauses: number[] = [];
  let stall: Stall = { ms: 0, wallMs: 0 };
  const ids: string[] = [];
  const restores: { toRunning: number; pause: number; resolved: number; stall: Stall; blocked: number }[] =
    [];
  const prepared: typeof restores = [];
  let prepStall: Stall = { ms: 0, wallMs: 0 };
  let notReady = 0;
  let disksNotReady = 0;
  // Waits (pumping) for the next snapshot's disk children; bounded: a spare that failed is not made
  // again (that snapshot freezes the slow way, counted in slow_freezes).
  const waitDisks = async () => {
    const until = performance.now() + PREPARE_WAIT_MS;
    const s = await runWithPump(
      w,
      () => session.pump(),
      () => session.disksReady || performance.now() > until,
    );
    if (!session.disksReady) {
      disksNotReady++;
      console.error(`disk children not prepared: ${session.freezer?.lastError}`);
    }
    return s;
  };
  try {
    for (let round = 0; round < 4; round++) {
      session.prepareNext();
      await waitDisks();
      const t0 = performance.now();
      let done = false;
      session.snapshot(`disks-${round}`).then((e) => {
        ids.push(e.id);
        done = true;
      });
      pauses.push(performance.now() - t0);
      const s = await runWithPump(w, () => session.pump(), () => done);
      if (round > 0) stall = maxStall(stall, s); // round 0 warms up
    }
    // Cold restores with disks (older snapshots, nothing prepared; the first warms up): command →
    // guest running restored, the pause, and the longest loop stall while the chains open, the
    // old ones close and pages load. The targets go round the four snapshots (each restore starts
    // a new branch, so the chain differs every time).
    for (let round = 0; round < 7; round++) {
      for (let i = 0; i < 100; i++) w.runSlice(1);
      const t0 = performance.now();
      let settled = false;
      let failure: unknown = null;
      session.restore(ids[round % ids.length]).then(() => settled = true, (e) => {
        failure = e;
        settled = true;
      });
      const s = await runWithPump(w, () => session.pump(), () => settled && !session.status.restoring);
      if (failure !== null) throw failure;
      restores.push({
        toRunning: session.lastRestoreRunningAt - t0,
        pause: session.lastRestorePauseMs,
        resolved: performance.now() - t0,
        stall: s,
        blocked: session.lastRestoreBlockedMs,
      });
    }
    // Prepared restores (Ctrl-] r: the latest snapshot, prepared in the background after it was
    // taken; the first warms up). The stalls of the preparation count too.
    for (let round = 0; round < 4; round++) {
      session.prepareNext();
      prepStall = maxStall(prepStall, await waitDisks());
      let latest: string | null = null;
      session.snapshot(`latest-${round}`).then((e) => latest = e.id);
      prepStall = maxStall(prepStall, await runWithPump(w, () => session.pump(), () => latest !== null));
      const waitUntil = performance.now() + 5000;
      prepStall = maxStall(
        prepStall,
        await runWithPump(
          w,
          () => session.pump(),
          () => session.restoreReady(latest!) || performance.now() > waitUntil,
        ),
      );
      if (!session.restoreReady(latest!)) {
        notReady++;
        console.error(`restore of ${latest} not prepared: ${session.lastPrepareError}`);
      }
      for (let i = 0; i < 100; i++) w.runSlice(1);
      const t0 = performance.now();
      let settled = false;
      let failure: unknown = null;
      session.restore(latest!).then(() => settled = true, (e) => {
        failure = e;
        settled = true;
      });
      const s = await runWithPump(w, () => session.pump(), () => settled && !session.status.restoring);
      if (failure !== null) throw failure;
      prepared.push({
        toRunning: session.lastRestoreRunningAt - t0,
        pause: session.lastRestorePauseMs,
        resolved: performance.now() - t0,
        stall: s,
        blocked: session.lastRestoreBlockedMs,
      });
    }
  } finally {
    await session.close();
    slot.close();
  }
  return {
    workload: "demo-fire-mode13h-qcow2-chain",
    pause_ms_with_disks: round(Math.max(...pauses.slice(1))),
    max_stall_ms_with_disks: round(stall.ms),
    max_stall_wall_ms_with_disks: round(stall.wallMs),
    slow_freezes: session.freezer!.slowFreezes,
    max_stall_ms_with_disks_incl_restore_prep: round(Math.max(stall.ms, prepStall.ms)),
    max_stall_wall_ms_with_disks_incl_restore_prep: round(Math.max(stall.wallMs, prepStall.wallMs)),
    restore_to_running_ms_with_disks: round(Math.max(...prepared.slice(1).map((r) => r.toRunning))),
    restore_pause_ms_with_disks: round(Math.max(...prepared.slice(1).map((r) => r.pause))),
    restore_max_stall_ms_with_disks: round(Math.max(...prepared.slice(1).map((r) => r.stall.ms))),
    restore_max_stall_wall_ms_with_disks: round(Math.max(...prepared.slice(1).map((r) => r.stall.wallMs))),
    restores_not_prepared: notReady,
    disks_not_prepared: disksNotReady,
    restore_to_running_ms_with_disks_cold: round(Math.max(...restores.slice(1).map((r) => r.toRunning))),
    restore_pause_ms_with_disks_cold: round(Math.max(...restores.slice(1).map((r) => r.pause))),
    restore_max_stall_ms_with_disks_cold: round(Math.max(...restores.slice(1).map((r) => r.stall.ms))),
    restore_max_stall_wall_ms_with_disks_cold: round(
      Math.max(...restores.slice(1).map((r) => r.stall.wallMs)),
    ),
    // The cold restore reads, verifies and opens in one stretch (the old timeline is dropped anyway).
    restore_blocked_ms_with_disks_cold: round(Math.max(...restores.slice(1).map((r) => r.blocked))),
    chain_layers: slot.chain.layers.length,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

const tmp = await Deno.makeTempDir({ prefix: "tty86-bench-snapshot-" });
try {
  const image = new URL("../guest/demo/demo.img", import.meta.url).pathname;
  const workloads: (() => Workload)[] = [syntheticWorkload];
  let hasDemo = false;
  try {
    hasDemo = Deno.statSync(image).isFile && !Deno.args.includes("--synthetic-only");
  } catch {
    // No demo image: synthetic only.
  }
  if (hasDemo) workloads.push(() => demoWorkload(image));
  let last: Record<string, number | string> = {};
  for (const [i, make] of workloads.entries()) {
    last = await measure(make(), join(tmp, String(i)));
    console.log(JSON.stringify(last));
  }
  if (hasDemo) {
    const disks = await measureWithDisks(image, join(tmp, "disks"));
    console.log(JSON.stringify(disks));
    // The summary line last: the demo's figures (the keys) and those with a disk chain.
    const { workload: _, ...withDisks } = disks;
    console.log(JSON.stringify({ ...last, ...withDisks }));
  }
} finally {
  await Deno.remove(tmp, { recursive: true });
}
