/**
 * Frame sequences recorded from the demo disk (guest/demo/demo.img) running headless in the
 * real machine, one frame per vertical retrace, for the renderer benchmark:
 *
 * - `fire13h`: the mode 13h fire animation (menu key "1");
 * - `snakeCga4`: Snake in CGA mode 4 (menu key "2"), steered with the arrow keys;
 * - `menuText`: the text-mode menu;
 * - `testerText`: the keyboard/timer tester (menu key "3") while keys are typed.
 *
 * Frames are views over buffers the VGA reuses, so each recorded frame is a copy of the
 * pixels/cells, the palette and the changed-line/row flags of that retrace: renderers see
 * the same change pattern the app would.
 *
 * @example
 * ```ts
 * const seq = recordDemoFrames(60);
 * console.log(seq.fire13h.length, seq.fire13h[0].mode); // 60 19
 * ```
 */
import { fileURLToPath } from "node:url";
import { Machine } from "../core/machine/machine.ts";
import { typingSequence } from "../core/machine/typing.ts";
import type { Frame, GraphicsFrame, TextFrame } from "../core/video/frame.ts";
import { openDisk } from "../disks/open.ts";

/** guest/demo/demo.img */
export const DEMO_IMAGE = fileURLToPath(new URL("../guest/demo/demo.img", import.meta.url));

/** Set-1 scancodes of the keys the recording presses (extended keys carry the E0 prefix). */
const KEY = { esc: 0x01, up: 0xE048, left: 0xE04B, down: 0xE050, right: 0xE04D } as const;

/** The recorded sequences. */
export interface DemoSequences {
  fire13h: GraphicsFrame[];
  snakeCga4: GraphicsFrame[];
  menuText: TextFrame[];
  testerText: TextFrame[];
}

function copyFrame(f: Frame): Frame {
  if (f.kind === "graphics") {
    return {
      ...f,
      pixels: f.pixels.slice(),
      palette: f.palette.slice(),
      changedLines: f.changedLines.slice(),
    };
  }
  return {
    ...f,
    cells: f.cells.slice(),
    palette: f.palette.slice(),
    changedRows: f.changedRows.slice(),
    cursor: { ...f.cursor },
  };
}

/** The demo machine with helpers to run by retraces and press keys. */
class DemoDriver {
  readonly machine: Machine;
  private retraced = false;
  private readonly step: number;

  constructor(path: string) {
    this.machine = new Machine({
      floppies: [openDisk(path, { overlay: true })],
      bootOrder: ["a"],
      hostTime: () => new Date(2024, 0, 15, 12, 0, 0),
    });
    this.machine.vga.onRetrace = () => {
      this.retraced = true;
    };
    this.step = Math.max(1, Math.round(this.machine.clock.hz / 4000));
    this.machine.powerOn();
  }

  /** Runs until the next vertical retrace. */
  toRetrace(): void {
    this.retraced = false;
    while (!this.retraced) this.machine.runCycles(this.step);
  }

  run(seconds: number): void {
    this.machine.runCycles(Math.round(seconds * this.machine.clock.hz));
  }

  key(code: number, pressed: boolean): void {
    this.machine.keyboard.keyEvent(code, pressed);
  }

  tap(code: number, afterSeconds: number): void {
    this.key(code, true);
    this.run(0.02);
    this.key(code, false);
    this.run(afterSeconds);
  }

  /**
   * Records `count` frames, one per retrace; `onFrame(i)` runs before frame `i` (to press keys).
   * The frame taken just before recording is discarded, so the first recorded frame's change
   * flags cover one retrace like every other.
   */
  record(count: number, kind: Frame["kind"], onFrame: (i: number) => void = () => {}): Frame[] {
    this.machine.video.takeFrame();
    const out: Frame[] = [];
    for (let i = 0; i < count; i++) {
      onFrame(i);
      this.toRetrace();
      const f = this.machine.video.takeFrame();
      if (f.kind !== kind) throw new Error(`demo recording: expected a ${kind} frame, got ${f.kind}`);
      out.push(copyFrame(f));
    }
    return out;
  }
}

/** Boots the demo disk headless and records `count` frames of each sequence. */
export function recordDemoFrames(count = 60, path = DEMO_IMAGE): DemoSequences {
  const d = new DemoDriver(path);
  d.run(3); // boot to the menu
  const menuText = d.record(count, "text") as TextFrame[];

  d.tap(0x02, 0.5); // "1": the fire
  const fire13h = d.record(count, "graphics") as GraphicsFrame[];
  d.tap(KEY.esc, 0.5);

  d.tap(0x03, 0.05); // "2": Snake, heading right; turn up, left, down along the way
  const turns = new Map<number, number>([
    [Math.floor(count / 4), KEY.up],
    [Math.floor(count / 2), KEY.left],
    [Math.floor((count * 3) / 4), KEY.down],
  ]);
  let held = -1;
  const snakeCga4 = d.record(count, "graphics", (i) => {
    if (held >= 0) {
      d.key(held, false);
      held = -1;
    }
    const k = turns.get(i);
    if (k !== undefined) {
      d.key(k, true);
      held = k;
    }
  }) as GraphicsFrame[];
  if (held >= 0) d.key(held, false);
  d.tap(KEY.esc, 0.5);

  d.tap(0x04, 0.3); // "3": the keyboard/timer tester; type into it, one key event every 3 frames
  const keys = typingSequence("tty86 renders");
  const testerText = d.record(count, "text", (i) => {
    if (i % 3 === 0 && i / 3 < keys.length) d.key(keys[i / 3].code, keys[i / 3].pressed);
  }) as TextFrame[];
  return { fire13h, snakeCga4, menuText, testerText };
}
