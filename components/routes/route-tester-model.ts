// The route tester's form → the body of POST /api/routes/explain, with the errors a person can fix before asking:
// a URL pasted into Host is split into host, path and TLS; headers are `name: value` entries, one per line or
// separated by `;` (a `;` inside a value, as in a cookie, stays: only `; name:` starts a new entry).
import type { ExplainBody } from "@/lib/contract/explain";

export interface TesterForm {
  method: string;
  host: string;
  path: string;
  headers: string;
  /** "" for the default (the first HTTP listener) */
  listener: string;
  tls: boolean;
}

export const EMPTY_TESTER: TesterForm = { method: "GET", host: "", path: "/", headers: "", listener: "", tls: false };

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type HeaderParse = { ok: true; headers: { name: string; value: string }[] } | { ok: false; error: string };

export function parseHeaders(text: string): HeaderParse {
  const entries = text
    .split(/\r?\n|;\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*:)/)
    .map((e) => e.trim())
    .filter((e) => e !== "");
  const headers: { name: string; value: string }[] = [];
  for (const e of entries) {
    const colon = e.indexOf(":", 1);
    const name = colon < 0 ? e : e.slice(0, colon).trim();
    if (colon < 0 || !TOKEN.test(name)) return { ok: false, error: `“${e}” is not a header: write name: value` };
    headers.push({ name, value: e.slice(colon + 1).trim() });
  }
  return { ok: true, headers };
}

export type FormCheck = { ok: true; body: ExplainBody; form: TesterForm } | { ok: false; field: "host" | "path" | "headers"; error: string };

/** The body to send; `form` is what the fields should show afterwards (a pasted URL split into its parts). */
export function toExplainBody(input: TesterForm): FormCheck {
  const f = { ...input, host: input.host.trim(), path: input.path.trim() || "/" };
  if (/^https?:\/\//i.test(f.host)) {
    try {
      const u = new URL(f.host);
      f.tls = u.protocol === "https:";
      f.path = u.pathname + u.search;
      f.host = u.host;
    } catch {
      return { ok: false, field: "host", error: "not a valid URL" };
    }
  } else if (f.host.includes("/")) {
    // "api.example.com/v1/users": the host, then the path
    const slash = f.host.indexOf("/");
    f.path = f.host.slice(slash);
    f.host = f.host.slice(0, slash);
  }
  if (f.host === "") return { ok: false, field: "host", error: "the Host header to route on, e.g. api.example.com" };
  if (/\s/.test(f.host)) return { ok: false, field: "host", error: "a host has no spaces" };
  if (!f.path.startsWith("/")) return { ok: false, field: "path", error: "a path starts with /" };
  const h = parseHeaders(f.headers);
  if (!h.ok) return { ok: false, field: "headers", error: h.error };
  return {
    ok: true,
    form: f,
    body: { method: f.method, host: f.host, path: f.path, headers: h.headers, tls: f.tls, ...(f.listener ? { listener: f.listener } : {}) },
  };
}

/** Percent with at most one decimal: 0.3333 → "33.3%". */
export function percent(p: number): string {
  return `${Math.round(p * 1000) / 10}%`;
}
