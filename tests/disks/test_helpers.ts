/** Shared helpers for the disk tests: temp directories, patterned sectors, file hashes. */
import { SECTOR_SIZE } from "../../disks/block_device.ts";

/** Runs `body` with a fresh temp directory that is removed afterwards. */
export async function withTempDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tty86-disks-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Sectors whose every byte depends on the sector number and a tag, so misplaced reads show. */
export function pattern(lba: number, count: number, tag: number): Uint8Array {
  const out = new Uint8Array(count * SECTOR_SIZE);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < SECTOR_SIZE; i++) {
      out[s * SECTOR_SIZE + i] = ((lba + s) * 7 + i * 13 + tag * 31 + 1) & 0xFF;
    }
  }
  return out;
}

/** SHA-256 of a file, hex. */
export async function hashFile(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads `count` sectors from anything with a BlockDevice-style read. */
export function readSectors(
  device: { read(lba: number, count: number, into: Uint8Array): void },
  lba: number,
  count: number,
): Uint8Array {
  const out = new Uint8Array(count * SECTOR_SIZE);
  device.read(lba, count, out);
  return out;
}

/** Whether an external tool can be run. */
export function hasTool(name: string): boolean {
  try {
    const result = new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync();
    return result.success;
  } catch {
    return false;
  }
}

/** Runs a command and returns its stdout; throws with its stderr on failure. */
export function run(cmd: string, args: string[]): string {
  const result = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!result.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(result.stderr)}`);
  }
  return new TextDecoder().decode(result.stdout);
}
