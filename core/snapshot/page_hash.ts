/**
 * A 64-bit content hash per 4 KiB page, used to find pages equal to the parent
 * snapshot's. Two independent 32-bit multiply-rotate lanes over 32-bit words
 * (no allocation, about 1 µs per page). Not cryptographic: a false match needs two
 * different pages at the same index to collide in both lanes (about 2^-64 for
 * non-adversarial data), which is the accepted risk of a diff snapshot.
 */
import { PAGE_SIZE } from "../memory/paged_memory.ts";

const WORDS = PAGE_SIZE >>> 2;

/** Per-page hashes of one memory: lanes `a` and `b` at [2p] and [2p+1]. */
export type PageHashTable = Uint32Array;

/** A table for `pageCount` pages, all zero (meaning "unknown": never equal to a real hash by design). */
export function newPageHashTable(pageCount: number): PageHashTable {
  return new Uint32Array(pageCount * 2);
}

/**
 * Hashes the page starting at word index `wordOffset` of `words` into `table` at `page`.
 * Lane b is forced odd so a valid entry is never the all-zero "unknown" value.
 */
export function hashPage(words: Uint32Array, wordOffset: number, table: PageHashTable, page: number): void {
  let a = 0x9E3779B1 | 0;
  let b = 0x85EBCA77 | 0;
  const end = wordOffset + WORDS;
  for (let i = wordOffset; i < end; i++) {
    const w = words[i];
    a = Math.imul((a ^ w) << 13 | (a ^ w) >>> 19, 0x9E3779B1) + 0x165667B1 | 0;
    b = Math.imul((b + w) << 17 | (b + w) >>> 15, 0xC2B2AE3D) ^ 0x27D4EB2F;
  }
  a ^= a >>> 15;
  a = Math.imul(a, 0x85EBCA77);
  a ^= a >>> 13;
  b ^= b >>> 16;
  b = Math.imul(b, 0x2C1B3C6D);
  b ^= b >>> 15;
  table[page * 2] = a >>> 0;
  table[page * 2 + 1] = (b | 1) >>> 0;
}

/** True when both tables know page `page` and agree on it. */
export function samePageHash(x: PageHashTable, y: PageHashTable, page: number): boolean {
  const i = page * 2;
  return x[i + 1] !== 0 && x[i] === y[i] && x[i + 1] === y[i + 1];
}

/** True when the page is all zero bytes. */
export function isZeroPage(words: Uint32Array, wordOffset: number): boolean {
  const end = wordOffset + WORDS;
  for (let i = wordOffset; i < end; i++) if (words[i] !== 0) return false;
  return true;
}
