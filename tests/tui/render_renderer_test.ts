import { ByteSink } from "../../tui/render/byte_sink.ts";
import { chooseGraphicsRenderer, Renderer } from "../../tui/render/renderer.ts";
import { SixelRenderer } from "../../tui/render/sixel_renderer.ts";
import { SCREEN_CHUNK, writePassthrough } from "../../tui/render/sync.ts";
import {
  assert,
  assertEquals,
  collectSixels,
  feed,
  makeCaps,
  makeGraphicsFrame,
  makeTerminal,
  makeTextFrame,
} from "./render_test_helpers.ts";

const BIG = { maxBytes: 1 << 30 };
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("renderer chooses kitty, then sixel, then half-blocks", () => {
  assertEquals(chooseGraphicsRenderer(makeCaps({ kitty: true, sixel: true })), "kitty");
  assertEquals(chooseGraphicsRenderer(makeCaps({ sixel: true })), "sixel");
  assertEquals(chooseGraphicsRenderer(makeCaps()), "halfblock");
});

Deno.test("renderer wraps a frame in synchronized output and sends nothing for an unchanged frame", () => {
  const r = new Renderer(makeCaps({ syncOutput: true }));
  const frame = makeTextFrame();
  const out = new ByteSink();
  r.render(frame, out, BIG);
  const s = out.toString();
  assert(s.startsWith("\x1b[?2026h") && s.endsWith("\x1b[?2026l"));
  out.clear();
  assertEquals(r.render(frame, out, BIG).bytes, 0);
  assertEquals(r.name, "text");
});

Deno.test("renderer redraws the text screen after a graphics interlude", async () => {
  const r = new Renderer(makeCaps());
  const term = makeTerminal(80, 25);
  const textFrame = makeTextFrame();
  textFrame.cells[0] = 0x41 | 0x1f00;
  const out = new ByteSink();
  r.render(textFrame, out, BIG);
  const graphics = makeGraphicsFrame();
  graphics.pixels.fill(4);
  r.render(graphics, out, BIG);
  assertEquals(r.name, "halfblock");
  r.render(textFrame, out, BIG);
  await feed(term, out.bytes());
  const cell = term.buffer.active.getLine(0)!.getCell(0)!;
  assertEquals([cell.getChars(), cell.getBgColor()], ["A", 0x0000aa]);
  assertEquals(term.buffer.active.getLine(12)!.getCell(40)!.getBgColor(), 0, "graphics cleared");
});

Deno.test("renderer deletes the kitty image when going back to text", () => {
  const r = new Renderer(makeCaps({ kitty: true }));
  const out = new ByteSink();
  r.render(makeGraphicsFrame(), out, BIG);
  out.clear();
  r.render(makeTextFrame(), out, BIG);
  assert(out.toString().startsWith("\x1b_Ga=d,d=I,i=8086,q=2\x1b\\"));
});

Deno.test("tmux passthrough doubles every ESC inside ESC P tmux; … ESC \\", async () => {
  const frame = makeGraphicsFrame();
  for (let i = 0; i < frame.pixels.length; i++) frame.pixels[i] = i & 63;
  const plain = new ByteSink(), wrapped = new ByteSink();
  new SixelRenderer(makeCaps({ sixel: true })).render(frame, plain, BIG);
  new SixelRenderer(makeCaps({ sixel: true, passthrough: "tmux" })).render(frame, wrapped, BIG);
  const w = text(wrapped.bytes());
  const dcs = w.indexOf("\x1bPtmux;");
  assert(dcs > 0);
  const unwrapped = w.replace(
    // deno-lint-ignore no-control-regex -- parsing escape sequences is the point
    /\x1bPtmux;([\s\S]*?[^\x1b])\x1b\\/g,
    (_, inner: string) => inner.replaceAll("\x1b\x1b", "\x1b"),
  );
  assertEquals(unwrapped, text(plain.bytes()));
  // And a terminal behind tmux would get the same images: replay the unwrapped stream.
  const term = makeTerminal(80, 25);
  const images = collectSixels(term);
  await feed(term, new TextEncoder().encode(unwrapped));
  assert(images.length >= 1);
});

Deno.test("screen passthrough cuts the payload into short DCS strings without splitting an escape", () => {
  const payload = new TextEncoder().encode("\x1bP0;1;0q" + "#1!40~".repeat(500) + "\x1b\\");
  const out = new ByteSink();
  writePassthrough(out, payload, "screen");
  const s = out.toString();
  // deno-lint-ignore no-control-regex -- parsing escape sequences is the point
  const pieces = [...s.matchAll(/\x1bP([\s\S]*?)\x1b\\(?=\x1bP|$)/g)].map((m) => m[1]);
  assert(pieces.length > 3);
  assert(pieces.every((p) => p.length <= SCREEN_CHUNK));
  assertEquals(pieces.join(""), text(payload));
});
