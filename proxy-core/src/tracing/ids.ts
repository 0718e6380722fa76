// Span and trace ids for B3 (16 or 32 lower-case hex chars). Every traced request needs at least one new id,
// sampled or not, so ids come from a pooled random buffer refilled every 512 ids: one randomFillSync per
// 4 KiB instead of a crypto call (or a UUID) per id. The only allocation per id is its string.
import { randomFillSync } from "node:crypto";

const POOL = Buffer.allocUnsafe(4096);
let offset = POOL.length;

const ZERO_ID = "0000000000000000";

/** 64 random bits as 16 hex chars; never all zeros (B3 treats a zero id as absent). */
export function newId64(): string {
  if (offset + 8 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const id = POOL.toString("hex", offset, offset + 8);
  offset += 8;
  return id === ZERO_ID ? newId64() : id;
}

/** A 128-bit trace id (32 hex chars). */
export function newId128(): string {
  return newId64() + newId64();
}

/** B3 ids: 16 or 32 hex chars (trace ids), 16 for span ids; upper case is accepted as Envoy does. */
export function isHexId(s: string, allow128: boolean): boolean {
  const n = s.length;
  if (n !== 16 && !(allow128 && n === 32)) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
