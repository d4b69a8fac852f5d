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
 * Usage: deno task bench:boot [--game-seconds S] [--runs N]
 *   N: the measured process runs N times (default 5); `freedos_boot_ms` is the median and
 *   `freedos_boot_runs` lists every run (this 2-core VM is noisy: one run says little).
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
const runs = Number(option("runs", "5"));
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

/**
 * Runs the measured process once (`game`: also its Snake phase); its JSON with `freedos_boot_ms`
 * counted from the spawn.
 */
async function measuredBoot(entry: string, game: boolean): Promise<Result> {
  const spawnedAt = epochMs();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry, ...childArgs, ...(game ? [] : ["--game-seconds", "0"])],
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

/** The CLI booting the same image headless, from spawn to exit (ms), or a note why not. */
async function cliBoot(): Promise<number | string> {
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
    return out.success ? Math.round(ms) : `main.ts run --headless exited with ${out.code}`;
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
  // The last run also plays Snake (its figures are the game_* keys).
  const r = await measuredBoot(entry, i === runs - 1);
  if (typeof r.freedos_boot_ms === "number") boots.push(r.freedos_boot_ms);
  result = r;
}
if (boots.length > 1) {
  result.freedos_boot_ms = median(boots);
  result.freedos_boot_runs = boots.join(" ");
}
result.boot_bundled = bundled;
let haveImage = true;
try {
  Deno.statSync(FREEDOS);
} catch {
  haveImage = false;
}
if (haveImage) {
  const cli: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await cliBoot();
    if (typeof r === "string") {
      result.cli_note = r;
      break;
    }
    cli.push(r);
  }
  if (cli.length === runs) {
    result.cli_boot_ms = median(cli);
    result.cli_boot_runs = cli.join(" ");
    result.cli_bundled = currentBundle("tty86") !== null;
  }
}
console.log(JSON.stringify(result));
