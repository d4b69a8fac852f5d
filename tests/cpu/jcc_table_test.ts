import assert from "node:assert/strict";
import { JCC_TAKEN } from "../../core/cpu/fast.ts";
import { FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from "../../core/cpu/registers.ts";

/** Whether Jcc 70+n jumps with FLAGS `f`, straight from the 8086 manual's conditions. */
function taken(n: number, f: number): boolean {
  const cf = (f & FLAG_CF) !== 0;
  const zf = (f & FLAG_ZF) !== 0;
  const sf = (f & FLAG_SF) !== 0;
  const of = (f & FLAG_OF) !== 0;
  const pf = (f & FLAG_PF) !== 0;
  const conditions = [of, cf, zf, cf || zf, sf, pf, sf !== of, zf || sf !== of];
  const c = conditions[n >>> 1];
  return (n & 1) === 0 ? c : !c;
}

Deno.test("JCC_TAKEN holds every condition for every FLAGS word (bits 0-11)", () => {
  assert.equal(JCC_TAKEN.length, 16 << 12);
  for (let n = 0; n < 16; n++) {
    for (let f = 0; f < 0x1000; f++) {
      assert.equal(
        JCC_TAKEN[(n << 12) | f],
        taken(n, f) ? 1 : 0,
        `Jcc ${(0x70 + n).toString(16)} FLAGS ${f.toString(16)}`,
      );
    }
  }
});
