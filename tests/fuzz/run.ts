/**
 * The long disk fuzz run (`deno task fuzz`): `FUZZ_CASES` cases (default 5000) from
 * `FUZZ_SEED` (default 1). Prints every failure with its seed (rerun one case with
 * FUZZ_SEED=<seed> FUZZ_CASES=1) and exits non-zero if there was any.
 */
import { runDiskFuzz } from "./disk_fuzz.ts";

const cases = Number(Deno.env.get("FUZZ_CASES") ?? 5000);
const seed = Number(Deno.env.get("FUZZ_SEED") ?? 1);
const report = runDiskFuzz(seed, cases, (done) => {
  if (done % 500 === 0) console.error(`${done}/${cases} cases`);
});
for (const f of report.failures) console.log(`FAIL ${f}`);
console.log(JSON.stringify({ ...report, failures: report.failures.length }));
if (report.failures.length > 0) Deno.exit(1);
