/**
 * `tty86 disk …`: image management commands. A thin layer over disks/ops/: it parses
 * arguments, prints readable text (or JSON with `--json`) and sets the exit code; every
 * failure is one line on stderr naming the file and the problem.
 */
import { Command } from "@commander-js/extra-typings";
import { DiskError } from "../disks/errors.ts";
import type { ImageFormat } from "../disks/layer.ts";
import { checkDisk, checkText } from "../disks/ops/check.ts";
import { commitDisk } from "../disks/ops/commit.ts";
import { compareDisks } from "../disks/ops/compare.ts";
import { convertDisk } from "../disks/ops/convert.ts";
import { createDisk, parseSize } from "../disks/ops/create.ts";
import { discardDisk, discardRefusal } from "../disks/ops/discard.ts";
import { chainInfo, formatBytes, imageInfo, infoText } from "../disks/ops/info.ts";
import { mapDisk, mapText } from "../disks/ops/map.ts";
import { type ProgressSink, terminalProgress } from "../disks/ops/progress.ts";
import { rebaseDisk } from "../disks/ops/rebase.ts";

/** Where the disk commands write, ask and report; tests substitute a capturing one. */
export interface DiskCliIo {
  out(line: string): void;
  err(line: string): void;
  /** A progress sink for a long operation (a bar on a terminal, nothing otherwise). */
  progress(label: string): ProgressSink;
  /** Asks a yes/no question; null when nobody can answer (stdin is not a terminal). */
  confirm(question: string): boolean | null;
  setExitCode(code: number): void;
}

/** The real terminal: stdout, stderr, Deno's confirm prompt, `Deno.exitCode`. */
export function terminalIo(): DiskCliIo {
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    progress: (label) => terminalProgress(label),
    confirm: (question) => Deno.stdin.isTerminal() ? confirm(question) : null,
    setExitCode: (code) => {
      Deno.exitCode = code;
    },
  };
}

const FORMATS = ["raw", "vhd", "qcow2"] as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function formatOption(value: string): ImageFormat {
  const found = FORMATS.find((f) => f === value.toLowerCase());
  if (!found) throw new DiskError(value, `unknown format (use ${FORMATS.join(", ")})`);
  return found;
}

/** Adds the `disk` command and its subcommands to `program`. */
export function registerDiskCommands(program: Command, io: DiskCliIo = terminalIo()): void {
  const disk = program.command("disk").description("create, inspect, check and transform disk images");
  /** Runs one command body: prints its result, or its error as one line; sets the exit code. */
  const run = (json: boolean | undefined, body: () => { value: unknown; text: string[]; code?: number }) => {
    try {
      const { value, text, code } = body();
      if (json) io.out(JSON.stringify(value, null, 2));
      else for (const line of text) io.out(line);
      io.setExitCode(code ?? 0);
    } catch (e) {
      io.err(`tty86 disk: ${oneLine(e)}`);
      io.setExitCode(1);
    }
  };
  const allow = "--allow-parent-dir <dir>";
  const allowHelp = "also look for parent images in this directory (repeatable)";

  disk.command("create").description("create an image (base of --size, or child of --parent)")
    .argument("<file>")
    .option("--size <size>", "virtual size, e.g. 512K, 20M, 2G")
    .option("--parent <file>", "make a differencing child of this image")
    .option("--format <format>", "raw, vhd or qcow2 (default: from the extension)")
    .option("--type <type>", "VHD only: fixed or dynamic (default dynamic)")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((file, o) =>
      run(o.json, () => {
        if (o.type !== undefined && o.type !== "fixed" && o.type !== "dynamic") {
          throw new DiskError(file, `unknown VHD type "${o.type}" (use fixed or dynamic)`);
        }
        const info = createDisk(file, {
          ...(o.size !== undefined ? { size: parseSize(o.size, file) } : {}),
          ...(o.parent !== undefined ? { parent: o.parent } : {}),
          ...(o.format !== undefined ? { format: formatOption(o.format) } : {}),
          ...(o.type !== undefined ? { type: o.type } : {}),
          allowParentDirs: o.allowParentDir,
        });
        return { value: info, text: [`created ${file}`, ...infoText(info)] };
      })
    );

  disk.command("info").description("show format, sizes, allocation and parent")
    .argument("<file>")
    .option("--chain", "describe every layer of the chain, top first")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((file, o) =>
      run(o.json, () => {
        const opts = { allowParentDirs: o.allowParentDir };
        if (o.chain) {
          const layers = chainInfo(file, opts);
          const text = layers.flatMap((
            l,
            i,
          ) => [...(i > 0 ? [""] : []), `layer ${layers.length - 1 - i}:`, ...infoText(l)]);
          return { value: layers, text };
        }
        const info = imageInfo(file, opts);
        return { value: info, text: infoText(info) };
      })
    );

  disk.command("map").description("allocated extents and the layer that serves each")
    .argument("<file>")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((file, o) =>
      run(o.json, () => {
        const extents = mapDisk(file, { allowParentDirs: o.allowParentDir });
        return { value: extents, text: mapText(extents) };
      })
    );

  disk.command("check").description("check an image's structure (exit 1 on errors)")
    .argument("<file>")
    .option("--repair", "fix leaks and what else is safe to fix")
    .option("--json", "print JSON")
    .action((file, o) =>
      run(o.json, () => {
        const report = checkDisk(file, { repair: !!o.repair });
        return { value: report, text: checkText(report), code: report.errors.length > 0 ? 1 : 0 };
      })
    );

  disk.command("commit").description("merge a child's sectors into its parent")
    .argument("<child>")
    .option("--force", "commit even when other images depend on the parent")
    .option("--discard", "delete the child afterwards (default: keep it, emptied)")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((child, o) =>
      run(o.json, () => {
        const r = commitDisk(child, {
          force: !!o.force,
          discard: !!o.discard,
          allowParentDirs: o.allowParentDir,
          progress: io.progress("commit"),
        });
        return {
          value: r,
          text: [
            `committed ${
              formatBytes(r.bytesCommitted)
            } from ${r.child} into ${r.parent}; child ${r.child_action}`,
          ],
        };
      })
    );

  disk.command("rebase").description("give a child a new parent (keeping its content unless --unsafe)")
    .argument("<child>")
    .requiredOption("--parent <file>", "the new parent")
    .option("--unsafe", "only rewrite the parent pointer")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((child, o) =>
      run(o.json, () => {
        const r = rebaseDisk(child, {
          parent: o.parent,
          unsafe: !!o.unsafe,
          allowParentDirs: o.allowParentDir,
          progress: io.progress("rebase"),
        });
        return {
          value: r,
          text: [`rebased ${r.child} onto ${r.parent} (${formatBytes(r.bytesCopied)} copied into the child)`],
        };
      })
    );

  disk.command("convert").description("flatten a chain into a new image")
    .argument("<in>")
    .argument("<out>")
    .option("--format <format>", "raw, vhd or qcow2 (default: from the output's extension)")
    .option("--type <type>", "VHD output: fixed or dynamic (default dynamic)")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((input, output, o) =>
      run(o.json, () => {
        const format = o.format !== undefined ? formatOption(o.format) : extensionFormat(output);
        if (o.type !== undefined && o.type !== "fixed" && o.type !== "dynamic") {
          throw new DiskError(output, `unknown VHD type "${o.type}" (use fixed or dynamic)`);
        }
        const r = convertDisk(input, output, {
          format,
          ...(o.type !== undefined ? { vhdType: o.type } : {}),
          allowParentDirs: o.allowParentDir,
          progress: io.progress("convert"),
        });
        return {
          value: r,
          text: [`converted ${r.input} to ${r.output} (${r.format}, ${formatBytes(r.bytesWritten)} written)`],
        };
      })
    );

  disk.command("compare").description("compare two disks' content (exit 0 same, 1 different, 2 error)")
    .argument("<a>")
    .argument("<b>")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((a, b, o) => {
      try {
        const r = compareDisks(a, b, { allowParentDirs: o.allowParentDir, progress: io.progress("compare") });
        if (o.json) io.out(JSON.stringify(r, null, 2));
        else if (r.identical) io.out("Images are identical.");
        else {io.out(
            `Content mismatch at sector ${r.firstDifferentSector} (offset ${r.firstDifferentSector! * 512})!`,
          );}
        io.setExitCode(r.identical ? 0 : 1);
      } catch (e) {
        io.err(`tty86 disk: ${oneLine(e)}`);
        io.setExitCode(2);
      }
    });

  disk.command("discard").description("roll back: delete a child image")
    .argument("<child>")
    .option("--yes", "do not ask for confirmation")
    .option("--force", "allow deleting a base image (one with no parent)")
    .option(allow, allowHelp, collect, [])
    .option("--json", "print JSON")
    .action((child, o) =>
      run(o.json, () => {
        const opts = { force: !!o.force, allowParentDirs: o.allowParentDir };
        const refusal = discardRefusal(child, opts);
        if (refusal) throw new DiskError(child, `refusing to discard: ${refusal}`);
        if (!o.yes) {
          const answer = io.confirm(`Delete ${child}? Its changes will be lost.`);
          if (answer === null) throw new DiskError(child, "not deleted: confirmation needed (pass --yes)");
          if (!answer) return { value: { deleted: null }, text: ["not deleted"] };
        }
        const r = discardDisk(child, opts);
        return { value: r, text: [`deleted ${r.deleted}`] };
      })
    );
}

function extensionFormat(path: string): ImageFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".vhd")) return "vhd";
  if (lower.endsWith(".qcow2")) return "qcow2";
  return "raw";
}

/** A thrown value as one line (no stack traces for the user). */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}

/**
 * Runs `tty86 disk <args>` in-process with `io`; resolves to the exit code. Argument
 * errors are reported through `io` rather than ending the process.
 */
export async function runDiskCli(args: readonly string[], io: DiskCliIo): Promise<number> {
  let code = 0;
  const captured: DiskCliIo = { ...io, setExitCode: (c) => code = c };
  const program = new Command().name("tty86").exitOverride().configureOutput({
    writeOut: (s) => io.out(s.trimEnd()),
    writeErr: (s) => io.err(s.trimEnd()),
  });
  registerDiskCommands(program, captured);
  try {
    await program.parseAsync(["disk", ...args], { from: "user" });
  } catch (e) {
    const exitCode = (e as { exitCode?: unknown }).exitCode;
    return typeof exitCode === "number" ? exitCode : 1;
  }
  return code;
}
