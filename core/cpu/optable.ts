/**
 * Builds the per-model opcode → handler table the CPU dispatches through. Prefix
 * bytes (26 2E 36 3E F0–F3) are consumed before dispatch and never reach the table.
 */
import type { ModelTraits } from "./models.ts";
import * as o from "./ops.ts";
import type { OpHandler } from "./ops.ts";

/** The handler for each opcode byte on the given model. */
export function buildOpTable(traits: ModelTraits): OpHandler[] {
  const t: OpHandler[] = new Array<OpHandler>(256).fill(o.nop);
  const set = (h: OpHandler, ...ops: number[]) => {
    for (const op of ops) t[op] = h;
  };
  for (let alu = 0; alu < 8; alu++) {
    const b = alu << 3;
    set(o.aluRmReg8, b);
    set(o.aluRmReg16, b + 1);
    set(o.aluRegRm8, b + 2);
    set(o.aluRegRm16, b + 3);
    set(o.aluAccImm8, b + 4);
    set(o.aluAccImm16, b + 5);
  }
  set(o.pushSeg, 0x06, 0x0E, 0x16, 0x1E);
  set(o.popSeg, 0x07, 0x17, 0x1F);
  set(traits.is186 ? o.invalid : o.popSeg, 0x0F); // POP CS on the 8086
  set(o.opDaa, 0x27);
  set(o.opDas, 0x2F);
  set(o.opAaa, 0x37);
  set(o.opAas, 0x3F);
  for (let r = 0; r < 8; r++) {
    set(o.incReg, 0x40 + r);
    set(o.decReg, 0x48 + r);
    set(o.pushReg, 0x50 + r);
    set(o.popReg, 0x58 + r);
    set(o.jcc, 0x70 + r, 0x78 + r);
    set(o.xchgAx, 0x90 + r);
    set(o.movReg8Imm, 0xB0 + r);
    set(o.movReg16Imm, 0xB8 + r);
    set(o.esc, 0xD8 + r);
  }
  if (traits.is186) {
    set(o.opPusha, 0x60);
    set(o.opPopa, 0x61);
    set(o.bound, 0x62);
    set(o.invalid, 0x63, 0x64, 0x65, 0x66, 0x67);
    set(o.pushImm16, 0x68);
    set(o.imulImm, 0x69, 0x6B);
    set(o.pushImm8, 0x6A);
    set(o.opString, 0x6C, 0x6D, 0x6E, 0x6F);
  } else {
    for (let n = 0; n < 16; n++) set(o.jcc, 0x60 + n); // aliases of 70–7F
  }
  set(o.opGroup1, 0x80, 0x81, 0x82, 0x83);
  set(o.testRmReg8, 0x84);
  set(o.testRmReg16, 0x85);
  set(o.xchgRm8, 0x86);
  set(o.xchgRm16, 0x87);
  set(o.movRmReg8, 0x88);
  set(o.movRmReg16, 0x89);
  set(o.movRegRm8, 0x8A);
  set(o.movRegRm16, 0x8B);
  set(o.movRmSeg, 0x8C);
  set(o.lea, 0x8D);
  set(o.movSegRm, 0x8E);
  set(o.opPopRm, 0x8F);
  set(o.nop, 0x90, 0x9B);
  set(o.cbw, 0x98);
  set(o.cwd, 0x99);
  set(o.callFarImm, 0x9A);
  set(o.pushf, 0x9C);
  set(o.popf, 0x9D);
  set(o.sahf, 0x9E);
  set(o.lahf, 0x9F);
  set(o.movAlMem, 0xA0);
  set(o.movAxMem, 0xA1);
  set(o.movMemAl, 0xA2);
  set(o.movMemAx, 0xA3);
  set(o.opString, 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF);
  set(o.testAccImm8, 0xA8);
  set(o.testAccImm16, 0xA9);
  if (traits.is186) {
    set(o.opGroup2, 0xC0, 0xC1);
    set(o.opEnter, 0xC8);
    set(o.opLeave, 0xC9);
  } else {
    set(o.retImm, 0xC0); // aliases of C2/C3 and CA/CB
    set(o.ret, 0xC1);
    set(o.retfImm, 0xC8);
    set(o.retf, 0xC9);
  }
  set(o.retImm, 0xC2);
  set(o.ret, 0xC3);
  set(o.loadFarPointer, 0xC4, 0xC5);
  set(o.movRmImm8, 0xC6);
  set(o.movRmImm16, 0xC7);
  set(o.retfImm, 0xCA);
  set(o.retf, 0xCB);
  set(o.int3, 0xCC);
  set(o.intImm, 0xCD);
  set(o.into, 0xCE);
  set(o.opIret, 0xCF);
  set(o.opGroup2, 0xD0, 0xD1, 0xD2, 0xD3);
  set(o.opAam, 0xD4);
  set(o.opAad, 0xD5);
  set(o.salc, 0xD6);
  set(o.xlat, 0xD7);
  set(o.opLoop, 0xE0, 0xE1, 0xE2, 0xE3);
  set(o.inAlImm, 0xE4);
  set(o.inAxImm, 0xE5);
  set(o.outImmAl, 0xE6);
  set(o.outImmAx, 0xE7);
  set(o.opCallNear, 0xE8);
  set(o.jmpNear, 0xE9);
  set(o.jmpFar, 0xEA);
  set(o.jmpShort, 0xEB);
  set(o.inAlDx, 0xEC);
  set(o.inAxDx, 0xED);
  set(o.outDxAl, 0xEE);
  set(o.outDxAx, 0xEF);
  set(o.hlt, 0xF4);
  set(o.cmc, 0xF5);
  set(o.opGroup3, 0xF6, 0xF7);
  set(o.clc, 0xF8);
  set(o.stc, 0xF9);
  set(o.cli, 0xFA);
  set(o.sti, 0xFB);
  set(o.cld, 0xFC);
  set(o.std, 0xFD);
  set(o.opGroup4, 0xFE);
  set(o.opGroup5, 0xFF);
  return t;
}
