/** The bundled build (`deno task build`): when a bundle counts as current, and that it runs tty86 whole. */
import assert from "node:assert/strict";
import {
  type BundleStamp,
  bundleUrl,
  currentBundle,
  describeFiles,
  stampIsCurrent,
} from "../../cli/bundle_stamp.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("a stamp is current only while every listed file keeps its size and time, under the same Deno", () => {
  const files = describeFiles(["main.ts", "cli/main.ts", "deno.json"]);
  const stamp: BundleStamp = { deno: Deno.version.deno, files };
  assert.equal(stampIsCurrent(stamp), true);
  assert.equal(stampIsCurrent({ ...stamp, deno: "0.0.1" }), false, "another Deno may bundle differently");
  const [path, size, mtime] = files[1];
  assert.equal(stampIsCurrent({ ...stamp, files: [[path, size + 1, mtime]] }), false, "size changed");
  assert.equal(stampIsCurrent({ ...stamp, files: [[path, size, mtime - 1000]] }), false, "time changed");
  assert.equal(stampIsCurrent({ ...stamp, files: [["cli/no_such_file.ts", 1, 1]] }), false, "file gone");
  assert.equal(stampIsCurrent({ ...stamp, files: [] }), false, "an empty stamp proves nothing");
});

Deno.test("the built tty86 bundle is current, and boots the demo and takes snapshots (its disk worker) headless", async () => {
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/bundle.ts", "tty86"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(build.success, new TextDecoder().decode(build.stderr));
  assert.equal(currentBundle("tty86"), bundleUrl("tty86").href);
  const forced = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { currentBundle } from "${ROOT}cli/bundle_stamp.ts"; console.log(currentBundle("tty86"));`,
    ],
    env: { TTY86_NO_BUNDLE: "1" },
    stdout: "piped",
  }).output();
  assert.equal(
    new TextDecoder().decode(forced.stdout).trim(),
    "null",
    "TTY86_NO_BUNDLE=1: the launcher runs the modules",
  );

  const stateDir = Deno.makeTempDirSync({ prefix: "tty86-bundle-test-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "dist/tty86.js",
        "run",
        "--headless",
        "--rewind",
        "0.2s:3",
        "--state-dir",
        stateDir,
        "--timeout",
        "2",
        "--screen",
        "-",
        "guest/demo/demo.img",
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const screen = new TextDecoder().decode(run.stdout);
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.match(screen, /Boot counter/);
    const snapshots = [...Deno.readDirSync(stateDir)].filter((e) => e.name.endsWith(".t86snap"));
    assert.ok(
      snapshots.length >= 1,
      "the rewind ring took a snapshot (its disk children come from the worker)",
    );
  } finally {
    Deno.removeSync(stateDir, { recursive: true });
  }
});
