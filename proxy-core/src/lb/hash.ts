// The hash shared by route hash_policy (the key) and RING_HASH (host positions on the ring).
// Envoy uses xxHash64; a 32-bit FNV-1a keeps the key a small integer (no BigInt on the request path)
// and spreads well enough for ketama rings. Only consistency within one process matters.

/**
 * 32-bit FNV-1a of a string's UTF-16 code units, followed by murmur3's fmix32 finalizer, as an unsigned integer.
 * Plain FNV-1a barely moves the high bits when only the last character differs ("user-1", "user-2",
 * "<host>_17"), which bunched keys and ring points into a small arc; the finalizer spreads every bit.
 */
export function hash32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines two hashes (several hash_policy entries), as Envoy does by rotating and xoring. */
export function combineHash(a: number, b: number): number {
  return (((a << 1) | (a >>> 31)) ^ b) >>> 0;
}
