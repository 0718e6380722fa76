// The one way components talk to the console API: same-origin fetch with the session cookie, JSON in and
// out, every success body parsed with its schema from the API contract (lib/contract/), and every non-2xx
// turned into an ApiError carrying the server's code, message and (for 422) the field errors. A 401 sends
// the browser to /login and back afterwards.
import type { z } from "zod";
import { ErrorBody, type FieldError } from "@/lib/contract/common";

export type { FieldError };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function loginUrl(): string {
  if (typeof window === "undefined") return "/login";
  const back = window.location.pathname + window.location.search;
  return `/login?next=${encodeURIComponent(back)}`;
}

async function request<S extends z.ZodType | null>(method: string, path: string, schema: S, body?: unknown): Promise<S extends z.ZodType ? z.output<S> : null> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
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
    throw new ApiError(res.status, err.data.error.code, err.data.error.message, err.data.errors ?? []);
  }
  if (schema === null) return null as never;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ApiError(res.status, "CONTRACT", `${method} ${path} answered an unexpected shape (${i ? `${i.path.join(".") || "body"}: ${i.message}` : "?"})`);
  }
  return parsed.data as never;
}

/** Each call names the schema its answer must match (null: the body is ignored, e.g. 204). */
export const api = {
  get: <S extends z.ZodType>(path: string, schema: S) => request("GET", path, schema),
  post: <S extends z.ZodType | null>(path: string, body: unknown, schema: S) => request("POST", path, schema, body ?? {}),
  put: <S extends z.ZodType | null>(path: string, body: unknown, schema: S) => request("PUT", path, schema, body),
  del: (path: string) => request("DELETE", path, null),
};

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
