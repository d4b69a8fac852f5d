/**
 * tty86 over SSH: a throwaway OpenSSH server on 127.0.0.1, a byte-counting TCP relay in front of
 * it, and `ssh -tt` running inside a private tmux session (the tmux pane is the "terminal" at the
 * user's end: keys go in with send-keys, the screen comes out with capture-pane). tty86 runs at the
 * far end of the link with `--render halfblock` and plays the demo disk: menu, fire (mode 13h),
 * snake (CGA mode 4, arrow keys), then Ctrl-] q.
 *
 * Prints progress on stderr and one JSON line last on stdout with the bytes per second that went
 * from sshd to ssh (the screen stream) in each phase.
 *
 *   deno run -A bench/ssh.ts [--render halfblock] [--cols 100] [--rows 40] [--seconds 5] [--save DIR]
 *
 * Needs sshd, ssh, ssh-keygen and tmux; only 127.0.0.1 is used. Exit code 0 when every screen
 * check passed, 1 when one failed, 2 when a tool is missing.
 * @module
 */

import {
  captureText,
  findTool,
  freePort,
  missingTools,
  parseCapture,
  runOk,
  type ScreenStats,
  screenStats,
  shQuote,
  sleep,
  stopChild,
  Tmux,
  waitUntil,
} from "../scripts/term_harness.ts";

/** Tools the benchmark needs. */
export const SSH_BENCH_TOOLS = ["sshd", "ssh", "ssh-keygen", "tmux"];

/** Options of {@link runSshBench}. */
export interface SshBenchOptions {
  /** The tty86 checkout to run at the far end (default: this repository). */
  repo?: string;
  render?: "auto" | "text" | "halfblock" | "sixel" | "kitty";
  cols?: number;
  rows?: number;
  /** Seconds measured in each phase (menu, fire, snake). */
  seconds?: number;
  /** Seconds to wait for the menu after connecting (deno start, boot). */
  bootTimeoutSeconds?: number;
  /** Replaces the far end's command (a stand-in for testing the harness itself). */
  remoteCommand?: string;
  /** Writes the captured screens (with SGR) here when given. */
  saveDir?: string;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** Screen checks of one run. */
export interface SshChecks {
  menu: boolean;
  fire: boolean;
  snake: boolean;
  menuAgain: boolean;
  quit: boolean;
}

/** What {@link runSshBench} measured. */
export interface SshBenchResult {
  /** Seconds from starting ssh to the menu on screen. */
  ssh_boot_s: number;
  /** Bytes from sshd to ssh until the menu showed. */
  ssh_boot_bytes: number;
  ssh_menu_Bps: number;
  ssh_fire_Bps: number;
  ssh_snake_Bps: number;
  /** Bytes per second from ssh to sshd during the snake phase (keys). */
  ssh_snake_up_Bps: number;
  checks: SshChecks;
  fire: ScreenStats | undefined;
  snake: ScreenStats | undefined;
  /** Non-empty when something went wrong; the last screen seen is included. */
  problems: string[];
}

interface Counters {
  down: number;
  up: number;
}

/** A TCP relay on 127.0.0.1 to `targetPort` counting the bytes each way. */
class CountingRelay {
  readonly counters: Counters = { down: 0, up: 0 };
  readonly port: number;
  private readonly listener: Deno.Listener;
  private readonly conns = new Set<Deno.Conn>();
  private readonly tasks: Promise<void>[] = [];
  private readonly acceptTask: Promise<void>;

  constructor(private readonly targetPort: number) {
    this.listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.listener.addr as Deno.NetAddr).port;
    this.acceptTask = this.accept();
  }

  private async accept(): Promise<void> {
    try {
      for await (const client of this.listener) {
        this.conns.add(client);
        this.tasks.push(this.serve(client));
      }
    } catch {
      // listener closed
    }
  }

  private async serve(client: Deno.Conn): Promise<void> {
    let server: Deno.Conn;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: this.targetPort });
    } catch {
      this.closeConn(client);
      return;
    }
    this.conns.add(server);
    await Promise.all([this.pump(client, server, "up"), this.pump(server, client, "down")]);
    this.closeConn(client);
    this.closeConn(server);
  }

  private async pump(from: Deno.Conn, to: Deno.Conn, way: keyof Counters): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) break;
        this.counters[way] += n;
        let off = 0;
        while (off < n) off += await to.write(buffer.subarray(off, n));
      }
      await to.closeWrite();
    } catch {
      // one side went away: close both
      this.closeConn(from);
      this.closeConn(to);
    }
  }

  private closeConn(conn: Deno.Conn): void {
    if (!this.conns.delete(conn)) return;
    try {
      conn.close();
    } catch {
      // already closed
    }
  }

  async close(): Promise<void> {
    try {
      this.listener.close();
    } catch {
      // already closed
    }
    for (const conn of [...this.conns]) this.closeConn(conn);
    await this.acceptTask;
    await Promise.all(this.tasks);
  }
}

type PhaseMark = "start" | "menuShown" | "menuA" | "menuB" | "fireA" | "fireB" | "snakeA" | "snakeB";

interface Mark {
  t: number;
  down: number;
  up: number;
}

function rate(a: Mark | undefined, b: Mark | undefined, way: "down" | "up"): number {
  if (a === undefined || b === undefined) return 0;
  const seconds = (b.t - a.t) / 1000;
  return seconds <= 0 ? 0 : Math.round((b[way] - a[way]) / seconds);
}

const MENU_TEXT = "Fire: an animated";

/** Runs the whole SSH session; throws when a tool is missing or the server cannot start. */
export async function runSshBench(options: SshBenchOptions = {}): Promise<SshBenchResult> {
  const missing = missingTools(SSH_BENCH_TOOLS);
  if (missing.length > 0) throw new Error(`missing tools: ${missing.join(", ")}`);
  const log = options.log ?? ((line: string) => console.error(line));
  const repo = options.repo ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const render = options.render ?? "halfblock";
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 40;
  const seconds = options.seconds ?? 5;
  const problems: string[] = [];
  const checks: SshChecks = { menu: false, fire: false, snake: false, menuAgain: false, quit: false };

  const dir = await Deno.makeTempDir({ prefix: "tty86-ssh-" });
  let sshd: Deno.ChildProcess | undefined;
  let relay: CountingRelay | undefined;
  const tmux = new Tmux(`${dir}/tmux.sock`);
  let tmuxStarted = false;
  let sshdLog = "";
  let sshdLogTask: Promise<void> | undefined;
  try {
    // Throwaway keys and server configuration.
    await runOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${dir}/host_key`]);
    await runOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${dir}/user_key`]);
    await Deno.copyFile(`${dir}/user_key.pub`, `${dir}/authorized_keys`);
    const sshdPort = freePort();
    const user = Deno.env.get("USER") ?? (Deno.uid() === 0 ? "root" : "");
    if (user === "") throw new Error("cannot tell the user name (set USER)");
    await Deno.writeTextFile(
      `${dir}/sshd_config`,
      [
        "ListenAddress 127.0.0.1",
        `Port ${sshdPort}`,
        `HostKey ${dir}/host_key`,
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        `PidFile ${dir}/sshd.pid`,
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "X11Forwarding no",
        "AllowTcpForwarding no",
        "PrintMotd no",
        "",
      ].join("\n"),
    );
    // OpenSSH needs its privilege separation directory (Debian creates it only when the service runs).
    await Deno.mkdir("/run/sshd", { recursive: true }).catch(() => {});
    const sshdPath = findTool("sshd") ?? "/usr/sbin/sshd";
    sshd = new Deno.Command(sshdPath, {
      args: ["-D", "-e", "-f", `${dir}/sshd_config`],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const sshdStderr = sshd.stderr.pipeThrough(new TextDecoderStream()).getReader();
    sshdLogTask = (async () => {
      for (;;) {
        const { value, done } = await sshdStderr.read();
        if (done) break;
        sshdLog += value;
      }
    })();
    const listening = await waitUntil(() => sshdLog.includes("Server listening"), 10_000, 50);
    if (!listening) throw new Error(`sshd did not start: ${sshdLog.trim()}`);
    relay = new CountingRelay(sshdPort);
    log(`sshd on 127.0.0.1:${sshdPort}, counting relay on 127.0.0.1:${relay.port}`);

    // The far end: tty86 straight in the ssh session's pty.
    const denoEnv = ["DENO_DIR", "NO_COLOR"].flatMap((k) => {
      const v = Deno.env.get(k);
      return v === undefined ? [] : [`${k}=${shQuote(v)}`];
    });
    const remote = options.remoteCommand ??
      `cd ${shQuote(repo)} && exec env ${denoEnv.join(" ")} ${shQuote(Deno.execPath())} run -A main.ts` +
        ` --render ${render}`;
    const sshArgs = [
      "ssh",
      "-tt",
      "-o",
      "BatchMode=yes",
      "-o",
      "StrictHostKeyChecking=no",
      "-o",
      "UserKnownHostsFile=/dev/null",
      "-o",
      "LogLevel=ERROR",
      "-i",
      `${dir}/user_key`,
      "-p",
      String(relay.port),
      `${user}@127.0.0.1`,
      remote,
    ];
    const local = `${sshArgs.map(shQuote).join(" ")}; echo $? > ${shQuote(`${dir}/ssh_exit`)}`;
    const screenText = async () => captureText(parseCapture(await tmux.capture(false)));
    const mark = (): Mark => ({ t: performance.now(), down: relay!.counters.down, up: relay!.counters.up });
    const save = async (name: string, text: string) => {
      if (options.saveDir !== undefined) {
        await Deno.mkdir(options.saveDir, { recursive: true });
        await Deno.writeTextFile(`${options.saveDir}/${name}`, text);
      }
    };
    let lastScreen = "";
    const m: Partial<Record<PhaseMark, Mark>> = {};
    const stats: { fire?: ScreenStats; snake?: ScreenStats } = {};
    const result = (): SshBenchResult => ({
      ssh_boot_s: m.start && m.menuShown ? Math.round((m.menuShown.t - m.start.t) / 100) / 10 : 0,
      ssh_boot_bytes: m.start && m.menuShown ? m.menuShown.down - m.start.down : 0,
      ssh_menu_Bps: rate(m.menuA, m.menuB, "down"),
      ssh_fire_Bps: rate(m.fireA, m.fireB, "down"),
      ssh_snake_Bps: rate(m.snakeA, m.snakeB, "down"),
      ssh_snake_up_Bps: rate(m.snakeA, m.snakeB, "up"),
      checks,
      fire: stats.fire,
      snake: stats.snake,
      problems,
    });

    m.start = mark();
    await tmux.start(local, cols, rows);
    tmuxStarted = true;

    // Phase 0: connect and boot to the menu.
    checks.menu = await waitUntil(
      async () => {
        lastScreen = await screenText();
        return lastScreen.includes(MENU_TEXT) || await tmux.paneDead();
      },
      (options.bootTimeoutSeconds ?? 60) * 1000,
      200,
    ) && lastScreen.includes(MENU_TEXT);
    m.menuShown = mark();
    await save("menu.ans", await tmux.capture());
    if (!checks.menu) {
      const code = await Deno.readTextFile(`${dir}/ssh_exit`).catch(() => "(running)");
      problems.push(
        `menu did not show; ssh status ${code.trim()}; sshd log:\n${sshdLog}\nlast screen:\n${lastScreen}`,
      );
      return result();
    }
    log(`menu after ${result().ssh_boot_s} s, ${result().ssh_boot_bytes} bytes`);

    // Phase 1: the idle menu.
    await sleep(500);
    m.menuA = mark();
    await sleep(seconds * 1000);
    m.menuB = mark();
    log(`menu: ${rate(m.menuA, m.menuB, "down")} B/s`);

    // Phase 2: fire.
    await tmux.sendKeys("1");
    await sleep(1000);
    m.fireA = mark();
    await sleep(seconds * 1000);
    m.fireB = mark();
    const fireCapture = await tmux.capture();
    await save("fire.ans", fireCapture);
    const fire = stats.fire = screenStats(parseCapture(fireCapture));
    checks.fire = fire.fireShareLower >= 0.1 &&
      !captureText(parseCapture(fireCapture)).includes(MENU_TEXT);
    if (!checks.fire) problems.push(`fire screen check failed: ${JSON.stringify(fire)}`);
    log(`fire: ${rate(m.fireA, m.fireB, "down")} B/s, ${JSON.stringify(fire)}`);

    // Back to the menu.
    await tmux.sendKeys("Escape");
    checks.menuAgain = await waitUntil(async () => (await screenText()).includes(MENU_TEXT), 10_000, 200);
    if (!checks.menuAgain) problems.push("Esc did not return to the menu");
    await sleep(500);

    // Phase 3: snake, steered with arrow keys.
    await tmux.sendKeys("2");
    await sleep(1000);
    m.snakeA = mark();
    const arrows = ["Up", "Left", "Down", "Right", "Up", "Right", "Down", "Left"];
    const stepMs = (seconds * 1000) / arrows.length;
    for (const key of arrows) {
      await tmux.sendKeys(key);
      await sleep(stepMs);
    }
    m.snakeB = mark();
    const snakeCapture = await tmux.capture();
    await save("snake.ans", snakeCapture);
    const snake = stats.snake = screenStats(parseCapture(snakeCapture));
    checks.snake = snake.cga.cyan > 0 && snake.cga.magenta > 0 &&
      !captureText(parseCapture(snakeCapture)).includes(MENU_TEXT);
    if (!checks.snake) problems.push(`snake screen check failed: ${JSON.stringify(snake)}`);
    log(`snake: ${rate(m.snakeA, m.snakeB, "down")} B/s down, ${rate(m.snakeA, m.snakeB, "up")} B/s up`);

    // Quit with the hotkey.
    await tmux.sendKeys("C-]");
    await sleep(200);
    await tmux.sendKeys("q");
    checks.quit = await waitUntil(
      async () => {
        try {
          return (await Deno.readTextFile(`${dir}/ssh_exit`)).trim() === "0";
        } catch {
          return false;
        }
      },
      10_000,
      200,
    );
    if (!checks.quit) {
      const code = await Deno.readTextFile(`${dir}/ssh_exit`).catch(() => "(still running)");
      problems.push(`Ctrl-] q did not end the session with status 0: ${code.trim()}`);
    }

    return result();
  } finally {
    if (tmuxStarted) await tmux.kill();
    await relay?.close();
    if (sshd !== undefined) await stopChild(sshd);
    await sshdLogTask;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const args = Deno.args;
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const missing = missingTools(SSH_BENCH_TOOLS);
  if (missing.length > 0) {
    console.error(`bench/ssh.ts: skipped, missing tools: ${missing.join(", ")}`);
    console.log(JSON.stringify({ skipped: `missing ${missing.join(", ")}` }));
    Deno.exit(2);
  }
  const render = (value("--render") ?? "halfblock") as SshBenchOptions["render"];
  const result = await runSshBench({
    render,
    cols: Number(value("--cols") ?? 100),
    rows: Number(value("--rows") ?? 40),
    seconds: Number(value("--seconds") ?? 5),
    saveDir: value("--save"),
  });
  for (const p of result.problems) console.error(`problem: ${p}`);
  console.log(JSON.stringify({
    ssh_menu_Bps: result.ssh_menu_Bps,
    ssh_fire_Bps: result.ssh_fire_Bps,
    ssh_snake_Bps: result.ssh_snake_Bps,
    ssh_snake_up_Bps: result.ssh_snake_up_Bps,
    ssh_boot_s: result.ssh_boot_s,
    ssh_boot_bytes: result.ssh_boot_bytes,
    render,
    checks: result.checks,
  }));
  Deno.exit(result.problems.length === 0 ? 0 : 1);
}
