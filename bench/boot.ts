/**
 * Boot benchmark: wall time from process start to FreeDOS's `A:\>` prompt
 * (../shared/guests/freedos-boot-1440k.img) with the machine running flat out (turbo), and the
 * guest instruction rate while the demo disk's Snake runs in turbo. Prints one JSON line last:
 * `{"freedos_boot_ms": …, "game_mips": …, …}`.
 *
 * The measured process is bench/boot_child.ts, run as its bundle (dist/boot-bench.js, built here
 * when out of date, as `deno task build` does for tty86 itself) or from the modules if the bundle
 * cannot be built (`boot_bundled` says which). `freedos_boot_ms` counts from just before this
 * process spawns it to the moment it sees the prompt, so Deno's own start-up, loading the code
 * and building the machine are all in it.
 *
 * `cli_boot_ms` is the whole program doing the same: `main.ts run --headless --turbo <image>
 * --until-text 'A:\>'` from spawn until it has exited (so it also counts the CLI's own start-up
 * and its exit).
 *
 * Usage: deno task bench:boot [--game-seconds S] [--runs N]  (N: median of N boots, default 1)
 */
import { currentBundle } from "../cli/bundle_stamp.ts";
import { buildBundles } from "../scripts/bundle.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const FREEDOS = `${ROOT}../shared/guests/freedos-boot-1440k.img`;

type Result = Record<string, number | string | boolean>;

function option(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}
const runs = Number(option("runs", "1"));
if (!(Number.isInteger(runs) && runs >= 1)) throw new RangeError("--runs must be a whole number >= 1");
const childArgs = Deno.args.filter((_, i, a) => a[i] !== "--runs" && a[i - 1] !== "--runs");

/** Wall-clock ms with sub-ms resolution (comparable across processes). */
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs the measured process once; its JSON with `freedos_boot_ms` counted from the spawn. */
async function measuredBoot(entry: string): Promise<Result> {
  const spawnedAt = epochMs();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry, ...childArgs],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  const last = text.split("\n").pop() ?? "";
  if (!out.success || !last.startsWith("{")) throw new Error(`${entry} failed (exit ${out.code}): ${last}`);
  const r = JSON.parse(last) as Result;
  if (typeof r.prompt_epoch_ms === "number") r.freedos_boot_ms = Math.round(r.prompt_epoch_ms - spawnedAt);
  delete r.prompt_epoch_ms;
  return r;
}

/** The CLI booting the same image headless, from spawn to exit. */
async function cliBoot(): Promise<Result> {
  const stateDir = Deno.makeTempDirSync({ prefix: "tty86-bench-boot-" });
  try {
    const spawnedAt = epochMs();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "main.ts",
        "run",
        "--headless",
        "--turbo",
        "--state-dir",
        stateDir,
        "--until-text",
        "A:\\>",
        "--timeout",
        "60",
        FREEDOS,
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    const ms = epochMs() - spawnedAt;
    if (!out.success) return { cli_note: `main.ts run --headless exited with ${out.code}` };
    return { cli_boot_ms: Math.round(ms), cli_bundled: currentBundle("tty86") !== null };
  } finally {
    Deno.removeSync(stateDir, { recursive: true });
  }
}

const failures = await buildBundles(["boot-bench", "tty86"]);
for (const f of failures) console.error(`bench:boot: ${f}; measuring the modules instead`);
const bundled = currentBundle("boot-bench") !== null;
const entry = bundled ? "dist/boot-bench.js" : "bench/boot_child.ts";

let result: Result = {};
const boots: number[] = [];
for (let i = 0; i < runs; i++) {
  const r = await measuredBoot(entry);
  if (typeof r.freedos_boot_ms === "number") boots.push(r.freedos_boot_ms);
  result = r;
}
if (boots.length > 1) {
  result.freedos_boot_ms = median(boots);
  result.freedos_boot_runs = boots.join(" ");
}
result.boot_bundled = bundled;
try {
  Deno.statSync(FREEDOS);
  Object.assign(result, await cliBoot());
} catch (e) {
  if (!(e instanceof Deno.errors.NotFound)) throw e;
}
console.log(JSON.stringify(result));
