import assert from "node:assert/strict";
import { LiveSnapshotWriter } from "../../core/snapshot/live_writer.ts";
import { MemorySink } from "../../core/snapshot/sink.ts";
import { SnapshotFile } from "../../core/snapshot/snapshot_file.ts";
import type { StateValue } from "../../core/state.ts";
import { StallBudget } from "../../core/snapshot/stall_budget.ts";
import { FakeMachine } from "./fake_machine.ts";

/** A clock the test moves by hand. */
class FakeClock {
  t = 1000;
  readonly now = (): number => this.t;
}

Deno.test("stall budget: a slice ends before the unit that would cross the deadline", () => {
  const clock = new FakeClock();
  const budget = new StallBudget(clock.now, 0.05);
  budget.begin(0.5);
  let units = 0;
  for (;;) {
    clock.t += 0.04; // one unit of work
    units++;
    if (!budget.next()) break;
  }
  // 0.04 ms units under an estimate that decays from 0.05: ends once ~0.45 ms are used.
  assert.ok(units >= 10 && units <= 12, `units ${units}`);
  assert.ok(clock.t - 1000 <= 0.5, `slice ${clock.t - 1000} ms`);
});

Deno.test("stall budget: one slow unit raises the estimate, so the next slice stops earlier", () => {
  const clock = new FakeClock();
  const budget = new StallBudget(clock.now, 0.05);
  budget.begin(0.5);
  clock.t += 0.3; // a slow unit (e.g. a page that compresses badly)
  assert.equal(budget.next(), false, "0.3 + an estimated 0.3 would cross 0.5");
  assert.ok(Math.abs(budget.unitMs - 0.3) < 1e-9);
  // Worst case of a slice: the budget plus one unit that costs more than the estimate.
  const start = clock.t;
  budget.begin(0.5);
  const costs = [0.1, 0.1, 0.1, 0.45];
  let i = 0;
  while (i < costs.length) {
    clock.t += costs[i++];
    if (!budget.next()) break;
  }
  // The estimate decays 0.27, 0.243, 0.219: the third unit ends the slice, before the 0.45 one.
  assert.equal(i, 3);
  assert.ok(clock.t - start <= 0.5, `slice ${clock.t - start} ms`);
});

Deno.test("the writer's pump checks the clock per page and stays within the budget (fake clock)", async () => {
  const clock = new FakeClock();
  const m = new FakeMachine(1);
  // Every clock read after the pause costs 0.02 ms: a page (one read) ~0.02 ms of "work".
  let ticking = false;
  const writer = new LiveSnapshotWriter({
    now: () => {
      if (ticking) clock.t += 0.02;
      return clock.t;
    },
  });
  const done = writer.take(m.target, { id: "s", sink: new MemorySink() });
  ticking = true;
  let pumps = 0;
  let longest = 0;
  let result = null;
  done.then((r) => result = r);
  while (result === null) {
    const t0 = clock.t;
    writer.pump(0.5);
    longest = Math.max(longest, clock.t - t0);
    pumps++;
    m.scribble(10);
    await new Promise((r) => setTimeout(r, 0));
  }
  // The budget runs from the pump's first clock read (one 0.02 ms tick after t0).
  assert.ok(longest <= 0.5 + 0.02 + 1e-9, `longest pump ${longest} ms`);
  const pages = (1 << 20 >>> 12) + (256 << 10 >>> 12);
  // About 0.5 / 0.02 pages per pump: the pages need many pumps, each bounded.
  assert.ok(pumps >= pages / 26, `${pumps} pumps for ${pages} pages`);
});

Deno.test("every pump makes progress even when one page took longer than the whole budget", async () => {
  const clock = new FakeClock();
  const m = new FakeMachine(2);
  let step = 0;
  const writer = new LiveSnapshotWriter({ now: () => (clock.t += step) });
  let result = null;
  writer.take(m.target, { id: "s", sink: new MemorySink() }).then((r) => result = r);
  step = 2; // every page "takes" 2 ms: far over a 0.5 ms budget
  let pumps = 0;
  while (result === null && pumps < 10_000) {
    writer.pump(0.5);
    pumps++;
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.notEqual(result, null, "the snapshot finished");
});

Deno.test("the writer encodes a large device state across pumps, each within the budget (fake clock)", async () => {
  const clock = new FakeClock();
  const m = new FakeMachine(3);
  // A state of 4000 values (the machine's is ~200): one clock read per unit of encoding.
  const big: StateValue = { list: Array.from({ length: 4000 }, (_, i) => i * 3), name: "big" };
  const target = { ...m.target, state: { saveState: () => big, loadState: () => {} } };
  let ticking = false;
  const writer = new LiveSnapshotWriter({
    now: () => {
      if (ticking) clock.t += 0.02;
      return clock.t;
    },
  });
  const sink = new MemorySink();
  let result = null;
  writer.take(target, { id: "s", sink }).then((r) => result = r);
  ticking = true;
  let pumpsBeforeHeader = 0;
  let longest = 0;
  while (result === null) {
    const t0 = clock.t;
    writer.pump(0.5);
    longest = Math.max(longest, clock.t - t0);
    if (sink.length === 0) pumpsBeforeHeader++;
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.ok(longest <= 0.5 + 0.02 + 1e-9, `longest pump ${longest} ms`);
  // 4000 values at 32 per unit, ~25 units per pump: several pumps, then compression and the head.
  assert.ok(pumpsBeforeHeader >= 5, `${pumpsBeforeHeader} pumps before the header`);
  assert.deepEqual(SnapshotFile.parse(sink.bytes(), "memory").state(), big);
});
