/**
 * tty86 command line: a thin layer that parses arguments and hands off to
 * core/, tui/ and disks/. Each subcommand lives in its own module under cli/
 * and registers itself here; `run` is the default command, so `tty86` alone
 * boots the demo disk and `tty86 dos.img` boots an image. main.ts runs this,
 * or its bundle from `deno task build` while that is current.
 */
import { Command } from "@commander-js/extra-typings";
import { VERSION } from "../core/version.ts";
import { registerRun } from "./run.ts";
import { registerDiskCommands } from "./disk.ts";
import { registerSnapshotCommands } from "./snapshot.ts";

const program = new Command()
  .name("tty86")
  .description("A PC emulator that lives in the terminal.")
  .version(VERSION)
  .showHelpAfterError("(add --help for usage)");

registerRun(program);
registerDiskCommands(program);
registerSnapshotCommands(program);

await program.parseAsync(Deno.args, { from: "user" });
