/**
 * CPU conformance runner: every SingleStepTests 8086 vector on the 8086 model and
 * every 80186 test ROM on the 80186 model.
 *
 * Usage: deno task conformance [--suite 8086|80186] [--opcode XX] [--limit N]
 *
 * Prints `8086: N passed, M failed` and `80186: N passed, M failed`, and for each
 * failing opcode or ROM its first failing test. Exits non-zero on a failure not in
 * known_failures.txt, or on a listed entry that now passes (checked on full runs only).
 */
import { parseArgs } from "node:util";
import { loadKnownFailures } from "./known_failures.ts";
import { listRoms, runRom } from "./roms_80186.ts";
import { SHARED_URL, sharedExists } from "./shared_dir.ts";
import { listVectorFiles, loadFlagMasks, VectorBench } from "./vectors_8086.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    suite: { type: "string" },
    opcode: { type: "string" },
    limit: { type: "string" },
  },
});
const suites = values.suite === undefined ? ["8086", "80186"] : [values.suite];
for (const s of suites) {
  if (s !== "8086" && s !== "80186") {
    console.error(`unknown suite "${s}" (expected 8086 or 80186)`);
    Deno.exit(2);
  }
}
const limit = values.limit === undefined ? Infinity : Number(values.limit);
if (!(limit > 0)) {
  console.error(`--limit must be a positive number`);
  Deno.exit(2);
}
const only = values.opcode?.toUpperCase();

if (!sharedExists("cpu-tests")) {
  console.log(
    `conformance: skipped, ${SHARED_URL.pathname}cpu-tests not found (test data lives beside the repo)`,
  );
  Deno.exit(0);
}

const known = loadKnownFailures();
const failuresSeen = new Set<string>();
const ran = new Set<string>();
let unexpected = 0;

function fail(suite: string, name: string, detail: string): void {
  const key = `${suite} ${name}`;
  failuresSeen.add(key);
  const listed = known.has(key);
  if (!listed) unexpected++;
  console.log(`  ${listed ? "known" : "FAIL"} ${suite} ${name}: ${detail}`);
}

const started = performance.now();
if (suites.includes("8086")) {
  const masks = loadFlagMasks();
  const bench = new VectorBench();
  let passed = 0;
  let failed = 0;
  for (const stem of listVectorFiles()) {
    if (only !== undefined && stem !== only) continue;
    ran.add(`8086 ${stem}`);
    const r = bench.runFile(stem, masks.get(stem) ?? 0xFFFF, limit);
    passed += r.passed;
    failed += r.failed;
    if (r.first !== null) {
      const f = r.first;
      fail(
        "8086",
        stem,
        `${r.failed} failed; first #${f.index} "${f.test}" ${f.field}: expected 0x${
          f.expected.toString(16)
        }, got 0x${f.got.toString(16)}`,
      );
    }
  }
  console.log(`8086: ${passed} passed, ${failed} failed`);
}
if (suites.includes("80186")) {
  let passed = 0;
  let failed = 0;
  for (const rom of listRoms()) {
    if (only !== undefined && rom.toUpperCase() !== only) continue;
    ran.add(`80186 ${rom}`);
    const r = runRom(rom);
    if (r.passed) {
      passed++;
    } else {
      failed++;
      fail("80186", rom, r.detail);
    }
  }
  console.log(`80186: ${passed} passed, ${failed} failed`);
}

let stale = 0;
if (limit === Infinity) {
  for (const [key, reason] of known) {
    if (ran.has(key) && !failuresSeen.has(key)) {
      stale++;
      console.log(`  PASSES NOW (remove from known_failures.txt): ${key} (${reason})`);
    }
  }
}
console.log(`conformance: ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (unexpected > 0 || stale > 0) Deno.exit(1);
