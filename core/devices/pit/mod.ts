/** The 8254 programmable interval timer. */
export { Pit8254, PIT_HZ } from "./pit8254.ts";
export { Access, PitChannel } from "./channel.ts";
