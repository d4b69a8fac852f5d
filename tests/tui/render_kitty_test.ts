import { inflateSync } from "node:zlib";
import { ByteSink } from "../../tui/render/byte_sink.ts";
import { KittyRenderer, writeBase64 } from "../../tui/render/kitty_renderer.ts";
import {
  assert,
  assertEquals,
  feed,
  makeCaps,
  makeGraphicsFrame,
  makeTerminal,
  type MutableGraphicsFrame,
} from "./render_test_helpers.ts";

interface KittyCommand {
  keys: Map<string, string>;
  payload: string;
}

/** Splits output into kitty APC commands (`ESC _ G keys ; payload ESC \`). */
function parseApcs(bytes: Uint8Array): KittyCommand[] {
  const text = new TextDecoder().decode(bytes);
  const commands: KittyCommand[] = [];
  // deno-lint-ignore no-control-regex -- parsing escape sequences is the point
  for (const m of text.matchAll(/\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\/g)) {
    const keys = new Map(m[1].split(",").map((kv) => kv.split("=") as [string, string]));
    commands.push({ keys, payload: m[2] ?? "" });
  }
  return commands;
}

/** Joins the chunks of a transmission, base64-decodes and inflates them. */
function decodeImage(commands: KittyCommand[]): Uint8Array {
  const b64 = commands.map((c) => c.payload).join("");
  const raw = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return new Uint8Array(inflateSync(raw));
}

function assertPixels(rgb: Uint8Array, frame: MutableGraphicsFrame): void {
  assertEquals(rgb.length, frame.width * frame.height * 3);
  let bad = 0;
  for (let i = 0; i < frame.width * frame.height; i++) {
    const c = frame.pixels[i];
    for (let k = 0; k < 3; k++) if (rgb[i * 3 + k] !== frame.palette[c * 3 + k]) bad++;
  }
  assertEquals(bad, 0);
}

function render(r: KittyRenderer, frame: MutableGraphicsFrame): Uint8Array {
  const out = new ByteSink();
  r.render(frame, out, { maxBytes: 1 << 30 });
  return out.bytes().slice();
}

function noisyFrame(): MutableGraphicsFrame {
  const frame = makeGraphicsFrame();
  let seed = 12345;
  for (let i = 0; i < frame.pixels.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    frame.pixels[i] = (i % 7 === 0) ? seed >>> 24 : (i >> 9) & 255;
  }
  return frame;
}

Deno.test("kitty renderer sends zlib RGB in base64 chunks of at most 4096 bytes that inflate to the frame", async () => {
  const frame = noisyFrame();
  const r = new KittyRenderer(makeCaps({ kitty: true }));
  const bytes = render(r, frame);
  const commands = parseApcs(bytes);
  assert(commands.length > 1, "several chunks");
  const first = commands[0].keys;
  assertEquals([first.get("a"), first.get("f"), first.get("o"), first.get("s"), first.get("v")], [
    "T",
    "24",
    "z",
    "320",
    "200",
  ]);
  assertEquals(first.get("q"), "2");
  assertEquals(first.get("c"), "67"); // 25 rows of 1:2 cells at 4:3
  assert(commands.every((c) => c.payload.length <= 4096));
  assert(commands.slice(0, -1).every((c) => c.keys.get("m") === "1"));
  assertEquals(commands.at(-1)!.keys.get("m"), "0");
  assertPixels(decodeImage(commands), frame);
  // The terminal ignores the APCs: nothing is printed.
  const term = makeTerminal(80, 25);
  await feed(term, bytes);
  assertEquals(term.buffer.active.getLine(0)!.translateToString().trim(), "");
});

Deno.test("kitty renderer sends nothing for an unchanged frame and re-places after invalidate", () => {
  const frame = noisyFrame();
  const r = new KittyRenderer(makeCaps({ kitty: true }));
  render(r, frame);
  assertEquals(render(r, frame).length, 0);
  r.invalidate();
  const commands = parseApcs(render(r, frame));
  assertEquals(commands.length, 1);
  assertEquals(commands[0].keys.get("a"), "p");
  assertEquals(commands[0].keys.get("i"), "8086");
  assertEquals(commands[0].payload, "");
});

Deno.test("kitty renderer resends a changed frame and follows palette changes", () => {
  const frame = noisyFrame();
  const r = new KittyRenderer(makeCaps({ kitty: true }));
  render(r, frame);
  frame.pixels[5000] ^= 1;
  assertPixels(decodeImage(parseApcs(render(r, frame))), frame);
  frame.palette.set([1, 2, 3], 0);
  frame.paletteVersion++;
  assertPixels(decodeImage(parseApcs(render(r, frame))), frame);
});

Deno.test("base64 writer matches the standard encoding for every tail length", () => {
  for (const n of [0, 1, 2, 3, 4, 5, 300]) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 91 + 7) & 255);
    const out = new ByteSink();
    writeBase64(out, data, 0, n);
    assertEquals(out.toString(), btoa(String.fromCharCode(...data)));
  }
});
