/**
 * `tty86 snapshot …`: list, inspect, label and delete snapshots in a state directory.
 * Registered on the main program by {@link registerSnapshotCommands}.
 */
import type { Command, OptionValues } from "@commander-js/extra-typings";
import { describeError } from "../core/snapshot/errors.ts";
import { StateDir } from "../core/snapshot/state_dir.ts";
import { deleteSnapshot, formatBytes, infoLines, setLabel, treeLines } from "../core/snapshot/tree_ops.ts";

/** Where the commands print, and how they exit (replaceable in tests). */
export interface SnapshotCliIo {
  out(line: string): void;
  err(line: string): void;
  exit(code: number): void;
}

const defaultIo: SnapshotCliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  exit: (code) => Deno.exit(code),
};

/** Adds the `snapshot` command and its subcommands to `program`. */
export function registerSnapshotCommands<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  program: Command<A, O, G>,
  io: SnapshotCliIo = defaultIo,
): Command<A, O, G> {
  const run = (action: () => void) => {
    try {
      action();
    } catch (e) {
      io.err(`tty86 snapshot: ${describeError(e)}`);
      io.exit(1);
    }
  };
  const snapshot = program.command("snapshot").description("manage saved machine snapshots");
  snapshot.command("list").description("show the snapshot tree of a state directory")
    .argument("<state-dir>", "state directory (e.g. disk.img.tty86-state)")
    .option("--json", "print the index entries as JSON")
    .action((dir, options) =>
      run(() => {
        const state = new StateDir(dir);
        if (options.json) io.out(JSON.stringify(state.readIndex().snapshots, null, 2));
        else for (const line of treeLines(state)) io.out(line);
      })
    );
  snapshot.command("info").description("describe one snapshot and verify its file")
    .argument("<state-dir>").argument("<id>")
    .action((dir, id) =>
      run(() => {
        const lines = infoLines(new StateDir(dir), id);
        for (const line of lines) io.out(line);
        if (lines.some((l) => l.startsWith("verified:  FAILED"))) io.exit(1);
      })
    );
  snapshot.command("delete").description("delete a snapshot (children are kept only with --force, re-based)")
    .argument("<state-dir>").argument("<id>")
    .option("--force", "re-base child snapshots onto the deleted one's parent")
    .action((dir, id, options) =>
      run(() => {
        const r = deleteSnapshot(new StateDir(dir), id, !!options.force);
        const rebased = r.rebased.length > 0 ? `; re-based ${r.rebased.join(", ")}` : "";
        io.out(`deleted ${r.deleted}, freed ${formatBytes(Math.max(0, r.freedBytes))}${rebased}`);
      })
    );
  snapshot.command("label").description("set a snapshot's label")
    .argument("<state-dir>").argument("<id>").argument("<text>")
    .action((dir, id, text) =>
      run(() => {
        setLabel(new StateDir(dir), id, text);
        io.out(`${id}: label set to "${text}"`);
      })
    );
  return program;
}
