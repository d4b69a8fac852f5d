/**
 * Link-rate benchmark: the real app loop (runner, pacer, renderers) on the demo disk's mode 13h
 * fire animation in real-time mode, writing to a simulated terminal link that drains at 1 MB/s and
 * at 100 KB/s (real timers). Measures emulation speed, presented frames per second, and
 * key-to-screen latency.
 *
 * The link is a pipe: a 4 KB buffer that the far end empties at exactly `bytesPerSecond`, on a
 * virtual clock (timer overshoot delays when the writer refills the buffer, never the drain rate).
 * A write takes what fits in the buffer; bytes beyond it stay in the app's queue (`inFlight`).
 *
 * Latency runs from the moment Esc reaches the machine's keyboard (the terminal input's 30 ms
 * lone-ESC timeout comes before that and is not the emulator's; it is reported apart) to the moment
 * the link delivers the first byte of the first frame that shows the text menu again (the write
 * holding the text renderer's clear-screen; one present is one write).
 *
 * Esc is pressed {@link PRESSES} times per link rate (re-entering the fire in between), at random
 * phases of the guest's frame and of the retrace.
 *
 * Prints one JSON line: fps_at_1MBps, latency_ms_at_1MBps (the median), realtime_pct_at_1MBps, the
 * same at 100KBps, the worst latencies (latency_ms_max_at_*), and the lone-ESC timeout measured.
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
/** The pipe's buffer. */
const PIPE_BYTES = 4096;

/** A pipe with a {@link PIPE_BYTES} buffer that the far end drains at `bytesPerSecond`. */
class SlowLink implements OutputSink {
  /** Stream offset of the byte to time (-1: none yet). */
  watchOffset = -1;
  /** Wall time (ms) the far end received the byte at {@link watchOffset}, or -1. */
  watchDeliveredAt = -1;
  /** Bytes accepted so far (the stream offset of the next byte). */
  private accepted = 0;
  /** Wall time (ms) at which everything accepted so far has left the buffer. */
  private busyUntil = 0;
  constructor(private readonly bytesPerSecond: number) {}

  /** Bytes in the pipe's buffer at `now`. */
  held(now: number): number {
    return Math.round(Math.max(0, (this.busyUntil - now) * this.bytesPerSecond / 1000));
  }

  async write(bytes: Uint8Array): Promise<number> {
    const msPerByte = 1000 / this.bytesPerSecond;
    const want = Math.min(PIPE_BYTES, bytes.length);
    // Wait until the buffer has room for `want` bytes.
    let now = performance.now();
    const roomAt = this.busyUntil - (PIPE_BYTES - want) * msPerByte;
    if (roomAt > now) {
      await new Promise((resolve) => setTimeout(resolve, roomAt - now));
      now = performance.now();
    }
    const held = Math.max(0, (this.busyUntil - now) / msPerByte);
    const n = Math.min(bytes.length, Math.max(want, Math.floor(PIPE_BYTES - held)));
    const start = Math.max(now, this.busyUntil);
    const w = this.watchOffset - this.accepted;
    if (this.watchOffset >= 0 && this.watchDeliveredAt < 0 && w >= 0 && w < n) {
      this.watchDeliveredAt = start + (w + 1) * msPerByte;
    }
    this.busyUntil = start + n * msPerByte;
    this.accepted += n;
    return n;
  }
}

/** LINK_BENCH_DEBUG=1 prints where each Esc's frame was queued. */
const DEBUG = Deno.env.get("LINK_BENCH_DEBUG") === "1";
/** Esc presses per link rate; the median is reported, and the worst. */
const PRESSES = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One run at `bytesPerSecond`: fire for `seconds`, then Esc. */
async function measure(
  bytesPerSecond: number,
  seconds = 6,
): Promise<{ fps: number; pct: number; latencies: number[]; escapeMs: number }> {
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
  // Time the key where it enters the machine, after the terminal input's lone-ESC timeout.
  let keyAt = -1;
  const keyboard = machine.keyboard;
  const keyEvent = keyboard.keyEvent.bind(keyboard);
  keyboard.keyEvent = (code: number, pressed: boolean) => {
    if (pressed && code === 0x01 && keyAt < 0) keyAt = performance.now();
    keyEvent(code, pressed);
  };
  const app = new App(machine, { output, kittyKeyboard: false }, caps, {
    turbo: false,
    render: "halfblock",
    prefix: "ctrl-]",
  });
  // After the key, the first present holding the clear-screen is the first frame showing its effect.
  const decoder = new TextDecoder();
  const write = output.write.bind(output);
  output.write = (bytes: Uint8Array) => {
    if (keyAt >= 0 && link.watchOffset < 0 && decoder.decode(bytes).includes(CLEAR)) {
      link.watchOffset = output.bytesQueued;
      if (DEBUG) {
        const t = performance.now();
        console.error(
          `key +${(t - keyAt).toFixed(1)} ms: clear queued behind ${output.inFlight} B in flight, ` +
            `${link.held(t)} B in the pipe`,
        );
      }
    }
    write(bytes);
  };
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
  // Esc from the fire, several times: each after a random share of a guest frame and of a retrace,
  // so the key does not land in phase with either; then "1" back into the fire.
  const latencies: number[] = [];
  const escapes: number[] = [];
  for (let i = 0; i < PRESSES; i++) {
    await sleep(Math.random() * 130);
    keyAt = -1;
    link.watchOffset = link.watchDeliveredAt = -1;
    const fedAt = performance.now();
    app.input.feed(encoder.encode("\x1b"));
    const deadline = fedAt + 10_000;
    while (
      (link.watchDeliveredAt < 0 || performance.now() < link.watchDeliveredAt) && performance.now() < deadline
    ) {
      await sleep(2);
    }
    if (DEBUG) console.error(`${bytesPerSecond} B/s: ${(link.watchDeliveredAt - keyAt).toFixed(1)} ms`);
    latencies.push(link.watchDeliveredAt < 0 || keyAt < 0 ? Infinity : link.watchDeliveredAt - keyAt);
    escapes.push(keyAt - fedAt);
    await sleep(300);
    app.input.feed(encoder.encode("1"));
    await sleep(700); // the fire is back and the link busy again
  }
  app.quit();
  await running;
  output.close();
  disks.close();
  return { fps, pct, latencies: latencies.sort((a, b) => a - b), escapeMs: median(escapes) };
}

const round = (n: number) => Math.round(n * 10) / 10;
const fast = await measure(1_000_000);
const slow = await measure(100_000);
console.log(JSON.stringify({
  fps_at_1MBps: round(fast.fps),
  latency_ms_at_1MBps: round(median(fast.latencies)),
  realtime_pct_at_1MBps: round(fast.pct),
  fps_at_100KBps: round(slow.fps),
  latency_ms_at_100KBps: round(median(slow.latencies)),
  realtime_pct_at_100KBps: round(slow.pct),
  latency_ms_max_at_1MBps: round(fast.latencies[fast.latencies.length - 1]),
  latency_ms_max_at_100KBps: round(slow.latencies[slow.latencies.length - 1]),
  lone_esc_timeout_ms: round(median([fast.escapeMs, slow.escapeMs])),
}));
