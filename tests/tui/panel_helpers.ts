/**
 * Shared helpers for the panel tests: draw a panel into a headless xterm and read back what it shows,
 * and key events to press.
 */
import nodeAssert from "node:assert/strict";
import { ByteSink } from "../../tui/render/byte_sink.ts";
import type { KeyEvent } from "../../tui/term/keys.ts";
import type { Panel } from "../../tui/panels/panel.ts";
import { feed, type HeadlessTerminal, makeTerminal } from "./render_test_helpers.ts";

export type { HeadlessTerminal };

/** Renders `panel` into a fresh `cols`×`rows` headless terminal. */
export async function show<A>(panel: Panel<A>, cols = 80, rows = 24): Promise<HeadlessTerminal> {
  const term = makeTerminal(cols, rows);
  const out = new ByteSink();
  panel.render(out, { cols, rows });
  await feed(term, out.bytes());
  return term;
}

/** The text of every row, trailing spaces kept off. */
export function screenLines(term: HeadlessTerminal): string[] {
  const lines: string[] = [];
  for (let y = 0; y < term.rows; y++) {
    lines.push(term.buffer.active.getLine(y)?.translateToString(true) ?? "");
  }
  return lines;
}

/** The row holding `text` (first match), or -1. */
export function rowOf(term: HeadlessTerminal, text: string): number {
  return screenLines(term).findIndex((line) => line.includes(text));
}

/** The background palette colour of a cell (-1 when it is not a palette colour). */
export function bgAt(term: HeadlessTerminal, row: number, col: number): number {
  const cell = term.buffer.active.getLine(row)?.getCell(col);
  if (!cell || !cell.isBgPalette()) return -1;
  return cell.getBgColor();
}

/** A key press. */
export function press(key: string, mods = 0): KeyEvent {
  return { key, pressed: true, mods };
}

/** Presses each key in turn, returning the results. */
export function pressAll<A>(panel: Panel<A>, keys: readonly string[]): ReturnType<Panel<A>["key"]>[] {
  return keys.map((k) => panel.key(press(k)));
}

/** Fails unless `value` is truthy. */
export function assert(value: unknown, message?: string): asserts value {
  nodeAssert.ok(value, message);
}

/** Deep equality. */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Fails unless `text` contains `part`, showing the text. */
export function assertIncludes(text: string | undefined, part: string): void {
  nodeAssert.ok(text?.includes(part), `expected ${JSON.stringify(part)} in:\n${text}`);
}
