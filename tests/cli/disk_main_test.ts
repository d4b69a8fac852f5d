/** `deno run main.ts disk …` end to end: the commands are registered, exit codes and stderr as documented. */
import assert from "node:assert/strict";
import { tempDir } from "./disk_helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function tty86(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .outputSync();
  const d = new TextDecoder();
  return { code: r.code, stdout: d.decode(r.stdout), stderr: d.decode(r.stderr) };
}

Deno.test("main.ts disk: create, compare and a one-line error through the real program", () => {
  const t = tempDir();
  try {
    const made = tty86(["disk", "create", t.path("a.vhd"), "--size", "1M", "--json"]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(JSON.parse(made.stdout).format, "vhd");
    assert.equal(tty86(["disk", "compare", t.path("a.vhd"), t.path("a.vhd")]).code, 0);
    const missing = tty86(["disk", "info", t.path("nope.qcow2")]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim().split("\n").length, 1);
    assert.match(missing.stderr, /nope\.qcow2: cannot open/);
  } finally {
    t.cleanup();
  }
});
