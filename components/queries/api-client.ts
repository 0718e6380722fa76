// The one way components talk to the console API: same-origin fetch with the session cookie,
// JSON in and out, and every non-2xx turned into an ApiError carrying the server's code, message
// and (for 422) the field errors. A 401 sends the browser to /login and back afterwards.

export interface FieldError {
  path: string;
  message: string;
}

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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
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
    const err = (json as { error?: { code?: string; message?: string }; errors?: FieldError[] } | undefined) ?? {};
    if (res.status === 401 && typeof window !== "undefined" && !path.startsWith("/api/session")) {
      window.location.assign(loginUrl());
    }
    throw new ApiError(
      res.status,
      err.error?.code ?? `HTTP_${res.status}`,
      err.error?.message ?? (typeof json === "string" && json ? json.slice(0, 200) : res.statusText || `HTTP ${res.status}`),
      Array.isArray(err.errors) ? err.errors : [],
    );
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
  del: <T>(path: string) => request<T>("DELETE", path),
};

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
