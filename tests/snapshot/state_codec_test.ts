import assert from "node:assert/strict";
import { decodeState, encodeState } from "../../core/snapshot/state_codec.ts";
import type { StateValue } from "../../core/state.ts";

Deno.test("state codec round-trips every kind of state value exactly", () => {
  const value: StateValue = {
    n: 0,
    neg: -5,
    big: 2 ** 40 + 1,
    frac: 1.25,
    negZero: -0,
    nan: NaN,
    inf: -Infinity,
    t: true,
    f: false,
    nil: null,
    s: "héllo ✓",
    u8: new Uint8Array([1, 2, 255]),
    u16: new Uint16Array([0xFFFF, 1]),
    u32: new Uint32Array([0xFFFF_FFFF]),
    list: [1, "two", [3], { four: 4 }],
    ["__proto__"]: 7,
  };
  const back = decodeState(encodeState(value)) as Record<string, StateValue>;
  assert.deepEqual(Object.is(back.negZero, -0), true);
  assert.deepEqual(Number.isNaN(back.nan), true);
  assert.deepEqual(back.inf, -Infinity);
  assert.deepEqual(back.u16 instanceof Uint16Array, true);
  assert.deepEqual(back.u32 instanceof Uint32Array, true);
  assert.deepEqual(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(Object.keys(back), Object.keys(value));
  assert.deepEqual(back, value);
});

Deno.test("state codec rejects truncated input and non-state values", () => {
  const bytes = encodeState({ a: new Uint8Array(100), b: "text" });
  assert.throws(() => decodeState(bytes.subarray(0, bytes.length - 3)), RangeError);
  assert.throws(() => decodeState(new Uint8Array([99])), /unknown state tag 99/);
  assert.throws(() => encodeState({ d: new Date() as unknown as StateValue }), /state\.d: not a state value/);
});
