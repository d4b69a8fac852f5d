/**
 * tty86 in a real sixel terminal: xterm (VT340 emulation, 256 colour registers) on a private Xvfb
 * display runs `deno run -A main.ts --render sixel`; xdotool types into it; ImageMagick's `import`
 * takes screenshots of the xterm window. Takes one of the text menu and one of the mode 13h fire
 * demo, checks they are not blank (menu: a blue screen with text; fire: red and yellow pixels in the
 * lower half), then quits with Ctrl-] q.
 *
 *   deno run -A scripts/xterm_screenshot.ts [--out docs/screenshots] [--render sixel] [--font XLFD]
 *
 * Writes xterm-menu.png and xterm-sixel-fire.png to the output folder and prints one JSON line last.
 * xterm answers the pixel-size queries (CSI 14 t / 16 t) only with allowWindowOps, which is set here;
 * `--default-xterm` leaves xterm's default (tty86 must then guess its cell size).
 * Exit code 0 when the checks passed, 1 when one failed, 2 when a tool is missing.
 * @module
 */

import { findTool, missingTools, run, runOk, sleep, stopChild, waitUntil } from "./term_harness.ts";

/** Tools the screenshot run needs. */
export const XTERM_TOOLS = ["Xvfb", "xterm", "xdotool", "import", "convert"];

/** Options of {@link runXtermScreenshots}. */
export interface XtermShotOptions {
  /** Where the PNGs go. */
  outDir: string;
  repo?: string;
  render?: "auto" | "text" | "halfblock" | "sixel" | "kitty";
  /** X core font for xterm (default: the Unicode 9x15 "fixed", 100x40 cells make a 900x600 window). */
  font?: string;
  /** Seconds of fire before the screenshot. */
  fireSeconds?: number;
  /** Leave xterm's allowWindowOps at its default (false). */
  defaultXterm?: boolean;
  log?: (line: string) => void;
}

/** Pixel statistics of a screenshot. */
export interface ImageStats {
  width: number;
  height: number;
  /** Share of red-to-yellow pixels in the lower half. */
  fireShareLower: number;
  /** Share of clearly blue pixels (the demo menu's background). */
  blueShare: number;
  /** Share of light pixels (text). */
  lightShare: number;
  /** Distinct colours (capped count). */
  colours: number;
}

/** What {@link runXtermScreenshots} produced. */
export interface XtermShotResult {
  menuPng: string;
  firePng: string;
  menu: ImageStats | undefined;
  fire: ImageStats | undefined;
  checks: { menu: boolean; fire: boolean; quit: boolean };
  problems: string[];
}

/** Reads a PNG through ImageMagick and computes {@link ImageStats}. */
export async function imageStats(png: string): Promise<ImageStats> {
  const size = (await runOk("identify", ["-format", "%w %h", png])).trim().split(" ").map(Number);
  const [width, height] = size;
  const child = new Deno.Command("convert", { args: [png, "-depth", "8", "rgb:-"], stdout: "piped" });
  const { stdout: rgb, code } = await child.output();
  if (code !== 0 || rgb.length < width * height * 3) throw new Error(`convert could not read ${png}`);
  let lowerFire = 0, blue = 0, light = 0;
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
      if (colours.size < 100_000) colours.add((r << 16) | (g << 8) | b);
      if (y >= height / 2 && r >= 128 && g <= r && b < r * 0.6) lowerFire++;
      if (b >= 128 && r < 90 && g < 90) blue++;
      if (r >= 160 && g >= 160 && b >= 160) light++;
    }
  }
  const pixels = width * height;
  return {
    width,
    height,
    fireShareLower: lowerFire / Math.max(1, pixels - Math.ceil(height / 2) * width),
    blueShare: blue / pixels,
    lightShare: light / pixels,
    colours: colours.size,
  };
}

/** Starts Xvfb on the first free display from :90 on; returns it and its display name. */
async function startXvfb(): Promise<{ child: Deno.ChildProcess; display: string }> {
  const xvfb = findTool("Xvfb") ?? "Xvfb";
  for (let n = 90; n < 130; n++) {
    const exists = (p: string) => {
      try {
        Deno.statSync(p);
        return true;
      } catch {
        return false;
      }
    };
    if (exists(`/tmp/.X${n}-lock`) || exists(`/tmp/.X11-unix/X${n}`)) continue;
    const child = new Deno.Command(xvfb, {
      args: [`:${n}`, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exited = false;
    child.status.then(() => (exited = true));
    const up = await waitUntil(() => exited || exists(`/tmp/.X11-unix/X${n}`), 10_000, 50);
    if (up && !exited) return { child, display: `:${n}` };
    await stopChild(child, 1000);
  }
  throw new Error("no free X display from :90 to :129");
}

/** Runs xterm with tty86 under Xvfb and takes the screenshots; throws when a tool is missing. */
export async function runXtermScreenshots(options: XtermShotOptions): Promise<XtermShotResult> {
  const missing = missingTools(XTERM_TOOLS);
  if (missing.length > 0) throw new Error(`missing tools: ${missing.join(", ")}`);
  const log = options.log ?? ((line: string) => console.error(line));
  const repo = options.repo ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const render = options.render ?? "sixel";
  const menuPng = `${options.outDir}/xterm-menu.png`;
  const firePng = `${options.outDir}/xterm-sixel-fire.png`;
  const problems: string[] = [];
  const checks = { menu: false, fire: false, quit: false };
  let menu: ImageStats | undefined;
  let fire: ImageStats | undefined;
  await Deno.mkdir(options.outDir, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "tty86-xterm-" });
  let xvfb: Deno.ChildProcess | undefined;
  let xterm: Deno.ChildProcess | undefined;
  let xtermExited = false;
  try {
    const x = await startXvfb();
    xvfb = x.child;
    const env = { DISPLAY: x.display };
    log(`Xvfb on ${x.display}`);
    const xrm = [
      "XTerm*decTerminalID: vt340",
      "XTerm*numColorRegisters: 256",
      ...(options.defaultXterm ? [] : ["XTerm*allowWindowOps: true"]),
    ].flatMap((r) => ["-xrm", r]);
    xterm = new Deno.Command(findTool("xterm") ?? "xterm", {
      args: [
        "-ti",
        "vt340",
        ...xrm,
        "-bg",
        "black",
        "-fg",
        "gray90",
        "-fn",
        options.font ?? "-misc-fixed-medium-r-normal--15-140-75-75-c-90-iso10646-1",
        "-geometry",
        "100x40+0+0",
        "-e",
        Deno.execPath(),
        "run",
        "-A",
        "main.ts",
        "--render",
        render,
      ],
      cwd: repo,
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    xterm.status.then(() => (xtermExited = true));

    let window = "";
    const found = await waitUntil(
      async () => {
        const r = await run("xdotool", ["search", "--class", "xterm"], { env, timeoutMs: 5000 });
        window = r.stdout.trim().split("\n")[0] ?? "";
        return window !== "" || xtermExited;
      },
      // Generous: on a loaded 2-core machine xterm's start-up alone has taken over 15 s.
      60_000,
      200,
    );
    if (!found || window === "") {
      throw new Error(`the xterm window did not appear${xtermExited ? " (xterm exited)" : " within 60 s"}`);
    }
    await run("xdotool", ["windowfocus", "--sync", window], { env, timeoutMs: 5000 });
    const shoot = async (path: string) => {
      const raw = `${dir}/shot.png`;
      await runOk("import", ["-window", window, raw], { env });
      await runOk("convert", [raw, "-strip", path]);
      return await imageStats(path);
    };

    // The menu: a blue text screen (deno start and boot take a few seconds).
    checks.menu = await waitUntil(
      async () => {
        menu = await shoot(menuPng);
        return xtermExited || (menu.blueShare >= 0.2 && menu.lightShare >= 0.002);
      },
      60_000,
      1000,
    ) && !xtermExited;
    if (!checks.menu) problems.push(`menu screenshot check failed: ${JSON.stringify(menu)}`);
    log(`menu: ${JSON.stringify(menu)}`);

    // Fire: mode 13h.
    await runOk("xdotool", ["key", "1"], { env });
    await sleep((options.fireSeconds ?? 3) * 1000);
    checks.fire = await waitUntil(
      async () => {
        fire = await shoot(firePng);
        return fire.fireShareLower >= 0.03 && fire.blueShare < 0.05;
      },
      10_000,
      1000,
    );
    if (!checks.fire) problems.push(`fire screenshot check failed: ${JSON.stringify(fire)}`);
    log(`fire: ${JSON.stringify(fire)}`);

    // Quit with the hotkey: xterm closes when tty86 exits.
    await runOk("xdotool", ["key", "ctrl+bracketright"], { env });
    await sleep(200);
    await runOk("xdotool", ["key", "q"], { env });
    checks.quit = await waitUntil(() => xtermExited, 10_000, 100);
    if (!checks.quit) problems.push("Ctrl-] q did not close tty86 (xterm still open after 10 s)");
  } finally {
    if (xterm !== undefined) await stopChild(xterm);
    if (xvfb !== undefined) await stopChild(xvfb);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return { menuPng, firePng, menu, fire, checks, problems };
}

if (import.meta.main) {
  const args = Deno.args;
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const missing = missingTools(XTERM_TOOLS);
  if (missing.length > 0) {
    console.error(`xterm_screenshot: skipped, missing tools: ${missing.join(", ")}`);
    console.log(JSON.stringify({ skipped: `missing ${missing.join(", ")}` }));
    Deno.exit(2);
  }
  const result = await runXtermScreenshots({
    outDir: value("--out") ?? new URL("../docs/screenshots", import.meta.url).pathname,
    render: (value("--render") ?? "sixel") as XtermShotOptions["render"],
    font: value("--font"),
    defaultXterm: args.includes("--default-xterm"),
  });
  for (const p of result.problems) console.error(`problem: ${p}`);
  console.log(JSON.stringify(result));
  Deno.exit(result.problems.length === 0 ? 0 : 1);
}
