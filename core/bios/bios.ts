/**
 * The high-level BIOS: builds the ROM at F0000–FFFFF, hooks the CPU's `F1 nn`
 * trap, and dispatches each trap to its service. POST runs from the reset
 * vector like any BIOS, so `cpu.reset()` followed by running the CPU boots.
 *
 * @example
 * ```ts
 * const bios = new Bios({ cpu, memory, io, vga, disks: { floppy: [disk], hard: [] }, clock }, { bootOrder: ["a"] });
 * bios.install();
 * cpu.reset(); // F000:FFF0 → POST → INT 19h
 * ```
 */
import type { Stateful, StateValue } from "../state.ts";
import { CP437_8X16 } from "../video/font/cp437_8x16.ts";
import { CP437_8X8 } from "../video/font/cp437_8x8.ts";
import { Bda } from "./access.ts";
import { BootService } from "./boot.ts";
import { Cmos } from "./cmos.ts";
import type { BiosHost, BiosOptions } from "./host.ts";
import { DiskService } from "./int13_disk.ts";
import { KeyboardService } from "./int16_keyboard.ts";
import { SystemService } from "./int15_system.ts";
import { TimeService } from "./int1a_time.ts";
import { VideoService } from "./int10_video.ts";
import { KeyboardIrq, rtcIrq, timerTick, unexpectedIrq } from "./irq_handlers.ts";
import { KeyBuffer } from "./key_buffer.ts";
import { noBootMessage, printerService, serialService } from "./misc_services.ts";
import { runPost } from "./post.ts";
import { buildRom } from "./rom.ts";
import { ROM_BASE, ROM_SIZE } from "./rom_layout.ts";
import { Speaker } from "./speaker.ts";
import * as T from "./trap_codes.ts";

/** The BIOS. */
export class Bios implements Stateful {
  readonly video: VideoService;
  readonly disk: DiskService;
  readonly keyboard: KeyboardService;
  readonly system: SystemService;
  readonly time: TimeService;
  readonly keyboardIrq: KeyboardIrq;
  readonly speaker: Speaker;
  private readonly bda: Bda;
  private readonly keys: KeyBuffer;
  private readonly cmos: Cmos;
  private readonly boot: BootService;
  private readonly memoryKiB: number;
  /** Traps seen with a code no service owns (a guest executing F1 in the ROM area by accident). */
  unknownTraps = 0;

  constructor(private readonly host: BiosHost, private readonly options: BiosOptions) {
    const { cpu, memory, io } = host;
    this.memoryKiB = options.memoryKiB ?? 640;
    this.bda = new Bda(memory);
    this.keys = new KeyBuffer(this.bda);
    this.cmos = new Cmos(io);
    this.speaker = new Speaker(io);
    this.video = new VideoService(cpu, memory, io, this.bda, host.vga, this.speaker);
    this.disk = new DiskService(cpu, memory, this.bda, host.disks);
    this.keyboard = new KeyboardService(cpu, this.bda, this.keys);
    this.system = new SystemService(cpu, this.bda, io, this.cmos, host.clock);
    this.time = new TimeService(cpu, this.bda, this.cmos, io);
    this.keyboardIrq = new KeyboardIrq(cpu, this.bda, this.keys, this.speaker);
    this.boot = new BootService(cpu, memory, this.disk, options.bootOrder);
  }

  /** Builds and maps the ROM (read-only) and hooks the CPU's BIOS trap. */
  install(): void {
    const hard = this.host.disks.hard.map((d) => d?.geometry ?? null);
    const image = buildRom({ font8x8: CP437_8X8, font8x16: CP437_8X16, hardDisks: hard });
    this.host.memory.setRom(ROM_BASE, ROM_SIZE);
    this.host.memory.loadRom(ROM_BASE, image);
    this.host.cpu.biosTrap = (code) => this.trap(code);
  }

  /** A new diskette was put in `drive` (0 = A:, 1 = B:): the change line reports it. */
  mediumChanged(drive: number): void {
    this.disk.mediumChanged(drive);
  }

  /** Runs the service for trap `code`. */
  trap(code: number): void {
    const { cpu, io } = this.host;
    switch (code) {
      case T.TRAP_POST:
        runPost({
          memory: this.host.memory,
          io,
          bda: this.bda,
          keys: this.keys,
          disks: this.disk,
          video: this.video,
          cmos: this.cmos,
          memoryKiB: this.memoryKiB,
        });
        return;
      case T.TRAP_TIMER:
        timerTick(this.bda, io, this.speaker);
        return;
      case T.TRAP_KEYBOARD:
        this.keyboardIrq.handle();
        return;
      case T.TRAP_PAUSE_CHECK:
        this.keyboardIrq.pauseCheck();
        return;
      case T.TRAP_UNEXPECTED_IRQ:
        unexpectedIrq(this.bda, io);
        return;
      case T.TRAP_VIDEO:
        this.video.handle();
        return;
      case T.TRAP_DISK:
        this.disk.handle();
        return;
      case T.TRAP_SERIAL:
        serialService(cpu);
        return;
      case T.TRAP_SYSTEM:
        this.system.handle();
        return;
      case T.TRAP_KEYBOARD_SERVICE:
        this.keyboard.handle();
        return;
      case T.TRAP_PRINTER:
        printerService(cpu);
        return;
      case T.TRAP_NO_BOOT:
        noBootMessage(this.video, this.bda);
        return;
      case T.TRAP_BOOT:
        this.boot.handle();
        return;
      case T.TRAP_TIME:
        this.time.handle();
        return;
      case T.TRAP_RTC_IRQ:
        rtcIrq(cpu, io);
        return;
      case T.TRAP_WAIT_BEGIN:
        this.system.waitBegin();
        return;
      case T.TRAP_WAIT_CHECK:
        this.system.waitCheck();
        return;
      default:
        this.unknownTraps++;
        return;
    }
  }

  saveState(): StateValue {
    return {
      speakerTicks: this.speaker.ticksLeft,
      waitUntil: this.system.waitUntil,
      changed: this.disk.changedLines(),
    };
  }

  loadState(state: StateValue): void {
    if (state === null || typeof state !== "object" || Array.isArray(state) || ArrayBuffer.isView(state)) {
      throw new Error("bios: state must be a record");
    }
    const s = state as { [key: string]: StateValue };
    const speakerTicks = s.speakerTicks, waitUntil = s.waitUntil, changed = s.changed;
    if (typeof speakerTicks !== "number" || typeof waitUntil !== "number" || !Array.isArray(changed)) {
      throw new Error("bios: state is missing speakerTicks, waitUntil or changed");
    }
    this.speaker.ticksLeft = speakerTicks;
    this.system.waitUntil = waitUntil;
    this.disk.setChangedLines(changed.map((v) => v === true));
  }
}
