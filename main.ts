/**
 * tty86 command line: a thin layer that parses arguments and hands off to
 * core/, tui/ and disks/. Each subcommand lives in its own module under cli/.
 */
import { Command } from "@commander-js/extra-typings";
import { VERSION } from "./core/version.ts";

const program = new Command()
  .name("tty86")
  .description("A PC emulator that lives in the terminal.")
  .version(VERSION);

await program.parseAsync(Deno.args, { from: "user" });
