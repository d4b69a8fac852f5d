/**
 * Link-rate benchmark: the real app loop (runner, pacer, renderers) on the demo disk's mode 13h
 * fire animation in real-time mode, writing to a simulated terminal link that drains at 1 MB/s and
 * at 100 KB/s (real timers). Measures emulation speed, presented frames per second, and
 * key-to-screen latency: from injecting Esc (which returns the fire demo to the text menu) to the
 * moment the link delivers the first bytes of the text screen (its clear-screen).
 *
 * Prints one JSON line: fps_at_1MBps, latency_ms_at_1MBps, realtime_pct_at_1MBps, and the same at
 * 100KBps.
 *
 * @example
 * ```sh
 * deno task bench:link
 * ```
 */
import { fileURLToPath } from "node:url";
import { openBootDisks } from "../tui/app/boot_disks.ts";
import { buildMachine } from "../tui/app/build_machine.ts";
import { App } from "../tui/app/app.ts";
import type { RenderCapabilities } from "../tui/render/capabilities.ts";
import { type OutputSink, OutputWriter } from "../tui/term/output.ts";

const DEMO = fileURLToPath(new URL("../guest/demo/demo.img", import.meta.url));
/** The text renderer's first bytes after a switch from graphics: reset and clear. */
const CLEAR = "\x1b[2J";

/** A terminal link that accepts at most `bytesPerSecond`, delivering in small chunks. */
class SlowLink implements OutputSink {
  /** Wall time (ms) the first chunk containing the clear-screen was delivered after `watchFrom`. */
  clearDeliveredAt = -1;
  watchFrom = Infinity;
  private readonly decoder = new TextDecoder();
  constructor(private readonly bytesPerSecond: number, private readonly chunk = 4096) {}

  async write(bytes: Uint8Array): Promise<number> {
    const n = Math.min(this.chunk, bytes.length);
    await new Promise((resolve) => setTimeout(resolve, (n * 1000) / this.bytesPerSecond));
    const now = performance.now();
    if (this.clearDeliveredAt < 0 && now >= this.watchFrom) {
      if (this.decoder.decode(bytes.subarray(0, n)).includes(CLEAR)) this.clearDeliveredAt = now;
    }
    return n;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One run at `bytesPerSecond`: fire for `seconds`, then Esc. */
async function measure(
  bytesPerSecond: number,
  seconds = 6,
): Promise<{ fps: number; latencyMs: number; pct: number }> {
  const disks = openBootDisks([{ path: DEMO, kind: "floppy" }], { write: false });
  const machine = buildMachine(disks, { cpu: "80186" });
  const link = new SlowLink(bytesPerSecond);
  const output = new OutputWriter(link);
  const caps: RenderCapabilities = {
    colors: "truecolor",
    sixel: false,
    sixelRegisters: 0,
    kitty: false,
    syncOutput: true,
    cellWidthPx: 0,
    cellHeightPx: 0,
    cols: 120,
    rows: 40,
    passthrough: "none",
  };
  const app = new App(machine, { output, kittyKeyboard: false }, caps, {
    turbo: false,
    render: "halfblock",
    prefix: "ctrl-]",
  });
  const running = app.run();
  const encoder = new TextEncoder();
  await sleep(2000); // boot to the menu
  app.input.feed(encoder.encode("1"));
  await sleep(1500); // the fire is up
  const frames0 = app.pacer.presentedFrames;
  const emu0 = machine.emulatedSeconds();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const t1 = performance.now();
  const fps = (app.pacer.presentedFrames - frames0) / ((t1 - t0) / 1000);
  const pct = (machine.emulatedSeconds() - emu0) * 100_000 / (t1 - t0);
  const keyAt = performance.now();
  link.watchFrom = keyAt;
  app.input.feed(encoder.encode("\x1b"));
  const deadline = keyAt + 10_000;
  while (link.clearDeliveredAt < 0 && performance.now() < deadline) await sleep(2);
  const latencyMs = link.clearDeliveredAt < 0 ? -1 : link.clearDeliveredAt - keyAt;
  app.quit();
  await running;
  output.close();
  disks.close();
  return { fps, latencyMs, pct };
}

const round = (n: number) => Math.round(n * 10) / 10;
const fast = await measure(1_000_000);
const slow = await measure(100_000);
console.log(JSON.stringify({
  fps_at_1MBps: round(fast.fps),
  latency_ms_at_1MBps: round(fast.latencyMs),
  realtime_pct_at_1MBps: round(fast.pct),
  fps_at_100KBps: round(slow.fps),
  latency_ms_at_100KBps: round(slow.latencyMs),
  realtime_pct_at_100KBps: round(slow.pct),
}));
