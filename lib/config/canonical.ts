// Canonical JSON (object keys sorted recursively, arrays in order, no whitespace) and its sha256:
// the identity of a snapshot (ConfigVersion.hash) and of the draft (draftHash).
import { createHash } from "node:crypto";

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** sha256 of the canonical JSON of `{listeners, clusters}`. */
export function hashResources(resources: { listeners: unknown[]; clusters: unknown[] }): string {
  return sha256(canonicalJson({ listeners: resources.listeners, clusters: resources.clusters }));
}
