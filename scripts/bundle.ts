/**
 * `deno task build`: bundles tty86's entry points into `dist/` with `deno bundle`, each with a
 * stamp listing its sources (cli/bundle_stamp.ts), so that start-up loads one file instead of
 * ~250 modules. Only bundles whose stamp is out of date are rebuilt unless `--force`.
 *
 * Usage: deno run -A scripts/bundle.ts [--force] [--quiet] [name...]
 *   names: tty86 (the CLI, run by main.ts), boot-bench (bench/boot_child.ts). Default: all.
 *
 * Exit code 1 if a bundle could not be built (the launcher then runs the modules); with
 * `--quiet` it says so in one line and still exits 0, so a read-only checkout still starts.
 */
import {
  bundleIsCurrent,
  type BundleStamp,
  bundleUrl,
  describeFiles,
  REPO_ROOT_URL,
  stampUrl,
} from "../cli/bundle_stamp.ts";

/** The bundles: name → entry module relative to the repository root. */
export const BUNDLES: Record<string, string> = {
  "tty86": "cli/main.ts",
  "boot-bench": "bench/boot_child.ts",
};

/** Files outside the module graph that change what a bundle contains. */
const CONFIG_FILES = ["deno.json", "deno.lock"];

const root = decodeURIComponent(REPO_ROOT_URL.pathname);

/** Runs `deno <args>` in the root; its standard output, or an error with its first line of stderr. */
async function deno(args: string[]): Promise<Uint8Array> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed: ${firstLine(out.stderr)}`);
  return out.stdout;
}

/** Local source files of `entry`'s module graph, relative to the root (from `deno info --json`). */
async function graphFiles(entry: string): Promise<string[]> {
  const out = await deno(["info", "--json", entry]);
  const info = JSON.parse(new TextDecoder().decode(out)) as { modules: { local?: string }[] };
  const files: string[] = [];
  for (const m of info.modules) {
    if (m.local !== undefined && m.local.startsWith(root) && !m.local.includes("/node_modules/")) {
      files.push(m.local.slice(root.length));
    }
  }
  return files.sort();
}

function firstLine(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).trim().split("\n")[0] ?? "";
}

/** Builds bundle `name` (write + rename, then its stamp the same way). */
export async function buildBundle(name: string): Promise<void> {
  const entry = BUNDLES[name];
  if (entry === undefined) {
    throw new Error(`no bundle named ${name} (have: ${Object.keys(BUNDLES).join(", ")})`);
  }
  // Sizes and times are taken before bundling: a file edited meanwhile leaves the stamp stale.
  const files = [...await graphFiles(entry), ...CONFIG_FILES.filter((f) => exists(f))];
  const stamp: BundleStamp = { deno: Deno.version.deno, files: describeFiles(files) };
  Deno.mkdirSync(new URL("dist/", REPO_ROOT_URL), { recursive: true });
  const target = decodeURIComponent(bundleUrl(name).pathname);
  const temp = `${target}.${Deno.pid}.tmp`;
  try {
    await deno(["bundle", "--quiet", "--platform", "deno", "-o", temp, entry]);
    Deno.renameSync(temp, target);
    const stampPath = decodeURIComponent(stampUrl(name).pathname);
    Deno.writeTextFileSync(`${stampPath}.${Deno.pid}.tmp`, JSON.stringify(stamp) + "\n");
    Deno.renameSync(`${stampPath}.${Deno.pid}.tmp`, stampPath);
  } finally {
    try {
      Deno.removeSync(temp);
    } catch {
      // Renamed into place, or never written.
    }
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(new URL(path, REPO_ROOT_URL));
    return true;
  } catch {
    return false;
  }
}

/** Builds the named bundles (all if none) that are missing or out of date; returns failures. */
export async function buildBundles(names: string[], force = false): Promise<string[]> {
  const failures: string[] = [];
  for (const name of names.length > 0 ? names : Object.keys(BUNDLES)) {
    if (!force && BUNDLES[name] !== undefined && bundleIsCurrent(name)) continue;
    try {
      await buildBundle(name);
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failures;
}

if (import.meta.main) {
  const args = Deno.args.filter((a) => !a.startsWith("--"));
  const force = Deno.args.includes("--force");
  const quiet = Deno.args.includes("--quiet");
  const unknown = Deno.args.filter((a) => a.startsWith("--") && a !== "--force" && a !== "--quiet");
  if (unknown.length > 0 || Deno.args.includes("-h")) {
    console.error("usage: deno run -A scripts/bundle.ts [--force] [--quiet] [tty86|boot-bench...]");
    Deno.exit(2);
  }
  const started = performance.now();
  const failures = await buildBundles(args, force);
  for (const f of failures) {
    console.error(`tty86 build: ${f}${quiet ? " (running from the modules instead)" : ""}`);
  }
  if (!quiet && failures.length === 0) {
    console.error(`tty86 build: dist/ is current (${Math.round(performance.now() - started)} ms)`);
  }
  Deno.exit(failures.length > 0 && !quiet ? 1 : 0);
}
