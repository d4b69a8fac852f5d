/**
 * Progress reporting for long disk operations. A bar is drawn on stderr only when stderr
 * is a terminal, so piped and scripted runs stay clean.
 */

/** Receives how far an operation has got, as done/total units (sectors). */
export type ProgressSink = (done: number, total: number) => void;

/** A sink that ignores every report. */
export const noProgress: ProgressSink = () => {};

/** Redraws at most this often (in percent steps) so the bar costs nothing measurable. */
const STEP_PERCENT = 1;
const BAR_WIDTH = 40;

/**
 * A progress bar written to `stream` (stderr by default) when it is a terminal; otherwise
 * {@link noProgress}. `label` names the operation.
 */
export function terminalProgress(
  label: string,
  stream: { isTerminal(): boolean; writeSync(p: Uint8Array): number } = Deno.stderr,
): ProgressSink {
  if (!stream.isTerminal()) return noProgress;
  const encoder = new TextEncoder();
  let shown = -1;
  return (done, total) => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    if (percent < shown + STEP_PERCENT && percent !== 100) return;
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((percent / 100) * BAR_WIDTH);
    const bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
    const end = percent === 100 ? "\n" : "";
    stream.writeSync(encoder.encode(`\r${label} [${bar}] ${String(percent).padStart(3)}%${end}`));
  };
}
