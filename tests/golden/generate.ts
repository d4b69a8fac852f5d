/**
 * (Re)creates the golden screenshots: tests/golden/modes/*.png from the video
 * mode tour and tests/golden/demo/*.png from the demo disk. Run with
 * `deno task golden:update`, then look at every picture before committing
 * (see tests/golden/README.md).
 */
import { join } from "node:path";
import { encodePng } from "../../core/video/png.ts";
import type { RgbaImage } from "../../core/video/screenshot.ts";
import { runModesTour } from "./modes_tour.ts";
import { demoShots } from "./demo_shots.ts";
import { applyMasks } from "./compare.ts";

const GOLDEN_DIR = new URL(".", import.meta.url).pathname;

function save(folder: string, name: string, image: RgbaImage): void {
  Deno.mkdirSync(join(GOLDEN_DIR, folder), { recursive: true });
  const path = join(GOLDEN_DIR, folder, `${name}.png`);
  Deno.writeFileSync(path, encodePng(image.width, image.height, image.rgba));
  console.log(`${path} (${image.width}×${image.height})`);
}

for (const step of runModesTour()) {
  if (!step.settled) {
    console.warn(`warning: ${step.name} was still changing (mode ${step.mode.toString(16)}h)`);
  }
  save("modes", step.name, step.image);
}
for (const shot of demoShots()) save("demo", shot.name, applyMasks(shot.image, shot.masks));
