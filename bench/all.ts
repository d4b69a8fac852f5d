/**
 * Runs every benchmark (each `bench:*` task in deno.json) one after another, each in its own
 * process so one's JIT state and memory cannot colour another's figures, and prints one JSON
 * line last: `{ "<name>": <that benchmark's last JSON line>, ... }`. A benchmark that fails or
 * prints no JSON is reported as `{ "error": "..." }` and makes the exit code 1.
 *
 * @example
 * ```sh
 * deno task bench            # all of them
 * deno task bench cpu disk   # just these
 * ```
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const config = JSON.parse(Deno.readTextFileSync(`${root}deno.json`)) as { tasks: Record<string, string> };
const all = Object.keys(config.tasks)
  .filter((t) => t.startsWith("bench:"))
  .map((t) => t.slice("bench:".length));
const wanted = Deno.args.length > 0 ? Deno.args : all;

const results: Record<string, unknown> = {};
let failed = false;
for (const name of wanted) {
  if (!all.includes(name)) {
    console.error(`bench: no task bench:${name} (have: ${all.join(", ")})`);
    Deno.exit(2);
  }
  console.error(`== bench:${name}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", `bench:${name}`],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  Deno.stderr.writeSync(out.stdout);
  const last = text.trim().split("\n").reverse().find((line) => line.trim().startsWith("{"));
  if (!out.success || last === undefined) {
    failed = true;
    results[name] = { error: out.success ? "printed no JSON line" : `exited with code ${out.code}` };
    continue;
  }
  try {
    results[name] = JSON.parse(last);
  } catch {
    failed = true;
    results[name] = { error: "last line is not valid JSON" };
  }
}
console.log(JSON.stringify(results));
if (failed) Deno.exit(1);
