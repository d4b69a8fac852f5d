/** All of the VGA's registers in one place, shared by the memory path, timing and renderers. */
import { AttributeController } from "./attribute_controller.ts";
import { Crtc } from "./crtc.ts";
import { Dac } from "./dac.ts";
import { GraphicsController } from "./graphics_controller.ts";
import { Sequencer } from "./sequencer.ts";

export { AttributeController, Crtc, Dac, GraphicsController, Sequencer };

export class VgaRegisters {
  readonly seq = new Sequencer();
  readonly crtc = new Crtc();
  readonly gc = new GraphicsController();
  readonly ac = new AttributeController();
  readonly dac = new Dac();
  /** Miscellaneous output (3C2h write, 3CCh read). */
  misc = 0;
  /** Feature control (3BAh/3DAh write, 3CAh read). */
  featureControl = 0;

  /** Misc bit 0: CRTC and input status 1 at 3Dxh (colour) rather than 3Bxh (mono). */
  get colorIo(): boolean {
    return (this.misc & 0x01) !== 0;
  }

  /** Misc bits 2–3: master dot clock in Hz (0 = 25.175 MHz, 1 = 28.322 MHz). */
  get dotClockHz(): number {
    return ((this.misc >> 2) & 3) === 1 ? 28_322_000 : 25_175_000;
  }
}
