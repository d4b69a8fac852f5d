/** Shared helpers for the `tty86 disk` CLI tests: in-process runs with captured output, temp dirs, data. */
import { join } from "node:path";
import { type DiskCliIo, runDiskCli } from "../../cli/disk.ts";
import { openDisk } from "../../disks/open.ts";
import { noProgress } from "../../disks/ops/progress.ts";

/** The outcome of one in-process CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tty86 disk <args>` in-process; `answer` is what a confirmation prompt gets. */
export async function disk(args: string[], answer: boolean | null = null): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: DiskCliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: () => noProgress,
    confirm: () => answer,
    setExitCode: () => {},
  };
  const code = await runDiskCli(args, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** Runs and parses `--json` output, failing loudly if the command failed. */
export async function diskJson<T>(args: string[]): Promise<T> {
  const r = await disk([...args, "--json"]);
  if (r.code !== 0) throw new Error(`disk ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A fresh temp directory, removed by the returned function. */
export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = Deno.makeTempDirSync({ prefix: "tty86-disk-cli-" });
  return { dir, path: (name) => join(dir, name), cleanup: () => Deno.removeSync(dir, { recursive: true }) };
}

/** Deterministic sector content: every byte derived from `seed` and the sector number. */
export function pattern(sectors: number, seed: number, firstLba = 0): Uint8Array {
  const bytes = new Uint8Array(sectors * 512);
  for (let s = 0; s < sectors; s++) {
    for (let i = 0; i < 512; i += 4) {
      const v = Math.imul((firstLba + s) * 131 + i + 1, 2654435761 ^ seed) >>> 0;
      bytes[s * 512 + i] = v & 0xff;
      bytes[s * 512 + i + 1] = (v >>> 8) & 0xff;
      bytes[s * 512 + i + 2] = (v >>> 16) & 0xff;
      bytes[s * 512 + i + 3] = seed & 0xff;
    }
  }
  return bytes;
}

/** Whether qemu-img is installed (tests that need it skip with a message when not). */
export function hasQemuImg(): boolean {
  try {
    return new Deno.Command("qemu-img", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/** Runs qemu-img; returns its exit code and output. */
export function qemuImg(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = new Deno.Command("qemu-img", { args, stdout: "piped", stderr: "piped" }).outputSync();
  const d = new TextDecoder();
  return { code: r.code, stdout: d.decode(r.stdout), stderr: d.decode(r.stderr) };
}

/** SHA-256 of a file, hex. */
export async function fileHash(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", Deno.readFileSync(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes `sectors` sectors of pattern `seed` at `lba` into the top of the chain at `path`. */
export function writeAt(path: string, lba: number, sectors: number, seed: number): void {
  const chain = openDisk(path);
  try {
    chain.write(lba, sectors, pattern(sectors, seed, lba));
    chain.flush();
  } finally {
    chain.close();
  }
}

/** Reads the whole merged disk at `path`. */
export function readAll(path: string): Uint8Array {
  const chain = openDisk(path, { readOnly: true });
  try {
    const bytes = new Uint8Array(chain.sectorCount * 512);
    chain.read(0, chain.sectorCount, bytes);
    return bytes;
  } finally {
    chain.close();
  }
}

/** The kinds of two-layer chain the tests run every command on. */
export const CHAIN_KINDS = ["raw", "vhd", "qcow2"] as const;
export type ChainKind = typeof CHAIN_KINDS[number];

/**
 * A base of the given kind with data, and a child with more data over it (a qcow2 child
 * for a raw base). Returns the paths.
 */
export async function buildChain(
  path: (name: string) => string,
  kind: ChainKind,
): Promise<{ base: string; child: string }> {
  const base = path(`base.${kind === "raw" ? "img" : kind}`);
  const child = path(`child.${kind === "vhd" ? "vhd" : "qcow2"}`);
  const made = await disk(["create", base, "--size", "4M"]);
  if (made.code !== 0) throw new Error(made.stderr);
  writeAt(base, 0, 64, 1);
  writeAt(base, 3000, 200, 2);
  const child1 = await disk(["create", child, "--parent", base]);
  if (child1.code !== 0) throw new Error(child1.stderr);
  writeAt(child, 32, 64, 3);
  writeAt(child, 5000, 7, 4);
  return { base, child };
}
