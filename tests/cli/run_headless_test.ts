/**
 * `tty86 run --headless` end to end: the real program in a subprocess, no terminal.
 * The FreeDOS cases need ../shared and skip with a message when it is absent.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = ROOT + "main.ts";
const DEMO = ROOT + "guest/demo/demo.img";
const FREEDOS = ROOT + "../shared/guests/freedos-boot-1440k.img";
const HAVE_SHARED = existsSync(FREEDOS);
if (!HAVE_SHARED) console.log(`skipping FreeDOS headless tests: ${FREEDOS} not found`);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  bytes: Uint8Array;
}

async function tty86(args: string[], stdin: "null" | "piped" = "null"): Promise<Result> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd: ROOT,
    stdin,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin === "piped") await child.stdin.close();
  const out = await child.output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
    bytes: out.stdout,
  };
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("headless: the demo disk boots to its menu and --screen - prints it", async () => {
  const before = await sha256(DEMO);
  const r = await tty86([
    "run",
    "--headless",
    "--until-text",
    "demo disk",
    "--timeout",
    "20",
    "--screen",
    "-",
  ]);
  assert.deepEqual(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes("t t y 8 6    demo disk"), r.stdout);
  assert.ok(r.stdout.includes("Snake: a CGA game"), r.stdout);
  // The boot counter writes to its disk: the overlay must keep that off the image.
  assert.deepEqual(await sha256(DEMO), before);
});

Deno.test("headless: a text that never appears times out with exit code 3 and still dumps the screen", async () => {
  const r = await tty86([
    "run",
    "--headless",
    "--until-text",
    "no such text",
    "--timeout",
    "1",
    "--screen",
    "-",
  ]);
  assert.deepEqual(r.code, 3);
  assert.ok(r.stdout.includes("demo disk"), r.stdout);
});

Deno.test("headless: a key typed into the demo menu starts the boot counter", async () => {
  const r = await tty86([
    "run",
    "--headless",
    "--type",
    "4",
    "--until-text",
    "written back to sector",
    "--timeout",
    "20",
    "--screen",
    "-",
  ]);
  assert.deepEqual(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes("Snake: a CGA game"), r.stdout);
});

Deno.test("headless: --screenshot writes a PNG at the text mode's native size", async () => {
  const r = await tty86([
    "run",
    "--headless",
    "--until-text",
    "demo disk",
    "--timeout",
    "20",
    "--screenshot",
    "-",
  ]);
  assert.deepEqual(r.code, 0, r.stderr);
  const png = r.bytes;
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
  const view = new DataView(png.buffer, png.byteOffset);
  assert.deepEqual(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [640, 400]);
});

Deno.test("run: a missing image is a one-line error with exit code 1", async () => {
  const r = await tty86(["run", "--headless", "/nonexistent/disk.img"]);
  assert.deepEqual(r.code, 1);
  const lines = r.stderr.trim().split("\n");
  assert.deepEqual(lines.length, 1, r.stderr);
  assert.ok(lines[0].startsWith("tty86: "), r.stderr);
  assert.ok(lines[0].includes("/nonexistent/disk.img"), lines[0]);
});

Deno.test("run: interactive without a terminal says to use --headless", async () => {
  const r = await tty86(["run"], "piped");
  assert.deepEqual(r.code, 1);
  assert.deepEqual(r.stderr.trim(), "tty86: stdin is not a terminal; use --headless");
});

Deno.test({
  name: "headless: FreeDOS 1.44M reaches A:\\> and `ver /r` names FreeDOS; the image is unchanged",
  ignore: !HAVE_SHARED,
  fn: async () => {
    const before = await sha256(FREEDOS);
    const prompt = await tty86(["run", "--headless", FREEDOS, "--until-text", "A:\\>", "--timeout", "30"]);
    assert.deepEqual(prompt.code, 0, prompt.stderr);
    const ver = await tty86([
      "run",
      "--headless",
      FREEDOS,
      "--type",
      "ver /r\\r",
      "--until-text",
      "FreeDOS kernel",
      "--timeout",
      "30",
      "--screen",
      "-",
    ]);
    assert.deepEqual(ver.code, 0, ver.stderr);
    assert.ok(ver.stdout.includes("A:\\>ver /r"), ver.stdout);
    assert.ok(ver.stdout.includes("FreeDOS kernel version"), ver.stdout);
    assert.deepEqual(await sha256(FREEDOS), before);
  },
});

Deno.test("headless: a run that saves no snapshot leaves no state directory behind, and keeps one it found", async () => {
  const parent = Deno.makeTempDirSync({ prefix: "tty86-state-parent-" });
  try {
    const fresh = `${parent}/fresh.tty86-state`;
    const kept = `${parent}/kept.tty86-state`;
    Deno.mkdirSync(kept);
    for (const dir of [fresh, kept]) {
      // Long enough for the background preparation of the first snapshot's disk children.
      const r = await tty86(["run", "--headless", "--timeout", "2", "--state-dir", dir, DEMO]);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(existsSync(fresh), false, "the directory this run created, left empty, is gone");
    assert.equal(existsSync(kept), true, "a directory that was there before stays");
    assert.deepEqual([...Deno.readDirSync(kept)], [], "and holds nothing");
  } finally {
    Deno.removeSync(parent, { recursive: true });
  }
});
