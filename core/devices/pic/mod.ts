/** The AT interrupt controller pair (two 8259A). */
export { PicPair } from "./pic_pair.ts";
export { InitStep, PicChipState } from "./chip_state.ts";
