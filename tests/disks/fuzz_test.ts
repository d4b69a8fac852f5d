/**
 * A short seeded fuzz run over every image kind (see tests/fuzz/disk_fuzz.ts): mutated
 * headers and tables must end in success or a clear one-line error, and never change a
 * parent. `deno task fuzz` runs the long version.
 */
import assert from "node:assert/strict";
import { runDiskFuzz } from "../fuzz/disk_fuzz.ts";

Deno.test("disk fuzz: mutated images give success or a one-line error, parents never change", () => {
  const report = runDiskFuzz(1, 84);
  assert.deepEqual(report.failures, []);
  assert.equal(report.succeeded + report.rejected, report.cases);
  assert.ok(report.rejected > 0, "some mutations must be detected");
  assert.ok(report.succeeded > 0, "some mutations are harmless");
});
