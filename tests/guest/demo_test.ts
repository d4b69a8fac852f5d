/**
 * Acceptance tests for the demo disk (guest/demo/demo.img): the menu, the fire
 * animation, Snake, the keyboard/timer tester and the boot counter, driven by
 * key presses in emulated time. Golden pictures: tests/golden/demo/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openDisk } from "../../disks/open.ts";
import type { GraphicsFrame } from "../../core/video/frame.ts";
import { Headless } from "../helpers/headless.ts";
import {
  biosMode,
  biosTicks,
  bootFloppy,
  DEMO_IMG,
  FIXED_HOST_TIME,
  frame,
  KEY,
  tap,
  textAt,
} from "../helpers/guest_driver.ts";
import { demoShots } from "../golden/demo_shots.ts";
import { checkGolden } from "../golden/golden_files.ts";

const MENU_TITLE = "t t y 8 6    demo disk";

function bootToMenu(): Headless {
  const h = bootFloppy(DEMO_IMG);
  assert.ok(h.waitFor(MENU_TITLE, 5), `no menu:\n${h.screen()}`);
  return h;
}

function graphics(h: Headless): GraphicsFrame {
  const f = frame(h);
  assert.equal(f.kind, "graphics", "expected a graphics frame");
  return f as GraphicsFrame;
}

/** Cells (x, y) of Snake's 40×25 grid whose centre pixel has colour `colour` (a frame pixel value). */
function snakeCells(f: GraphicsFrame, colour: number): Set<string> {
  const cells = new Set<string>();
  for (let y = 0; y < 25; y++) {
    for (let x = 0; x < 40; x++) {
      if (f.pixels[(y * 8 + 4) * f.width + x * 8 + 4] === colour) cells.add(`${x},${y}`);
    }
  }
  return cells;
}

/** Cells that became snake since `before`, as [x, y] pairs. */
function grownCells(before: Set<string>, after: Set<string>): number[][] {
  return [...after].filter((c) => !before.has(c)).map((c) => c.split(",").map(Number));
}

Deno.test("demo: menu, snake start and tester labels match their golden screenshots", () => {
  const problems: string[] = [];
  for (const shot of demoShots()) {
    const diff = checkGolden("demo", shot.name, shot.image, shot.masks);
    if (diff !== null) problems.push(diff);
  }
  assert.deepEqual(problems, []);
});

Deno.test("demo: the menu lists the four programs and the boot count", () => {
  const h = bootToMenu();
  const s = h.screen();
  for (const item of ["1  Fire", "2  Snake", "3  Keyboard and timer tester", "4  Boot counter"]) {
    assert.ok(s.includes(item), `menu lacks "${item}":\n${s}`);
  }
  assert.ok(s.includes("This disk has been booted 1 time(s)."), s);
});

Deno.test("demo: 1 starts the mode 13h fire, which animates under a still caption; Esc returns", () => {
  const h = bootToMenu();
  tap(h, KEY.digit(1), 0.5);
  assert.equal(biosMode(h), 0x13);
  const first = graphics(h);
  assert.equal(first.mode, 0x13);
  assert.equal(first.width, 320);
  const before = first.pixels.slice();
  h.run(0.2);
  const after = graphics(h).pixels;
  const band = 120 * 320;
  let fireChanged = 0;
  for (let i = band; i < 200 * 320; i++) if (before[i] !== after[i]) fireChanged++;
  assert.ok(fireChanged > 1000, `only ${fireChanged} fire pixels changed in 0.2 s`);
  let hot = 0;
  for (let i = band; i < 200 * 320; i++) if (after[i] > 128) hot++;
  assert.ok(hot > 100, `the fire band has only ${hot} hot pixels`);
  assert.deepEqual(after.subarray(0, band), before.subarray(0, band), "the caption area changed");
  let caption = 0;
  for (let i = 0; i < band; i++) if (after[i] !== 0) caption++;
  assert.ok(caption > 200, "no caption drawn above the fire");
  tap(h, KEY.esc, 0.3);
  assert.ok(h.waitFor(MENU_TITLE, 1), "Esc did not return to the menu");
  assert.equal(biosMode(h), 0x03);
});

Deno.test("demo: 2 starts Snake in CGA mode 4, the arrow keys steer it, Esc returns", () => {
  const h = bootToMenu();
  tap(h, KEY.digit(2), 0.05);
  assert.equal(biosMode(h), 0x04);
  assert.equal(graphics(h).mode, 0x04);
  // Frame pixels are colour indices after the attribute palette: learn the snake's from its middle cell.
  const f0 = graphics(h);
  const snake = f0.pixels[(12 * 8 + 4) * 320 + 9 * 8 + 4];
  const wall = f0.pixels[(12 * 8 + 4) * 320 + 4];
  assert.ok(snake !== 0 && wall !== 0 && snake !== wall, `snake colour ${snake}, wall colour ${wall}`);
  const start = snakeCells(f0, snake);
  assert.deepEqual([...start].sort(), ["10,12", "8,12", "9,12"], "the snake starts at (8..10, 12)");
  // Heading right: after 0.4 s the new cells lie on row 12, right of the start.
  h.run(0.4);
  const s1 = snakeCells(graphics(h), snake);
  const right = grownCells(start, s1);
  assert.ok(right.length >= 2, `the snake did not move: ${JSON.stringify(right)}`);
  assert.ok(right.every(([x, y]) => y === 12 && x > 10), `not heading right: ${JSON.stringify(right)}`);
  // Up: the new cells share the column the head was in and climb above row 12.
  const headX = Math.max(...right.map(([x]) => x));
  tap(h, KEY.up, 0.4);
  const s2 = snakeCells(graphics(h), snake);
  const up = grownCells(s1, s2);
  assert.ok(up.length >= 2, `the snake did not move up: ${JSON.stringify(up)}`);
  const upX = up[0][0];
  assert.ok(upX >= headX && upX <= headX + 1, `turned at column ${upX}, head was at ${headX}`);
  assert.ok(up.every(([x, y]) => x === upX && y < 12), `not heading up: ${JSON.stringify(up)}`);
  // Left: the new cells share a row and lie left of the column it climbed.
  tap(h, KEY.left, 0.4);
  const left = grownCells(s2, snakeCells(graphics(h), snake));
  assert.ok(left.length >= 2, `the snake did not move left: ${JSON.stringify(left)}`);
  assert.ok(left.every(([x, y]) => y === left[0][1] && x < upX), `not heading left: ${JSON.stringify(left)}`);
  tap(h, KEY.esc, 0.3);
  assert.ok(h.waitFor(MENU_TITLE, 1), "Esc did not return to the menu");
});

Deno.test("demo: 3 opens the tester, which shows raw scancodes, the BIOS key and advancing ticks", () => {
  const h = bootToMenu();
  tap(h, KEY.digit(3), 0.3);
  assert.ok(h.screen().includes("Keyboard and timer tester"), h.screen());
  tap(h, KEY.a, 0.2);
  assert.match(textAt(h, 5), /1E 9E\s*$/, "raw make and break codes of 'a'");
  assert.match(textAt(h, 8, 45), /^1E\s+61 a$/, "INT 16h scan and ascii of 'a'");
  const ticksShown = (): number => parseInt(textAt(h, 12, 45).trim(), 16);
  const t1 = ticksShown();
  assert.ok(Math.abs(t1 - biosTicks(h)) <= 1, `shown ${t1}, BDA ${biosTicks(h)}`);
  h.run(1);
  const t2 = ticksShown();
  assert.ok(t2 - t1 >= 17 && t2 - t1 <= 20, `ticks went ${t1} → ${t2} in 1 s`);
  assert.match(textAt(h, 14, 45), /^1\.[0-9]/, "seconds since start");
  const hh = String(FIXED_HOST_TIME.getHours()).padStart(2, "0");
  assert.match(textAt(h, 16, 45), new RegExp(`^${hh}:00:0[0-9]$`), "RTC time from the host clock");
  assert.match(textAt(h, 18, 45), /^[0-9A-F]{4}$/, "PIT counter");
  tap(h, KEY.esc, 0.1);
  assert.ok(h.screen().includes("Keyboard and timer tester"), "one Esc must not leave");
  tap(h, KEY.esc, 0.3);
  assert.ok(h.waitFor(MENU_TITLE, 1), "Esc twice did not return to the menu");
});

Deno.test("demo: 4 shows the boot counter; an overlay starts every boot from the image's count", () => {
  for (let boot = 0; boot < 2; boot++) {
    const h = bootToMenu();
    tap(h, KEY.digit(4), 0.3);
    const s = h.screen();
    assert.ok(s.includes("This disk has been booted 1 time(s)."), s);
    assert.ok(s.includes("The new count was written back to sector 60"), s);
  }
});

Deno.test("demo: on a writable copy of the image the boot counter counts boots", () => {
  const dir = Deno.makeTempDirSync({ prefix: "tty86-demo-" });
  try {
    const path = join(dir, "demo.img");
    Deno.copyFileSync(DEMO_IMG, path);
    for (const expected of [1, 2]) {
      const disk = openDisk(path);
      try {
        const h = new Headless({ floppies: [disk], bootOrder: ["a"], hostTime: () => FIXED_HOST_TIME });
        assert.ok(h.waitFor(MENU_TITLE, 5), h.screen());
        tap(h, KEY.digit(4), 0.3);
        assert.ok(h.screen().includes(`This disk has been booted ${expected} time(s).`), h.screen());
      } finally {
        disk.flush();
        disk.close();
      }
    }
    assert.notDeepEqual(Deno.readFileSync(path), Deno.readFileSync(DEMO_IMG), "the copy was not written");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
