// Field errors keyed by Envoy path ("match.prefix", "load_assignment.endpoints[0]…port_value"),
// from the client-side zod check or from the server's 422 `errors:[{path,message}]`.
import type { z } from "zod";
import type { FieldError } from "@/components/queries/api-client";

export type ErrorMap = Map<string, string[]>;

export function zodPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

export function fromZod(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: zodPath(i.path), message: i.message }));
}

export function toErrorMap(errors: FieldError[]): ErrorMap {
  const m: ErrorMap = new Map();
  for (const e of errors) m.set(e.path, [...(m.get(e.path) ?? []), e.message]);
  return m;
}

/**
 * Takes the messages for a field: exact path matches, plus (with `deep`) anything below it.
 * Each message is claimed once, so leftovers can be listed in a summary.
 */
export class ErrorClaims {
  private claimed = new Set<string>();
  constructor(private readonly map: ErrorMap) {}

  get(path: string, deep = false): string | undefined {
    const out: string[] = [];
    for (const [p, msgs] of this.map) {
      if (p === path || (deep && (p.startsWith(path + ".") || p.startsWith(path + "[")))) {
        this.claimed.add(p);
        out.push(...msgs);
      }
    }
    return out.length ? out.join("; ") : undefined;
  }

  rest(): FieldError[] {
    const out: FieldError[] = [];
    for (const [p, msgs] of this.map) if (!this.claimed.has(p)) for (const m of msgs) out.push({ path: p, message: m });
    return out;
  }
}

/** "" → undefined, "12" → 12, anything else → NaN (reported as a field error). */
export function parseIntField(s: string): number | undefined {
  const t = s.trim();
  if (!t) return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : NaN;
}
