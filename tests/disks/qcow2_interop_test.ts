import assert from "node:assert/strict";
import { SECTOR_SIZE } from "../../disks/block_device.ts";
import { createQcow2, openQcow2, type Qcow2Image } from "../../disks/formats/qcow2/qcow2_image.ts";
import {
  assertSameBytes,
  NO_QEMU,
  overlay,
  prng,
  qemuCheck,
  randomBytes,
  readAll,
  runTool,
} from "./qcow2_helpers.ts";
import { pattern, withTempDir } from "./test_helpers.ts";

const SIZE = 4 * 1024 * 1024;
const SECTORS = SIZE / SECTOR_SIZE;

function qemu(args: string[]): string {
  const r = runTool(args[0], args.slice(1));
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** tty86's flattened view of a qcow2 child over a base whose flat content is `base`. */
function flattenChild(childPath: string, base: Uint8Array): Uint8Array {
  const child = openQcow2(childPath, { readOnly: true });
  try {
    return overlay(base, child);
  } finally {
    child.close();
  }
}

for (const baseFormat of ["qcow2", "raw"] as const) {
  Deno.test({
    name: `qcow2 child of a ${baseFormat} base written by qemu-io reads like qemu-img convert's flattening`,
    ignore: NO_QEMU !== false,
    fn: async () => {
      await withTempDir((dir) => {
        const raw = pattern(0, SECTORS, 2);
        Deno.writeFileSync(`${dir}/seed.raw`, raw);
        const base = `${dir}/base.${baseFormat}`;
        if (baseFormat === "raw") Deno.copyFileSync(`${dir}/seed.raw`, base);
        else qemu(["qemu-img", "convert", "-O", "qcow2", `${dir}/seed.raw`, base]);
        const child = `${dir}/child.qcow2`;
        qemu([
          "qemu-img",
          "create",
          "-q",
          "-f",
          "qcow2",
          "-b",
          `base.${baseFormat}`,
          "-F",
          baseFormat,
          child,
        ]);
        qemu([
          "qemu-io",
          "-c",
          "write -P 0xab 1M 64k",
          "-c",
          "write -P 0x5c 100k 3k",
          "-c",
          "write -z 2M 64k",
          child,
        ]);
        qemu(["qemu-img", "convert", "-O", "raw", child, `${dir}/out.raw`]);

        const opened = openQcow2(child, { readOnly: true });
        assert.deepEqual(opened.parentRef, { paths: [base], format: baseFormat });
        opened.close();
        let baseFlat = raw;
        if (baseFormat === "qcow2") {
          const b = openQcow2(base, { readOnly: true });
          baseFlat = readAll(b);
          b.close();
        }
        assertSameBytes(flattenChild(child, baseFlat), Deno.readFileSync(`${dir}/out.raw`));
      });
    },
  });
}

Deno.test({
  name: "qcow2 chains written by tty86 pass qemu-img check, show in info --backing-chain and compare equal",
  ignore: NO_QEMU !== false,
  fn: async () => {
    await withTempDir((dir) => {
      const next = prng(5);
      const basePath = `${dir}/base.qcow2`;
      createQcow2(basePath, { size: SIZE });
      const expected = new Uint8Array(SIZE);
      const scribble = (image: Qcow2Image, writes: number) => {
        for (let n = 0; n < writes; n++) {
          const count = 1 + ((next() * 300) | 0);
          const lba = (next() * (SECTORS - count)) | 0;
          const data = randomBytes(next, count * SECTOR_SIZE);
          image.write(lba, count, data);
          expected.set(data, lba * SECTOR_SIZE);
        }
      };
      const base = openQcow2(basePath, { readOnly: false });
      scribble(base, 30);
      base.close();
      const mid = `${dir}/mid.qcow2`;
      createQcow2(mid, { size: SIZE, backingFile: "base.qcow2", backingFormat: "qcow2", clusterBits: 12 });
      const top = `${dir}/top.qcow2`;
      createQcow2(top, { size: SIZE, backingFile: "mid.qcow2", backingFormat: "qcow2", version: 2 });
      // Write mid over base, then top over mid, each with the merged view below as backing reader.
      const baseRo = openQcow2(basePath, { readOnly: true });
      const midRw = openQcow2(mid, { readOnly: false });
      midRw.backingReader = (lba, count, into) => baseRo.read(lba, count, into);
      scribble(midRw, 30);
      midRw.close();
      const midRo = openQcow2(mid, { readOnly: true });
      midRo.backingReader = (lba, count, into) => baseRo.read(lba, count, into);
      const topRw = openQcow2(top, { readOnly: false });
      topRw.backingReader = (lba, count, into) => midRo.read(lba, count, into);
      scribble(topRw, 30);
      assertSameBytes(readAll(topRw), expected, "tty86 merged view");
      topRw.close();
      midRo.close();
      baseRo.close();

      for (const path of [basePath, mid, top]) {
        const check = qemuCheck(path);
        assert.deepEqual([check.code, check.leaks, check.corruptions], [0, 0, 0], `${path}: ${check.text}`);
      }
      const chain = JSON.parse(qemu(["qemu-img", "info", "--backing-chain", "--output=json", top])) as {
        filename: string;
        format: string;
        "backing-filename"?: string;
      }[];
      assert.deepEqual(chain.map((c) => [c.filename, c.format]), [[top, "qcow2"], [mid, "qcow2"], [
        basePath,
        "qcow2",
      ]]);
      Deno.writeFileSync(`${dir}/expected.raw`, expected);
      const compare = runTool("qemu-img", [
        "compare",
        "-f",
        "qcow2",
        "-F",
        "raw",
        top,
        `${dir}/expected.raw`,
      ]);
      assert.equal(compare.code, 0, compare.stdout + compare.stderr);
    });
  },
});
