/**
 * Reading compressed clusters: raw deflate (zlib compression type) of exactly one
 * cluster. Output is capped at one cluster, so a hostile stream cannot balloon memory.
 */
import { DiskError } from "../../errors.ts";
import type { HostFile } from "../../host_file.ts";
import type { CompressedExtent } from "./l1l2.ts";

/**
 * node:zlib, loaded on the first compressed cluster: importing it costs ~30–40 ms of start-up,
 * which every other disk (and every boot) would pay for nothing.
 */
let zlib: typeof import("node:zlib") | null = null;

/**
 * Node's `process`, reached through the global on first use: Deno defines it lazily, while
 * `import "node:process"` costs ~10–12 ms of every process's start-up.
 */
function nodeProcess(): typeof import("node:process") {
  return (globalThis as unknown as { process: typeof import("node:process") }).process;
}

/** Inflates the compressed cluster stored at `extent` into `into` (one cluster long). */
export function readCompressedCluster(file: HostFile, extent: CompressedExtent, into: Uint8Array): void {
  const stored = new Uint8Array(extent.length);
  const got = file.readUpTo(extent.offset, stored);
  zlib ??= nodeProcess().getBuiltinModule("node:zlib");
  const { constants, inflateRawSync } = zlib;
  let out: Uint8Array;
  try {
    // Sync flush tolerates a stream whose end lies past what we read; the length check below still applies.
    out = inflateRawSync(stored.subarray(0, got), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: into.length,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DiskError(
      file.path,
      `qcow2: compressed cluster at offset ${extent.offset} is corrupt (${why})`,
    );
  }
  if (out.length !== into.length) {
    throw new DiskError(
      file.path,
      `qcow2: compressed cluster at offset ${extent.offset} inflates to ${out.length} bytes, not ${into.length}`,
    );
  }
  into.set(out);
}
