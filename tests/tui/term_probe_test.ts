import assert from "node:assert/strict";
import { cellSizeGuessed } from "../../tui/render/layout.ts";
import { applyOverrides, type ProbeIO, type ProbeResult, probeTerminal } from "../../tui/term/probe.ts";
import { fakeScheduler } from "./term_test_helpers.ts";

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

/**
 * A scripted terminal: when the query burst is written, it answers with `reply` split into `chunks`
 * (delivered synchronously, as stdin would deliver them). The timeout runs on a fake clock.
 */
function scripted(
  reply: string[],
  env: Record<string, string> = { TERM: "xterm-256color" },
): { io: ProbeIO; written: string[]; expire: () => void } {
  const { clock } = fakeScheduler();
  let listener: ((chunk: Uint8Array) => void) | null = null;
  const written: string[] = [];
  const io: ProbeIO = {
    write: (data) => {
      written.push(text(data));
      for (const chunk of reply) listener?.(bytes(chunk));
    },
    input: (l) => {
      listener = l;
      return () => {
        listener = null;
      };
    },
    env,
    now: () => clock.now,
    setTimer: (callback, delayMs) => {
      const id = clock.setTimeout(callback, delayMs);
      return () => clock.clearTimeout(id);
    },
    size: { cols: 100, rows: 30 },
  };
  return { io, written, expire: () => clock.tick(500) };
}

const XTERM = [
  "\x1b[?1;0;1024S",
  "\x1b[4;600;800t",
  "\x1b[6;20;10t",
  "\x1b[8;30;80t",
  "\x1b[?2026;0$y",
  "\x1b[?63;1;2;4;6;9;15;22c",
];

Deno.test("probe: xterm with sixel, one burst with DA1 last", async () => {
  const { io, written } = scripted([XTERM.join("")]);
  const result = await probeTerminal(io);
  assert.equal(written.length, 1, "one burst");
  assert.ok(written[0].endsWith("\x1b[c"), "DA1 is the sentinel");
  assert.equal(result.answered, true);
  assert.equal(result.caps.sixel, true);
  assert.equal(result.caps.sixelRegisters, 1024);
  assert.equal(result.caps.kitty, false);
  assert.equal(result.caps.syncOutput, false);
  assert.deepEqual([result.caps.cellWidthPx, result.caps.cellHeightPx], [10, 20]);
  assert.deepEqual([result.caps.cols, result.caps.rows], [80, 30]);
  assert.equal(result.caps.colors, 256);
  assert.equal(result.kittyKeyboard, false);
  assert.equal(result.leftover.length, 0);
});

Deno.test("probe: kitty with graphics, keyboard protocol, sync output and truecolor", async () => {
  const { io } = scripted(
    ["\x1b_Gi=31;OK\x1b\\", "\x1b[6;17;8t", "\x1b[?2026;2$y", "\x1b[?0u", "\x1b[?62;c"],
    { TERM: "xterm-kitty" },
  );
  const { caps, kittyKeyboard } = await probeTerminal(io);
  assert.equal(caps.kitty, true);
  assert.equal(caps.sixel, false);
  assert.equal(caps.syncOutput, true);
  assert.equal(caps.colors, "truecolor");
  assert.equal(kittyKeyboard, true);
  assert.deepEqual([caps.cellWidthPx, caps.cellHeightPx], [8, 17]);
});

Deno.test("probe: a terminal that never answers times out with defaults and keeps the user's typing", async () => {
  const { io, expire } = scripted(["ls\x1b"], { TERM: "vt100" });
  const pending = probeTerminal(io);
  expire();
  const result: ProbeResult = await pending;
  assert.equal(result.answered, false);
  assert.equal(result.caps.sixel, false);
  assert.equal(result.caps.colors, 16);
  assert.deepEqual([result.caps.cols, result.caps.rows], [100, 30], "size from the tty");
  assert.equal(text(result.leftover), "ls\x1b");
  assert.ok(result.notes[0].includes("did not answer"));
});

Deno.test("probe: replies split across chunks byte by byte", async () => {
  const { io } = scripted([...XTERM.join("")]);
  const result = await probeTerminal(io);
  assert.equal(result.caps.sixel, true);
  assert.equal(result.caps.sixelRegisters, 1024);
  assert.equal(result.leftover.length, 0);
});

Deno.test("probe: user typing interleaved with replies comes back as leftover, in order", async () => {
  const { io } = scripted(["a\x1b[?1;0;256S", "b", "\x1b[A", "\x1b[?65;4;6;18;22cafter"]);
  const result = await probeTerminal(io);
  assert.equal(result.caps.sixel, true);
  assert.equal(result.caps.sixelRegisters, 256);
  assert.equal(text(result.leftover), "ab\x1b[Aafter");
});

Deno.test("probe: inside tmux queries are wrapped and a reply through passthrough is recorded", async () => {
  const { io, written } = scripted(["\x1b[?1;2;4c", "\x1b[6;20;10t\x1b[?62;4c"], {
    TMUX: "/tmp/tmux",
    TERM: "screen",
  });
  const result = await probeTerminal(io);
  assert.ok(written[0].includes("\x1bPtmux;\x1b\x1b[c\x1b\\"), "DA1 wrapped with ESC doubled");
  assert.ok(written[0].includes("\x1bPtmux;\x1b\x1b_Gi=31"), "kitty graphics query wrapped");
  assert.equal(result.caps.passthrough, "tmux");
  assert.equal(result.caps.sixel, true);
});

Deno.test("probe: inside tmux without passthrough graphics fall back and the notes say why", async () => {
  const { io, expire } = scripted(["\x1b[?1;2c"], { TMUX: "/tmp/tmux", TERM: "tmux-256color" });
  const pending = probeTerminal(io);
  expire();
  const result = await pending;
  assert.equal(result.caps.passthrough, "none");
  assert.equal(result.caps.sixel, false);
  assert.equal(result.caps.kitty, false);
  assert.ok(result.notes.some((note) => note.includes("allow-passthrough")));
});

Deno.test("probe: inside screen the kitty graphics query is not sent", async () => {
  const { io, written, expire } = scripted([], { STY: "1.pts-0", TERM: "screen" });
  const pending = probeTerminal(io);
  expire();
  await pending;
  assert.ok(!written[0].includes("_G"));
  assert.ok(written[0].includes("\x1bP\x1b[c\x1b\\"));
});

Deno.test("probe: overrides force a renderer and colours, and say so", () => {
  const base = {
    colors: 256 as const,
    sixel: false,
    sixelRegisters: 0,
    kitty: false,
    syncOutput: false,
    cellWidthPx: 0,
    cellHeightPx: 0,
    cols: 80,
    rows: 24,
    passthrough: "none" as const,
  };
  const forced = applyOverrides(base, { render: "sixel", colors: "truecolor" });
  assert.equal(forced.caps.sixel, true);
  assert.equal(forced.caps.sixelRegisters, 256);
  assert.equal(forced.caps.colors, "truecolor");
  assert.equal(forced.caps.cellWidthPx, 8);
  assert.equal(forced.caps.cellHeightPx, 16);
  assert.equal(cellSizeGuessed(forced.caps), true, "the 8×16 fallback is marked as a guess");
  assert.ok(forced.notes.some((note) => note.includes("forced")));
  const text = applyOverrides({ ...base, kitty: true }, { render: "text" });
  assert.equal(text.caps.kitty, false);
  assert.equal(applyOverrides(base, {}).notes.length, 0);
});

/** xterm without allowWindowOps: sixel in DA1, but no reply to XTSMGRAPHICS, 14t, 16t or 18t. */
const DEFAULT_XTERM = ["\x1b[?2026;0$y", "\x1b[?63;1;2;4;6;9;15;22c"];

Deno.test("probe: without 14t/16t replies the cell size comes from the tty's pixel size", async () => {
  const { io } = scripted(DEFAULT_XTERM);
  io.size = { cols: 100, rows: 40, xpixel: 604, ypixel: 524 }; // xterm, 6x13 font, 2 px border
  const result = await probeTerminal(io);
  assert.equal(result.caps.sixel, true);
  assert.deepEqual([result.caps.cellWidthPx, result.caps.cellHeightPx], [6, 13]);
  assert.ok(result.notes.some((note) => note.includes("6×13 px from the tty's window size")));
  const { caps, notes } = applyOverrides(result.caps, {});
  assert.deepEqual([caps.cellWidthPx, caps.cellHeightPx], [6, 13], "no 8×16 guess");
  assert.equal(cellSizeGuessed(caps), false);
  assert.ok(!notes.some((note) => note.includes("assuming")));
});

Deno.test("probe: cell size replies win over the tty's pixel size", async () => {
  const { io } = scripted(["\x1b[6;20;10t", ...DEFAULT_XTERM]);
  io.size = { cols: 100, rows: 40, xpixel: 604, ypixel: 524 };
  const result = await probeTerminal(io);
  assert.deepEqual([result.caps.cellWidthPx, result.caps.cellHeightPx], [10, 20]);
  const textArea = scripted(["\x1b[4;600;900t", ...DEFAULT_XTERM]);
  textArea.io.size = { cols: 100, rows: 40, xpixel: 604, ypixel: 524 };
  const fromTextArea = await probeTerminal(textArea.io);
  assert.deepEqual([fromTextArea.caps.cellWidthPx, fromTextArea.caps.cellHeightPx], [9, 15]);
});

Deno.test("probe: no replies and no pixel size: unknown, then the 8×16 guess", async () => {
  for (const size of [{ cols: 100, rows: 40 }, { cols: 100, rows: 40, xpixel: 0, ypixel: 0 }]) {
    const { io } = scripted(DEFAULT_XTERM);
    io.size = size;
    const result = await probeTerminal(io);
    assert.deepEqual([result.caps.cellWidthPx, result.caps.cellHeightPx], [0, 0]);
    assert.ok(result.notes.some((note) => note.includes("cell size in pixels unknown")));
    const { caps, notes } = applyOverrides(result.caps, {});
    assert.deepEqual([caps.cellWidthPx, caps.cellHeightPx], [8, 16]);
    assert.equal(cellSizeGuessed(caps), true);
    assert.equal(cellSizeGuessed({ ...caps, rows: 39 }), true, "the mark survives a copy");
    assert.ok(notes.some((note) => note.includes("assuming 8×16")));
  }
});
