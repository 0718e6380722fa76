// Reading and editing the flat [name, value, …] header lists HTTP filters see (the request's `s.headers`, a
// response's `head.headers`). Names keep the case they arrived in and are compared without it; `lowerName` is
// always given lower-case. Nothing here allocates unless it edits.

/** Index of the first header called `lowerName`, -1 when absent. */
export function findHeader(h: readonly string[], lowerName: string): number {
  const n = lowerName.length;
  for (let i = 0; i < h.length; i += 2) if (h[i].length === n && h[i].toLowerCase() === lowerName) return i;
  return -1;
}

/** The first value of `lowerName` (Envoy reads one value of the headers filters look at), or null. */
export function getHeader(h: readonly string[], lowerName: string): string | null {
  const i = findHeader(h, lowerName);
  return i < 0 ? null : h[i + 1];
}

export function removeHeader(h: string[], lowerName: string) {
  const n = lowerName.length;
  for (let i = h.length - 2; i >= 0; i -= 2) if (h[i].length === n && h[i].toLowerCase() === lowerName) h.splice(i, 2);
}

/** Replaces every `lowerName` with one `value` (Envoy's HeaderMap::setCopy / setInline). */
export function setHeader(h: string[], lowerName: string, value: string) {
  const i = findHeader(h, lowerName);
  if (i < 0) return void h.push(lowerName, value);
  h[i + 1] = value;
  for (let j = h.length - 2; j > i; j -= 2) if (h[j].length === lowerName.length && h[j].toLowerCase() === lowerName) h.splice(j, 2);
}

/** Whether a comma-separated header value lists `token` (case-insensitive, spaces around tokens ignored). */
export function hasToken(value: string, token: string): boolean {
  for (const t of value.split(",")) if (t.trim().toLowerCase() === token) return true;
  return false;
}
