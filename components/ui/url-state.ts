// Page state kept in the URL's query string, so a filtered view is a link. Written with history.replaceState,
// which Next.js's router picks up without a server round trip.

export function readParams<K extends string>(params: { get(k: string): string | null }, keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>;
}

export function writeParams(values: Record<string, string>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v.trim()) q.set(k, v.trim());
  const s = q.toString();
  window.history.replaceState(null, "", s ? `?${s}` : window.location.pathname);
}
