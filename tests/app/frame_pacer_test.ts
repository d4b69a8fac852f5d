/**
 * FramePacer on a fake clock and a simulated link that drains R bytes per second: in-flight stays
 * bounded, frames are presented as often as the link allows, the pacer never blocks, and quality
 * switches with hysteresis.
 */
import assert from "node:assert/strict";
import { FramePacer, type PacerOptions, type PacerQuality } from "../../tui/pacer/frame_pacer.ts";

const RETRACE_MS = 1000 / 70;

/** A link that carries `rate` bytes per second; changeable mid-run. */
class SimLink {
  queued = 0;
  drained = 0;
  constructor(public rate: number) {}
  get inFlight(): number {
    return this.queued - this.drained;
  }
  advance(ms: number): void {
    this.drained = Math.min(this.queued, this.drained + this.rate * ms / 1000);
  }
}

interface SimResult {
  decisions: number;
  presents: number;
  maxInFlight: number;
  /** Largest in-flight after the first two seconds (the link has been measured by then). */
  steadyInFlight: number;
  bytes: number;
  complete: number;
  switches: number;
  qualityAt: (t: number) => PacerQuality;
  pacer: FramePacer;
}

interface SimOptions {
  seconds: number;
  rate: number | ((t: number) => number);
  /** Bytes a whole changed frame needs at each quality. */
  frameBytes: Record<PacerQuality, number>;
  /** A renderer sends whole rows: the granularity of a partial frame. */
  rowBytes?: number;
  encodeMs?: number;
  lagging?: boolean;
  pacer?: Partial<PacerOptions>;
  /** Retraces per emulated tick (turbo runs many per wall frame). */
  retraceMs?: number;
}

function simulate(o: SimOptions): SimResult {
  const rateAt = typeof o.rate === "number" ? () => o.rate as number : o.rate;
  const link = new SimLink(rateAt(0));
  const pacer = new FramePacer(o.pacer);
  const rowBytes = o.rowBytes ?? 600;
  const step = o.retraceMs ?? RETRACE_MS;
  const history: [number, PacerQuality][] = [[0, pacer.quality]];
  let decisions = 0, presents = 0, maxInFlight = 0, steadyInFlight = 0, bytes = 0, complete = 0;
  for (let t = 0; t < o.seconds * 1000; t += step) {
    link.rate = rateAt(t);
    link.advance(step);
    const d = pacer.decide(t, link.inFlight, link.drained, o.lagging ?? false);
    decisions++;
    if (d.present) {
      const demand = o.frameBytes[d.quality];
      const full = demand <= d.maxBytes;
      const sent = full ? demand : Math.max(rowBytes, Math.floor(d.maxBytes / rowBytes) * rowBytes);
      link.queued += sent;
      bytes += sent;
      presents++;
      if (full) complete++;
      pacer.presented(t, o.encodeMs ?? 1, sent, full, true);
    }
    maxInFlight = Math.max(maxInFlight, link.inFlight);
    if (t >= 2000) steadyInFlight = Math.max(steadyInFlight, link.inFlight);
    if (pacer.quality !== history[history.length - 1][1]) history.push([t, pacer.quality]);
  }
  return {
    decisions,
    presents,
    maxInFlight,
    steadyInFlight,
    bytes,
    complete,
    switches: history.length - 1,
    qualityAt: (t) => history.filter(([at]) => at <= t).pop()![1],
    pacer,
  };
}

Deno.test("pacer at 1 MB/s: full half-block frames as fast as the link carries them, in-flight bounded", () => {
  const r = simulate({ seconds: 10, rate: 1_000_000, frameBytes: { pixels: 0, halfblock: 30_000 } });
  assert.equal(r.decisions, Math.ceil(10_000 / RETRACE_MS), "one decision per retrace, none skipped over");
  const fps = r.presents / 10;
  assert.ok(fps >= 25 && fps <= 34, `presented ${fps} fps; the link carries 33`);
  assert.ok(r.complete / r.presents > 0.9, `mostly complete frames (${r.complete}/${r.presents})`);
  assert.ok(r.maxInFlight <= 100_000, `in flight peaked at ${r.maxInFlight}`);
  assert.ok(r.steadyInFlight <= 90_000, `in flight in steady state peaked at ${r.steadyInFlight}`);
  assert.ok(r.bytes / 10 >= 0.8 * 1_000_000, `link used at ${r.bytes / 10} B/s`);
});

Deno.test("pacer at 100 KB/s: partial frames keep the link busy and the queue short", () => {
  const r = simulate({ seconds: 10, rate: 100_000, frameBytes: { pixels: 0, halfblock: 30_000 } });
  const steady = simulate({ seconds: 10, rate: 100_000, frameBytes: { pixels: 0, halfblock: 30_000 } });
  assert.equal(r.presents, steady.presents, "deterministic");
  // After the first estimate, at most ~maxQueueMs + budgetMs of link time is queued: under 100 ms.
  assert.ok(r.maxInFlight <= 60_000, `in flight peaked at ${r.maxInFlight}`);
  assert.ok(r.steadyInFlight <= 9_000, `in flight in steady state peaked at ${r.steadyInFlight}`);
  assert.ok(r.bytes / 10 >= 0.8 * 100_000, `link used at ${r.bytes / 10} B/s`);
  assert.ok(r.presents / 10 >= 10, `${r.presents / 10} partial presents per second`);
  assert.ok(r.pacer.link.bytesPerSecond > 70_000 && r.pacer.link.bytesPerSecond < 130_000);
});

Deno.test("pacer at 100 KB/s: after start-up, queued bytes drain within about 100 ms", () => {
  const link = new SimLink(100_000);
  const pacer = new FramePacer();
  let worstMs = 0;
  for (let t = 0; t < 10_000; t += RETRACE_MS) {
    link.advance(RETRACE_MS);
    const d = pacer.decide(t, link.inFlight, link.drained, false);
    if (d.present) {
      const sent = Math.min(30_000, Math.max(600, d.maxBytes));
      link.queued += sent;
      pacer.presented(t, 1, sent, sent >= 30_000, true);
    }
    if (t > 2000) worstMs = Math.max(worstMs, link.inFlight / 100);
  }
  assert.ok(worstMs <= 100, `queue delay up to ${worstMs.toFixed(1)} ms`);
});

Deno.test("pacer on a fast local terminal presents every retrace", () => {
  const r = simulate({ seconds: 5, rate: 500_000_000, frameBytes: { pixels: 0, halfblock: 30_000 } });
  assert.ok(r.presents >= r.decisions - 2, `${r.presents} of ${r.decisions}`);
});

Deno.test("pacer caps presents at maxFps when retraces come faster (turbo)", () => {
  const r = simulate({
    seconds: 5,
    rate: 500_000_000,
    retraceMs: 1,
    frameBytes: { pixels: 0, halfblock: 10_000 },
  });
  assert.ok(r.presents / 5 <= 72, `${r.presents / 5} fps`);
  assert.ok(r.presents / 5 >= 60, `${r.presents / 5} fps`);
});

Deno.test("pacer keeps encoding under its share of wall time", () => {
  const r = simulate({
    seconds: 5,
    rate: 500_000_000,
    encodeMs: 20,
    frameBytes: { pixels: 0, halfblock: 10_000 },
  });
  const share = r.presents * 20 / 5000;
  assert.ok(share <= 0.32, `encoding took ${share} of the time`);
  assert.ok(share >= 0.2, `but still presents (${r.presents / 5} fps)`);
});

Deno.test("pacer skips every other retrace while emulation lags", () => {
  const r = simulate({
    seconds: 2,
    rate: 500_000_000,
    lagging: true,
    frameBytes: { pixels: 0, halfblock: 1000 },
  });
  assert.ok(Math.abs(r.presents - r.decisions / 2) <= 1, `${r.presents} of ${r.decisions}`);
});

Deno.test("pacer drops to half-blocks on a slow link and stays there", () => {
  const r = simulate({
    seconds: 20,
    rate: 100_000,
    frameBytes: { pixels: 60_000, halfblock: 25_000 },
    pacer: { pixelsAvailable: true },
  });
  assert.equal(r.qualityAt(0), "pixels");
  assert.equal(r.pacer.quality, "halfblock");
  assert.equal(r.switches, 1, "no flapping");
  assert.equal(r.qualityAt(1500), "halfblock", "switched down within the first seconds");
});

Deno.test("pacer goes back to pixels only after the link has been good for a while", () => {
  // 100 KB/s for 5 s, then 5 MB/s.
  const r = simulate({
    seconds: 15,
    rate: (t) => t < 5000 ? 100_000 : 5_000_000,
    frameBytes: { pixels: 60_000, halfblock: 25_000 },
    pacer: { pixelsAvailable: true },
  });
  assert.equal(r.qualityAt(4900), "halfblock");
  assert.equal(r.qualityAt(5000 + 2900), "halfblock", "no upgrade before upgradeAfterMs");
  assert.equal(r.pacer.quality, "pixels");
  assert.equal(r.switches, 2);
});

Deno.test("pacer does not flap on a link just below what pixel frames need", () => {
  const r = simulate({
    seconds: 30,
    rate: 450_000,
    frameBytes: { pixels: 60_000, halfblock: 25_000 },
    pacer: { pixelsAvailable: true },
  });
  assert.ok(r.switches <= 1, `${r.switches} switches`);
});

Deno.test("pacer without pixel support stays on half-blocks whatever the link", () => {
  const r = simulate({ seconds: 5, rate: 50_000_000, frameBytes: { pixels: 1, halfblock: 25_000 } });
  assert.equal(r.switches, 0);
  assert.equal(r.pacer.quality, "halfblock");
});

Deno.test("pacer keeps bytes in flight under ~35 ms of link time once the link is measured", () => {
  for (const rate of [1_000_000, 100_000]) {
    const r = simulate({ seconds: 10, rate, frameBytes: { pixels: 0, halfblock: 30_000 } });
    const steadyMs = r.steadyInFlight * 1000 / rate;
    assert.ok(
      steadyMs <= 36,
      `at ${rate} B/s in flight in steady state peaked at ${steadyMs} ms of link time`,
    );
    assert.ok(r.bytes / 10 >= 0.8 * rate, `link used at ${r.bytes / 10} B/s`);
  }
});

interface KeyRun {
  /** Per key: from the key press to the moment the first byte of the frame showing it leaves the queue. */
  latencies: number[];
  presents: number;
}

/**
 * Animation at `rate` with a key pressed every 733 ms (so it lands at varying phases of the
 * retrace and of the link); the guest shows the key's effect `reactMs` after it.
 */
function simulateKeys(o: {
  rate: number;
  frameBytes: number;
  rowBytes: number;
  reactMs: number;
  notify: boolean;
  lagging?: boolean;
}): KeyRun {
  const link = new SimLink(o.rate);
  const pacer = new FramePacer();
  const latencies: number[] = [];
  let nextKey = 2000, keyAt = -1, presents = 0;
  for (let t = 0; t < 12_000; t += RETRACE_MS) {
    link.advance(RETRACE_MS);
    if (keyAt < 0 && t >= nextKey) {
      keyAt = nextKey;
      nextKey += 733;
      if (o.notify) pacer.keyPressed(keyAt);
    }
    const d = pacer.decide(t, link.inFlight, link.drained, o.lagging ?? false);
    if (!d.present) continue;
    presents++;
    if (keyAt >= 0 && t >= keyAt + o.reactMs) {
      latencies.push(t - keyAt + link.inFlight * 1000 / o.rate);
      keyAt = -1;
    }
    const full = o.frameBytes <= d.maxBytes;
    const sent = full ? o.frameBytes : Math.max(o.rowBytes, Math.floor(d.maxBytes / o.rowBytes) * o.rowBytes);
    link.queued += sent;
    pacer.presented(t, 1, sent, full, true);
  }
  return { latencies, presents };
}

const worst = (xs: number[]) => Math.max(...xs);

Deno.test("pacer after a key press: the frame showing it goes out first, within 50 ms at 1 MB/s", () => {
  const keyed = simulateKeys({
    rate: 1_000_000,
    frameBytes: 30_000,
    rowBytes: 600,
    reactMs: 6,
    notify: true,
  });
  const plain = simulateKeys({
    rate: 1_000_000,
    frameBytes: 30_000,
    rowBytes: 600,
    reactMs: 6,
    notify: false,
  });
  assert.equal(keyed.latencies.length, 14);
  assert.ok(worst(keyed.latencies) <= 50, `latencies ${keyed.latencies.map(Math.round)}`);
  assert.ok(worst(keyed.latencies) < worst(plain.latencies), "key priority helps");
  assert.ok(keyed.presents / 12 >= 25, `still ${keyed.presents / 12} fps`);
});

Deno.test("pacer after a key press: within 200 ms at 100 KB/s even with rows of 5 KB", () => {
  const r = simulateKeys({ rate: 100_000, frameBytes: 30_000, rowBytes: 5_000, reactMs: 6, notify: true });
  const plain = simulateKeys({
    rate: 100_000,
    frameBytes: 30_000,
    rowBytes: 5_000,
    reactMs: 6,
    notify: false,
  });
  assert.equal(r.latencies.length, 14);
  assert.ok(worst(r.latencies) <= 200, `latencies ${r.latencies.map(Math.round)}`);
  assert.ok(worst(r.latencies) <= worst(plain.latencies), "key priority never makes it worse");
  assert.ok(r.presents / 12 >= 5, `${r.presents / 12} fps`);
});

Deno.test("pacer after a key press presents the next retrace's frame even while emulation lags", () => {
  const pacer = new FramePacer();
  let t = 0;
  // Settle into the lag rhythm on an idle, fast link.
  for (; t < 1000; t += RETRACE_MS) {
    const d = pacer.decide(t, 0, 0, true);
    if (d.present) pacer.presented(t, 1, 100, true, true);
  }
  // Find a retrace the lag rule would skip, then press a key just before it.
  const probe = new FramePacer();
  for (let s = 0; s < 1000; s += RETRACE_MS) {
    const d = probe.decide(s, 0, 0, true);
    if (d.present) probe.presented(s, 1, 100, true, true);
  }
  assert.equal(probe.decide(t, 0, 0, true).reason, "lag", "without the key this retrace is skipped");
  pacer.keyPressed(t - 1);
  const d = pacer.decide(t, 0, 0, true);
  assert.equal(d.present, true);
  assert.equal(d.urgent, true);
  assert.ok(d.maxBytes >= 1024);
  // Urgency ends after urgentMs.
  const later = pacer.decide(t + pacer.options.urgentMs + RETRACE_MS, 0, 0, false);
  assert.equal(later.urgent, false);
});
