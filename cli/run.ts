/**
 * `tty86 run [disk...]`: boot disks in the terminal, or headless for tests and scripts.
 * With no disk at all, boots the built-in demo disk.
 *
 * @example
 * ```ts
 * const program = new Command().name("tty86");
 * registerRun(program); // the default command
 * await program.parseAsync(Deno.args, { from: "user" });
 * ```
 */
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { fileURLToPath } from "node:url";
import type { CpuModel } from "../core/cpu/registers.ts";
import { buildMachine } from "../tui/app/build_machine.ts";
import { type BootDisks, type DiskRequest, openBootDisks } from "../tui/app/boot_disks.ts";
import { parseEscapes, type ScriptInput } from "../tui/app/key_script.ts";
import { runHeadless } from "./run_headless.ts";
import { basename, dirname } from "node:path";
import { DiskSlot } from "../core/snapshot/disk_freeze.ts";
import { SNAPSHOT_EXT } from "../core/snapshot/format.ts";
import { defaultStateDir } from "../core/snapshot/state_dir.ts";
import { parseRewind, type RewindSettings, SnapshotController } from "../tui/app/snapshots.ts";

/** The demo floppy shipped with tty86, booted when no disk is given. */
export const DEMO_DISK: string = fileURLToPath(new URL("../guest/demo/demo.img", import.meta.url));

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError("expected a positive number");
  return seconds;
}

/** Registers `run` on `program` as its default command. */
export function registerRun(program: Command): void {
  // --type and --key share one list so their order on the command line is the typing order.
  const inputs: ScriptInput[] = [];
  program
    .command("run", { isDefault: true })
    .description("boot disk images (the demo disk if none) in the terminal, or --headless")
    .argument(
      "[disk...]",
      "disk images: a standard floppy size boots as a floppy, anything else as a hard disk",
    )
    .option("--floppy <img>", "attach a floppy image (repeatable)", collect, [] as string[])
    .option("--hdd <img>", "attach a hard disk image (repeatable)", collect, [] as string[])
    .addOption(
      new Option("--boot <drive>", "boot drive first (default: a if there is a floppy)").choices(["a", "c"]),
    )
    .addOption(new Option("--cpu <model>", "CPU model").choices(["8086", "80186"]).default("80186"))
    .option(
      "--mhz <n>",
      "emulated CPU clock in MHz (default 8, an IBM PC/AT; 16-33 suits later DOS games)",
      parseMhz,
    )
    .option("--turbo", "run flat out instead of at real-time speed")
    .option("--write", "write guest changes to the images (default: kept in memory, images untouched)")
    .addOption(
      new Option("--render <mode>", "output").choices(["auto", "text", "halfblock", "sixel", "kitty"])
        .default(
          "auto",
        ),
    )
    .addOption(
      new Option("--colors <depth>", "colour depth (default: probed)").choices(["16", "256", "truecolor"]),
    )
    .option("--prefix <key>", "hotkey prefix", "ctrl-]")
    .option(
      "--allow-parent-dir <dir>",
      "directory where parent images may live (repeatable)",
      collect,
      [] as string[],
    )
    .option(
      "--state-dir <dir>",
      "where snapshots and snapshot disk layers go (default: <first disk>.tty86-state)",
    )
    .option(
      "--restore <snapshot>",
      "boot straight into a snapshot: an id in the state directory, or a .t86snap file",
    )
    .option(
      "--rewind <interval:count>",
      "take a snapshot every interval and keep the last count (e.g. 5s:60); Ctrl-] ← steps back",
    )
    .option("--pause-panels", "pause the guest while a panel (disks, snapshots) is open")
    .option("--headless", "run without a terminal (tests, scripts)")
    .option(
      "--type <text>",
      "headless: type text once the guest reads the keyboard; \\r \\n \\t \\e \\b escapes",
      (v) => {
        inputs.push({ text: parseEscapes(v) });
        return v;
      },
    )
    .option(
      "--key <name>",
      "headless: press a key (up, down, left, right, esc, enter, f1...; repeatable)",
      (v) => {
        inputs.push({ key: v });
        return v;
      },
    )
    .option(
      "--until-text <text>",
      "headless: stop when this appears on a text-mode screen (never in graphics modes)",
    )
    .option(
      "--timeout <seconds>",
      "headless: give up after this many wall-clock seconds",
      positiveSeconds,
      30,
    )
    .option("--screen <file>", "headless: write the final screen as text (- for stdout)")
    .option(
      "--screenshot <file>",
      "headless: write the final screen as PNG at the mode's resolution (- for stdout)",
    )
    .option("--realtime", "headless: throttle to real time (default: flat out)")
    .addHelpText(
      "after",
      "\nHeadless exit codes: 0 the text appeared (or the time ran out without --until-text), 3 timeout.",
    )
    .action(async (disks, options) => {
      const requests: DiskRequest[] = [
        ...disks.map((path): DiskRequest => ({ path, kind: "auto" })),
        ...options.floppy.map((path): DiskRequest => ({ path, kind: "floppy" })),
        ...options.hdd.map((path): DiskRequest => ({ path, kind: "hdd" })),
      ];
      if (requests.length === 0) requests.push({ path: DEMO_DISK, kind: "floppy" });
      const code = await runCommand(requests, {
        ...options,
        cpu: options.cpu as CpuModel,
        inputs,
      });
      Deno.exit(code);
    });
}

/** The parsed options of `run`. */
export interface RunOptions {
  cpu: CpuModel;
  /** Emulated CPU clock in MHz; the machine's default when absent. */
  mhz?: number;
  boot?: "a" | "c";
  turbo?: true;
  write?: true;
  render: "auto" | "text" | "halfblock" | "sixel" | "kitty";
  colors?: "16" | "256" | "truecolor";
  prefix: string;
  allowParentDir: string[];
  headless?: true;
  inputs: ScriptInput[];
  untilText?: string;
  timeout: number;
  screen?: string;
  screenshot?: string;
  realtime?: true;
  stateDir?: string;
  restore?: string;
  rewind?: string;
  pausePanels?: true;
}

/** Runs `tty86 run`; returns the exit code. Errors become one line on stderr and exit code 1. */
export async function runCommand(requests: DiskRequest[], options: RunOptions): Promise<number> {
  let disks: BootDisks | undefined;
  let snapshots: SnapshotController | undefined;
  try {
    const rewind: RewindSettings | null = options.rewind === undefined ? null : parseRewind(options.rewind);
    const restore = options.restore === undefined
      ? undefined
      : restoreTarget(options.restore, options.stateDir);
    if (!options.headless && !Deno.stdin.isTerminal()) {
      throw new Error("stdin is not a terminal; use --headless");
    }
    if (!options.headless && !Deno.stdout.isTerminal()) {
      throw new Error("stdout is not a terminal; use --headless");
    }
    disks = openBootDisks(requests, {
      write: options.write === true,
      allowParentDirs: options.allowParentDir,
    });
    const floppies = disks.floppies.map((c) => new DiskSlot(c));
    const hardDisks = disks.hardDisks.map((c) => new DiskSlot(c));
    const machine = buildMachine({ floppies, hardDisks }, {
      cpu: options.cpu,
      boot: options.boot,
      ...(options.mhz !== undefined ? { cpuHz: Math.round(options.mhz * 1e6) } : {}),
    });
    snapshots = new SnapshotController({
      machine,
      stateDir: restore?.stateDir ?? options.stateDir ?? defaultStateDir(requests[0].path),
      drives: [
        ...floppies.map((slot, i) => ({ drive: "ab"[i], slot })),
        ...hardDisks.map((slot, i) => ({ drive: "cd"[i], slot })),
      ],
      write: options.write === true,
      allowParentDirs: options.allowParentDir,
      rewind,
    });
    if (restore !== undefined) await snapshots.restore(restore.id);
    if (options.headless) {
      const snaps = snapshots;
      return await runHeadless(machine, {
        onSlice: () => snaps.pump(),
        inputs: options.inputs,
        untilText: options.untilText,
        timeoutSeconds: options.timeout,
        screen: options.screen,
        screenshot: options.screenshot,
        realtime: options.realtime === true,
      });
    }
    const { runInteractive } = await import("../tui/app/app.ts");
    return await runInteractive(machine, {
      turbo: options.turbo === true,
      render: options.render,
      colors: options.colors === undefined
        ? undefined
        : options.colors === "truecolor"
        ? "truecolor"
        : Number(options.colors) as 16 | 256,
      prefix: options.prefix,
      snapshots,
      pausePanels: options.pausePanels === true,
    });
  } catch (error) {
    console.error(`tty86: ${oneLine(error)}`);
    return 1;
  } finally {
    try {
      // Once the slots exist they own the chains (a restore switches them to other chains).
      if (snapshots !== undefined) await snapshots.close();
      else disks?.close();
    } catch (error) {
      console.error(`tty86: ${oneLine(error)}`);
    }
  }
}

/** `--restore` as a snapshot id and the state directory holding it (a file names its own directory). */
export function restoreTarget(
  value: string,
  stateDir: string | undefined,
): { id: string; stateDir?: string } {
  if (value.endsWith(SNAPSHOT_EXT)) {
    return { id: basename(value, SNAPSHOT_EXT), stateDir: dirname(value) };
  }
  return { id: value, stateDir };
}

/** An error as one line without a stack trace. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^tty86: /, "").split("\n")[0];
}

/** Parses `--mhz`: a clock from 1 to 1000 MHz (fractions allowed, e.g. 4.77). */
export function parseMhz(value: string): number {
  const mhz = Number(value);
  if (!Number.isFinite(mhz) || mhz < 1 || mhz > 1000) {
    throw new InvalidArgumentError(`expected a clock from 1 to 1000 MHz, got "${value}"`);
  }
  return mhz;
}
