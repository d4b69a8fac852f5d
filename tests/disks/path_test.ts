import assert from "node:assert/strict";
import * as node from "node:path";
import * as ours from "../../disks/path.ts";

/** Hand-picked paths: roots, dots, doubled and trailing slashes, names that only look like dots. */
const FIXED = [
  "",
  "/",
  "//",
  "///",
  ".",
  "..",
  "./",
  "../",
  "/.",
  "/..",
  "/../..",
  "a",
  "a/",
  "a//",
  "/a",
  "//a",
  "///a",
  "a/b",
  "a/b/",
  "/a/b/",
  "a/./b",
  "a/../b",
  "a/../../b",
  "../a",
  "../../a/b",
  "/../a",
  "a/..",
  "a/../..",
  "...",
  ".../a",
  "a/...",
  "..a",
  "a..",
  "a/..b/c",
  ".a",
  "a/.b",
  "/a/b/../../..",
  "/a/./../b/./c/..",
  "a\\b",
  "..\\a",
  "/a b/c d",
  "/tmp/x.img",
  "x.vhd",
  "./x.vhd",
  "../images/base.qcow2",
  "/a/b/c/../../d/",
];

/** Deterministic random paths over an alphabet that exercises every rule. */
function randomPaths(count: number): string[] {
  const pieces = ["/", "/", "/", ".", "..", "a", "b", "ab", "...", "..a", "\\", " "];
  let seed = 0x2545F491;
  const next = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let p = "";
    const len = next(9);
    for (let j = 0; j < len; j++) p += pieces[next(pieces.length)];
    out.push(p);
  }
  return out;
}

const PATHS = [...FIXED, ...randomPaths(3000)];

Deno.test("disk paths: dirname, basename, isAbsolute, normalize match node:path", () => {
  for (const p of PATHS) {
    assert.equal(ours.dirname(p), node.dirname(p), `dirname(${JSON.stringify(p)})`);
    assert.equal(ours.basename(p), node.basename(p), `basename(${JSON.stringify(p)})`);
    assert.equal(ours.isAbsolute(p), node.isAbsolute(p), `isAbsolute(${JSON.stringify(p)})`);
    assert.equal(ours.normalize(p), node.normalize(p), `normalize(${JSON.stringify(p)})`);
  }
});

Deno.test("disk paths: join and resolve match node:path", () => {
  for (let i = 0; i < PATHS.length; i++) {
    const a = PATHS[i];
    const b = PATHS[(i * 7 + 3) % PATHS.length];
    const c = PATHS[(i * 13 + 5) % PATHS.length];
    assert.equal(ours.join(a), node.join(a), `join(${JSON.stringify(a)})`);
    assert.equal(ours.join(a, b), node.join(a, b), `join(${JSON.stringify([a, b])})`);
    assert.equal(ours.join(a, b, c), node.join(a, b, c), `join(${JSON.stringify([a, b, c])})`);
    assert.equal(ours.resolve(a), node.resolve(a), `resolve(${JSON.stringify(a)})`);
    assert.equal(ours.resolve(a, b), node.resolve(a, b), `resolve(${JSON.stringify([a, b])})`);
  }
  assert.equal(ours.join(), node.join());
  assert.equal(ours.resolve(), node.resolve());
});

Deno.test("disk paths: relative matches node:path", () => {
  for (let i = 0; i < PATHS.length; i++) {
    for (const j of [i, (i * 7 + 3) % PATHS.length, (i * 13 + 5) % PATHS.length]) {
      const from = PATHS[i];
      const to = PATHS[j];
      assert.equal(
        ours.relative(from, to),
        node.relative(from, to),
        `relative(${JSON.stringify([from, to])})`,
      );
      const absFrom = `/${from}`;
      assert.equal(
        ours.relative(absFrom, to),
        node.relative(absFrom, to),
        `relative(${JSON.stringify([absFrom, to])})`,
      );
    }
  }
  // Prefixes that share characters but not segments.
  for (
    const [from, to] of [["/a/bc", "/a/b"], ["/a/b", "/a/bc"], ["/", "/a"], ["/a", "/"], ["/ab", "/a/b"]]
  ) {
    assert.equal(ours.relative(from, to), node.relative(from, to), `relative(${from}, ${to})`);
  }
});
