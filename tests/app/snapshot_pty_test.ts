/**
 * Snapshots through the real program in a PTY: Ctrl-] s saves a live snapshot (the note says so),
 * Ctrl-] t shows it in the snapshot tree panel, Esc closes the panel and the guest screen is
 * redrawn, Ctrl-] q quits and the terminal is restored.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PtyRun, screen, waitFor } from "./pty_harness.ts";

Deno.test("tty86 in a PTY: Ctrl-] s snapshot, Ctrl-] t tree panel, Esc, Ctrl-] q, terminal restored", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-snappty-" });
  const stateDir = join(tmp, "state");
  const script = `'${Deno.execPath()}' run -A main.ts run --render text --state-dir '${stateDir}'; ` +
    `echo "EXIT=$?"; stty -a`;
  const run = new PtyRun(script);
  const { child, term } = run;
  try {
    await waitFor("the demo menu", () => screen(term).includes("demo disk"));
    child.write("\x1ds");
    await waitFor("the snapshot to be saved", () => /snapshot \S+ saved/.test(run.output));
    const id = /snapshot (\S+) saved/.exec(run.output)![1];
    const index = JSON.parse(Deno.readTextFileSync(join(stateDir, "index.json")));
    assert.deepEqual(index.snapshots.map((s: { id: string }) => s.id), [id]);

    child.write("\x1dt");
    await waitFor(
      "the snapshot tree",
      () => screen(term).includes("Snapshots (1)") && screen(term).includes(id),
    );

    child.write("\x1b");
    await waitFor(
      "the panel to close",
      () => !screen(term).includes("Snapshots (1)") && screen(term).includes("demo disk"),
    );

    child.write("\x1d");
    child.write("q");
    await waitFor("exit", () => run.exited && run.output.includes("EXIT="), 15_000);
  } finally {
    if (!run.exited) child.kill();
    term.dispose();
  }
  const at = run.output.indexOf("EXIT=");
  const afterChild = run.output.slice(at);
  const beforeExit = run.output.slice(0, at);
  assert.ok(afterChild.startsWith("EXIT=0"), afterChild.slice(0, 200));
  assert.ok(
    beforeExit.lastIndexOf("\x1b[?1049l") > beforeExit.lastIndexOf("\x1b[?1049h"),
    "left the alt screen",
  );
  assert.ok(beforeExit.lastIndexOf("\x1b[?25h") > beforeExit.lastIndexOf("\x1b[?25l"), "cursor shown");
  assert.ok(/(^|\s)icanon\s/.test(afterChild), `not cooked: ${afterChild}`);
  // The snapshot and the disk layer it froze are kept; the unreferenced top of this run is gone.
  const names = [...Deno.readDirSync(stateDir)].map((e) => e.name).sort();
  assert.equal(names.filter((n) => n.endsWith(".t86snap")).length, 1, names.join(", "));
  assert.equal(names.filter((n) => n.endsWith(".qcow2")).length, 1, names.join(", "));
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("tty86 in a PTY: Ctrl-] r restores the latest snapshot (menu back after the fire started)", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tty86-snappty-r-" });
  const stateDir = join(tmp, "state");
  const script =
    `'${Deno.execPath()}' run -A main.ts run --render text --state-dir '${stateDir}'; echo "EXIT=$?"`;
  const run = new PtyRun(script);
  const { child, term } = run;
  try {
    await waitFor("the demo menu", () => screen(term).includes("demo disk"));
    child.write("\x1ds");
    await waitFor("the snapshot to be saved", () => /snapshot \S+ saved/.test(run.output));
    const id = /snapshot (\S+) saved/.exec(run.output)![1];
    child.write("1"); // the fire: the menu leaves the screen
    await waitFor("the fire", () => !screen(term).includes("demo disk"));
    child.write("\x1dr");
    await waitFor("the restore note", () => run.output.includes(`restored ${id}`));
    await waitFor("the menu again", () => screen(term).includes("demo disk"));
    child.write("\x1d");
    child.write("q");
    await waitFor("exit", () => run.exited && run.output.includes("EXIT="), 15_000);
  } finally {
    if (!run.exited) child.kill();
    term.dispose();
  }
  assert.ok(run.output.slice(run.output.indexOf("EXIT=")).startsWith("EXIT=0"));
  await Deno.remove(tmp, { recursive: true });
});
