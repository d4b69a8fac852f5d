/**
 * A restore's disk preparation opens cheap chain layers back to back and lets the loop run
 * once a turn has spent its budget; the child file worker serves a restore the user waits
 * for ahead of queued requests. Fake clocks and a fake worker keep both deterministic.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createImage } from "../../disks/open.ts";
import { createQcow2Image } from "../../disks/formats/registry.ts";
import {
  layerIdentity,
  prepareDisks,
  SpareMaker,
  type SpareWorkerPort,
} from "../../core/snapshot/disk_freeze.ts";
import type { SpareReply, SpareRequest } from "../../core/snapshot/spare_worker.ts";
import type { DiskRecord } from "../../core/snapshot/format.ts";

/** Makes each file when asked, but answers only when the test releases a request. */
class HoldingWorker implements SpareWorkerPort {
  onmessage: ((e: MessageEvent<SpareReply>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  terminated = false;
  readonly requests: SpareRequest[] = [];

  constructor(readonly makeFiles = false) {}

  postMessage(r: SpareRequest): void {
    this.requests.push(r);
    if (this.makeFiles) {
      createQcow2Image(r.path, { size: r.size, backingFile: r.backingFile, backingFormat: r.backingFormat });
    }
  }

  /** Answers the request the worker holds (the last one sent). */
  answer(): void {
    const r = this.requests[this.requests.length - 1];
    const data: SpareReply = { seq: r.seq, error: null, preload: null };
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  terminate(): void {
    this.terminated = true;
  }
}

function names(w: HoldingWorker): string[] {
  return w.requests.map((r) => r.path.slice(r.path.lastIndexOf("/") + 1));
}

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

Deno.test("a priority child file request goes ahead of queued ones (behind the one the worker holds)", async () => {
  const w = new HoldingWorker();
  const maker = new SpareMaker({ keepAlive: true, spawn: () => w });
  try {
    const order: string[] = [];
    const ask = (name: string, priority = false) =>
      maker.create(`/nonexistent/${name}`, 512, "/nonexistent/base", "raw", { priority }).then(() =>
        order.push(name)
      );
    const all = [
      ask("spare-1"),
      ask("spare-2"),
      ask("prepared-restore"),
      ask("cold-1", true),
      ask("cold-2", true),
    ];
    // One request at a time: the first is with the worker, the rest wait in the maker.
    assert.deepEqual(names(w), ["spare-1"]);
    for (let i = 0; i < 5; i++) {
      w.answer();
      await settled();
    }
    await Promise.all(all);
    assert.deepEqual(names(w), ["spare-1", "cold-1", "cold-2", "spare-2", "prepared-restore"]);
    assert.deepEqual(order, names(w), "each reply settled its own request");
  } finally {
    maker.close();
  }
});

Deno.test("a queued child file request times out from its creation and fails with the stuck one", async () => {
  const workers: HoldingWorker[] = [];
  const maker = new SpareMaker({
    keepAlive: true,
    replyTimeoutMs: 40,
    spawn: () => {
      const w = new HoldingWorker();
      workers.push(w);
      return w;
    },
  });
  try {
    const stuck = maker.create("/nonexistent/a.qcow2", 512, "/nonexistent/base", "raw");
    const queued = maker.create("/nonexistent/b.qcow2", 512, "/nonexistent/base", "raw", { priority: true });
    await assert.rejects(stuck, /^Error: child file worker did not answer in 40 ms \(a\.qcow2\)$/);
    await assert.rejects(queued, /did not answer in 40 ms/);
    assert.ok(workers[0].terminated);
    assert.equal(workers[0].requests.length, 1, "the queued request never reached the stuck worker");
    // The next request gets a new worker and is sent at once.
    const next = maker.create("/nonexistent/c.qcow2", 512, "/nonexistent/base", "raw");
    assert.equal(workers.length, 2);
    assert.deepEqual(names(workers[1]), ["c.qcow2"]);
    workers[1].answer();
    assert.equal(await next, null);
  } finally {
    maker.close();
  }
});

/** A base image and `depth` qcow2 layers on it; the record names the top. */
function makeChain(dir: string, depth: number): DiskRecord {
  const base = join(dir, "base.img");
  createImage(base, { size: 1 << 20 });
  const layers = [base];
  for (let i = 1; i <= depth; i++) {
    const path = join(dir, `layer${i}.qcow2`);
    const parent = layers[layers.length - 1];
    createQcow2Image(path, {
      size: 1 << 20,
      backingFile: parent.slice(parent.lastIndexOf("/") + 1),
      backingFormat: i === 1 ? "raw" : "qcow2",
    });
    layers.push(path);
  }
  const top = layers[layers.length - 1];
  return { drive: "c", frozenPath: top, format: "qcow2", identity: layerIdentity(top), layers };
}

Deno.test("restore preparation opens cheap layers in one turn and lets the loop run when the budget is spent", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-prepare-" });
  try {
    const record = makeChain(tmp, 4); // five layers
    const stateDir = join(tmp, "state");
    Deno.mkdirSync(stateDir);
    const run = async (costMs: number, tag: string) => {
      let clock = 0;
      let turns = 0;
      const maker = new SpareMaker({ keepAlive: true, spawn: () => new AnsweringWorker() });
      try {
        const prepared = await prepareDisks([record], stateDir, tag, maker, {
          turnBudgetMs: 0.7,
          // Every reading of the clock advances it by `costMs`: each layer opened "costs" that much.
          now: () => clock += costMs,
          breathe: () => {
            turns++;
            return Promise.resolve();
          },
        });
        assert.equal(prepared.drives[0].chain.layers.length, 5);
        prepared.abort();
        return turns;
      } finally {
        maker.close();
      }
    };
    // Free layers: all five open without letting the loop run.
    assert.equal(await run(0, "free"), 0);
    // Each layer costs 0.35 ms (the clock is read once per layer while the turn goes on):
    // two layers spend the 0.7 ms budget, so the loop runs after every second layer.
    assert.equal(await run(0.35, "cheap"), 2);
    // Each layer costs more than the budget: the loop runs after every layer.
    assert.equal(await run(1, "dear"), 5);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

/** Makes the file and answers in a microtask. */
class AnsweringWorker extends HoldingWorker {
  constructor() {
    super(true);
  }

  override postMessage(r: SpareRequest): void {
    super.postMessage(r);
    queueMicrotask(() => this.answer());
  }
}
