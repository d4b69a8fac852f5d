/**
 * Boots every FreeDOS image in ../shared/guests to the DOS prompt and checks
 * commands against mtools' view of the same image.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, GUESTS_DIR, Headless, lastLine } from "../helpers/headless.ts";

const IMAGES = exists(GUESTS_DIR)
  ? [...Deno.readDirSync(GUESTS_DIR)].map((e) => e.name).filter((n) => n.endsWith(".img")).sort()
  : [];
const NO_GUESTS = IMAGES.length === 0;
if (NO_GUESTS) console.warn(`skipping boot tests: no guest images in ${GUESTS_DIR}`);

function tool(name: string, args: string[]): string | null {
  try {
    const out = new Deno.Command(name, { args, stdout: "piped", stderr: "null" }).outputSync();
    return out.success ? new TextDecoder("latin1").decode(out.stdout) : null;
  } catch {
    return null; // not installed
  }
}

const HAVE_MTOOLS = tool("mdir", ["--version"]) !== null || tool("mtype", ["-V"]) !== null;

/** Boots to the prompt, answering the date and time questions of disks without AUTOEXEC.BAT. */
function bootToPrompt(image: string): Headless {
  const h = Headless.floppy(join(GUESTS_DIR, image));
  const ok = h.waitFor(
    (s) => /Enter new date|Enter new time/.test(lastLines(s)) || lastLine(s) === "A:\\>",
    30,
  );
  assert.ok(ok, `${image}: no prompt within 30 s of emulated time; screen:\n${h.screen()}`);
  for (let i = 0; i < 2 && /Enter new (date|time)/.test(lastLines(h.screen())); i++) {
    h.type("\r");
    h.run(0.5);
  }
  assert.ok(h.waitForPrompt("A", 10), `${image}: no A:\\> prompt; screen:\n${h.screen()}`);
  return h;
}

function lastLines(s: string): string {
  return s.trimEnd().split("\n").slice(-2).join("\n");
}

/** mdir's listing: file name, extension and size per entry, and the totals. */
function mdirListing(
  path: string,
): { files: [string, string, number][]; count: number; total: number; free: number } {
  const out = tool("mdir", ["-i", path, "::"]);
  assert.ok(out !== null, "mdir failed");
  const files: [string, string, number][] = [];
  let count = 0, total = 0, free = 0;
  for (const line of out.split("\n")) {
    const f = /^(\S+)\s+(\S+)?\s+(\d+) \d{4}-\d\d-\d\d/.exec(line);
    if (f) files.push([f[1].toUpperCase(), (f[2] ?? "").toUpperCase(), Number(f[3])]);
    const c = /^\s*(\d+) files?\s+([\d ]+) bytes/.exec(line);
    if (c) [count, total] = [Number(c[1]), Number(c[2].replace(/ /g, ""))];
    const fr = /^\s*([\d ]+) bytes free/.exec(line);
    if (fr) free = Number(fr[1].replace(/ /g, ""));
  }
  return { files, count, total, free };
}

const num = (s: string) => Number(s.replace(/,/g, ""));

for (const image of IMAGES.length > 0 ? IMAGES : ["(none)"]) {
  Deno.test({
    name: `${image} boots to A:\\> and runs ver, dir and type`,
    ignore: NO_GUESTS,
    fn() {
      const path = join(GUESTS_DIR, image);
      const h = bootToPrompt(image);

      const ver = h.command("ver", /FreeCom version \d/);
      assert.match(ver, /FreeCom version/);

      const dir = h.command("dir", /bytes free/);
      if (Deno.env.get("SHOW_SCREENS")) console.log(dir);
      const summary = /(\d+) file\(s\)\s+([\d,]+) bytes/.exec(dir);
      const free = /([\d,]+) bytes free/.exec(dir);
      assert.ok(summary && free, `dir summary missing:\n${dir}`);
      if (HAVE_MTOOLS) {
        const ref = mdirListing(path);
        assert.equal(Number(summary[1]), ref.count, "file count");
        assert.equal(num(summary[2]), ref.total, "total bytes");
        assert.equal(num(free[1]), ref.free, "free bytes");
        let seen = 0;
        for (const line of dir.split("\n")) {
          const m = /^(\S+)\s+(\S{1,3})?\s+([\d,]+)\s+\d\d-\d\d-\d\d/.exec(line);
          if (!m) continue;
          const entry = ref.files.find(([n, e]) => n === m[1] && e === (m[2] ?? ""));
          assert.ok(entry, `dir shows ${m[1]}.${m[2]} which mdir does not list`);
          assert.equal(num(m[3]), entry[2], `size of ${m[1]}.${m[2]}`);
          seen++;
        }
        assert.ok(seen >= Math.min(ref.count, 15), `only ${seen} entries readable on screen`);
      } else {
        console.warn("mtools not installed: dir checked for its summary only");
      }

      const config = HAVE_MTOOLS ? tool("mtype", ["-i", path, "::CONFIG.SYS"]) : null;
      if (config !== null) {
        const lines = config.split("\x1a")[0].split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l !== "");
        const shown = h.command("type config.sys", lines[lines.length - 1]);
        for (const l of lines) assert.ok(shown.includes(l), `type config.sys is missing "${l}":\n${shown}`);
      }
    },
  });
}

const SVARDOS = "svardos-bootmini-1440k.img";
Deno.test({
  name: "SvarDOS: mem reports 640K conventional memory and edit opens the full-screen editor",
  ignore: !IMAGES.includes(SVARDOS),
  fn() {
    const h = bootToPrompt(SVARDOS);
    const mem = h.command("mem", /Largest executable program size/);
    assert.match(mem, /Conventional\s+640K/);
    assert.match(mem, /Extended \(XMS\)\s+0K/);
    h.clearScreen();
    h.type("edit\r");
    const started = h.waitFor((s) => /FreeDOS Edit/.test(s) && /F1=Help/.test(s), 20);
    assert.ok(started, `edit did not start:\n${h.screen()}`);
    const screen = h.screen().split("\n");
    assert.match(screen[1], /File\s+Edit\s+Search/, "menu bar on the second row");
    assert.match(screen[24], /F1=Help/, "status line on the last row");
  },
});
