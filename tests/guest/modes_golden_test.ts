/**
 * The video mode tour (guest/modes/modes.img) against its golden screenshots:
 * every mode's test pattern must match tests/golden/modes/<step>_mode<XX>.png
 * pixel for pixel. Regenerate with `deno task golden:update` (then look at them).
 */
import assert from "node:assert/strict";
import { runModesTour, TOUR } from "../golden/modes_tour.ts";
import { checkGolden } from "../golden/golden_files.ts";

Deno.test("modes tour: every step sets its mode, settles, and matches its golden screenshot", () => {
  const steps = runModesTour();
  assert.equal(steps.length, TOUR.length);
  const problems: string[] = [];
  steps.forEach((step, i) => {
    if (step.mode !== TOUR[i].mode) {
      problems.push(
        `${step.name}: BIOS mode is ${step.mode.toString(16)}h, expected ${TOUR[i].mode.toString(16)}h`,
      );
    }
    if (!step.settled) problems.push(`${step.name}: the screen was still changing`);
    const diff = checkGolden("modes", step.name, step.image);
    if (diff !== null) problems.push(diff);
  });
  assert.deepEqual(problems, []);
});
