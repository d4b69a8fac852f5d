import assert from "node:assert/strict";
import { HEAVY, IO, type JobStep, StepJob, UNIT } from "../../core/snapshot/step_job.ts";

Deno.test("a step job waits for a yielded promise outside pumps and goes on with its value in a later pump", async () => {
  const log: string[] = [];
  const { promise, resolve } = Promise.withResolvers<number>();
  const job = new StepJob((function* (): Generator<JobStep, number, unknown> {
    log.push("a");
    const v = (yield promise) as number;
    log.push(`b${v}`);
    yield UNIT;
    return v + 1;
  })());
  assert.ok(job.pump(1000));
  assert.deepEqual(log, ["a"]);
  assert.ok(job.waiting);
  assert.equal(job.pump(1000), false, "nothing to do while waiting");
  resolve(41);
  await promise;
  await Promise.resolve();
  assert.equal(job.waiting, false);
  job.pump(1000);
  assert.deepEqual(log, ["a", "b41"]);
  assert.ok(job.done);
  assert.equal(job.value, 42);
  assert.equal(await job.promise, 42);
});

Deno.test("a step job starts a HEAVY unit in a pump of its own, and runs an IO unit alone outside pumps", async () => {
  const log: string[] = [];
  const job = new StepJob((function* (): Generator<JobStep, void, unknown> {
    log.push("small");
    yield UNIT;
    yield HEAVY;
    log.push("heavy");
    yield UNIT;
    yield IO;
    log.push("io");
    yield UNIT;
    log.push("after");
  })());
  job.pump(1000);
  assert.deepEqual(log, ["small"], "the heavy unit waits for the next pump");
  job.pump(1000);
  assert.deepEqual(log, ["small", "heavy"], "the IO unit is not run in a pump");
  assert.ok(job.waiting);
  assert.equal(job.pump(1000), false);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(log, ["small", "heavy", "io"], "the IO unit ran alone, in a macrotask");
  job.pump(1000);
  assert.deepEqual(log, ["small", "heavy", "io", "after"]);
  assert.ok(job.done);
});

Deno.test("a cancelled step job has the error thrown into it, its own cleanup runs, and its promise rejects", async () => {
  const log: string[] = [];
  const job = new StepJob((function* (): Generator<JobStep, void, unknown> {
    try {
      for (;;) yield UNIT;
    } catch (e) {
      log.push(`cleanup: ${(e as Error).message}`);
      throw e;
    }
  })());
  job.pump(0);
  job.cancel(new Error("dropped"));
  job.pump(1000);
  assert.deepEqual(log, ["cleanup: dropped"]);
  assert.ok(job.done);
  await assert.rejects(job.promise, /dropped/);
});
