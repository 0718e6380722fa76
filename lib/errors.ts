// API errors: every non-2xx JSON body is {error:{code, message}} (+ errors:[{path,message}] for invalid configs).
import type { ConfigIssue } from "../proxy-core/src/config/index";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, "bad_request", message);
export const unauthorized = (message = "missing or invalid admin token") => new ApiError(401, "unauthorized", message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const conflict = (message: string) => new ApiError(409, "conflict", message);

/** 422: the config (or the resource submitted) is not valid; nothing was changed. */
export class InvalidConfigError extends ApiError {
  constructor(readonly errors: ConfigIssue[], message?: string) {
    super(422, "invalid_config", message ?? summarize(errors), { errors });
  }
}

function summarize(errors: ConfigIssue[]): string {
  const n = errors.length;
  const first = errors[0] ? `${errors[0].path ? errors[0].path + ": " : ""}${errors[0].message}` : "";
  return `invalid config (${n} problem${n === 1 ? "" : "s"})${first ? ": " + first : ""}${n > 1 ? " …" : ""}`;
}
