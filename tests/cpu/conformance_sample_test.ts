/**
 * A sampled conformance run for `deno task test`: the first 10 vectors of every
 * SingleStepTests 8086 opcode file and every 80186 test ROM (the full run is
 * `deno task conformance`). Skips when ../shared is absent.
 */
import assert from "node:assert/strict";
import { loadKnownFailures } from "../conformance/known_failures.ts";
import { listRoms, runRom } from "../conformance/roms_80186.ts";
import { sharedExists } from "../conformance/shared_dir.ts";
import { listVectorFiles, loadFlagMasks, VectorBench } from "../conformance/vectors_8086.ts";

const haveVectors = sharedExists("cpu-tests/8086/v1/metadata.json");
const haveRoms = sharedExists("cpu-tests/80186");
if (!haveVectors || !haveRoms) console.log("conformance sample: ../shared/cpu-tests not found, skipping");

Deno.test({
  name: "the first 10 vectors of every 8086 opcode file pass (or are listed as known failures)",
  ignore: !haveVectors,
  fn() {
    const known = loadKnownFailures();
    const masks = loadFlagMasks();
    const bench = new VectorBench();
    const failures: string[] = [];
    let files = 0;
    for (const stem of listVectorFiles()) {
      files++;
      const r = bench.runFile(stem, masks.get(stem) ?? 0xFFFF, 10);
      if (r.first !== null && !known.has(`8086 ${stem}`)) {
        const f = r.first;
        failures.push(`${stem} "${f.test}" ${f.field}: expected ${f.expected}, got ${f.got}`);
      }
    }
    assert.ok(files > 300, `expected the full vector set, found ${files} files`);
    assert.deepEqual(failures, []);
  },
});

Deno.test({
  name: "every 80186 test ROM passes (or is listed as a known failure)",
  ignore: !haveRoms,
  fn() {
    const known = loadKnownFailures();
    const roms = listRoms();
    assert.ok(roms.length >= 18, `expected the 80186 ROMs, found ${roms.length}`);
    const failures = roms.map(runRom).filter((r) => !r.passed && !known.has(`80186 ${r.rom}`));
    assert.deepEqual(failures.map((r) => `${r.rom}: ${r.detail}`), []);
  },
});
