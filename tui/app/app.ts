/** Placeholder replaced by the interactive app loop. */
import type { Machine } from "../../core/machine/machine.ts";
export interface InteractiveOptions {
  turbo: boolean;
  render: "auto" | "text" | "halfblock" | "sixel" | "kitty";
  colors?: 16 | 256 | "truecolor";
  prefix: string;
}
export function runInteractive(_machine: Machine, _options: InteractiveOptions): Promise<number> {
  return Promise.resolve(1);
}
