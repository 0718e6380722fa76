// The one way components talk to the console API: same-origin fetch with the session cookie, JSON in and
// out, every success body parsed with its schema from the API contract (lib/contract/), and every non-2xx
// turned into an ApiError carrying the server's code, message, (for 422) the field errors and its whole body.
// A 401 sends the browser to /login and back afterwards. Draft reads and writes also carry the draft's
// revision: read from the ETag of the answer, sent back as If-Match on a write.
import type { z } from "zod";
import { ErrorBody, type FieldError } from "@/lib/contract/common";
import { DraftConflict, DraftDirty } from "@/lib/contract/draft";

export type { FieldError };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldError[] = [],
    /** the parsed error body, for answers that carry more than the message (409 conflicts) */
    readonly body: unknown = undefined,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** An answer with the draft revision its ETag named (null when it had none). */
export interface Revisioned<T> {
  data: T;
  revision: number | null;
}

/** `"r12"` (or `W/"r12"`) → 12. */
export function revisionOfEtag(etag: string | null): number | null {
  const m = etag ? /^(?:W\/)?"r(\d+)"$/.exec(etag.trim()) : null;
  return m ? Number(m[1]) : null;
}

/** The 409 of a write made on an older draft revision: what changed since, and by whom. Null for any other error. */
export function draftConflictOf(e: unknown): DraftConflict | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  const r = DraftConflict.safeParse(e.body);
  return r.success ? r.data : null;
}

/** The 409 draft_dirty of a rollback: the unpublished changes it would discard. */
export function draftDirtyOf(e: unknown): DraftDirty | null {
  if (!(e instanceof ApiError) || e.status !== 409 || e.code !== "draft_dirty") return null;
  const r = DraftDirty.safeParse(e.body);
  return r.success ? r.data : null;
}

/**
 * Where a failed draft-editor save goes: a 409 on a stale revision to the conflict notice (reload and reapply),
 * a 422's field errors next to their fields, anything else to the banner.
 */
export function routeSaveError(e: unknown, to: { conflict: (c: DraftConflict) => void; fields: (errors: FieldError[]) => void; banner: (message: string) => void }): void {
  const c = draftConflictOf(e);
  if (c) to.conflict(c);
  else if (e instanceof ApiError && e.fieldErrors.length) to.fields(e.fieldErrors);
  else to.banner(errorMessage(e));
}

export function loginUrl(): string {
  if (typeof window === "undefined") return "/login";
  const back = window.location.pathname + window.location.search;
  return `/login?next=${encodeURIComponent(back)}`;
}

async function send<S extends z.ZodType | null>(
  method: string,
  path: string,
  schema: S,
  body?: unknown,
  ifMatch?: number | null,
): Promise<Revisioned<S extends z.ZodType ? z.output<S> : null>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (ifMatch !== undefined && ifMatch !== null) headers["if-match"] = `"r${ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, "NETWORK", `Cannot reach the console (${(e as Error).message})`);
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && typeof window !== "undefined" && !path.startsWith("/api/session")) {
      window.location.assign(loginUrl());
    }
    const err = ErrorBody.safeParse(json);
    if (!err.success) throw new ApiError(res.status, `HTTP_${res.status}`, typeof json === "string" && json ? json.slice(0, 200) : res.statusText || `HTTP ${res.status}`);
    throw new ApiError(res.status, err.data.error.code, err.data.error.message, err.data.errors ?? [], json);
  }
  const revision = revisionOfEtag(res.headers.get("etag"));
  if (schema === null) return { data: null as never, revision };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ApiError(res.status, "CONTRACT", `${method} ${path} answered an unexpected shape (${i ? `${i.path.join(".") || "body"}: ${i.message}` : "?"})`);
  }
  return { data: parsed.data as never, revision };
}

const request = async <S extends z.ZodType | null>(method: string, path: string, schema: S, body?: unknown) => (await send(method, path, schema, body)).data;

/** Each call names the schema its answer must match (null: the body is ignored, e.g. 204). */
export const api = {
  get: <S extends z.ZodType>(path: string, schema: S) => request("GET", path, schema),
  post: <S extends z.ZodType | null>(path: string, body: unknown, schema: S) => request("POST", path, schema, body ?? {}),
  put: <S extends z.ZodType | null>(path: string, body: unknown, schema: S) => request("PUT", path, schema, body),
  patch: <S extends z.ZodType | null>(path: string, body: unknown, schema: S) => request("PATCH", path, schema, body),
  del: (path: string) => request("DELETE", path, null),
  /** a draft read: the answer and the revision it shows */
  read: <S extends z.ZodType>(path: string, schema: S) => send("GET", path, schema),
  /** a draft write made on revision `ifMatch` (none: unconditional); answers the draft's new revision */
  write: <S extends z.ZodType | null>(method: "POST" | "PUT" | "DELETE", path: string, body: unknown, schema: S, ifMatch: number | null | undefined) =>
    send(method, path, schema, method === "DELETE" ? undefined : (body ?? {}), ifMatch),
};

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
