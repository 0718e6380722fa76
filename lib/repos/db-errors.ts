// What a database error means for the caller, so the API answers it as a client can act on: a write that lost a
// race with another console replica (a unique key taken meanwhile, a write conflict) is a 409 to retry, and a
// database that cannot be reached (PostgreSQL restarting, the network to it down) is a 503, not a 500.
// Prisma error codes: Prisma docs, "Error message reference" (P1001 can't reach the server, P1017 the server
// closed the connection, P2002 unique constraint failed, P2024 connection pool timeout, P2034 write conflict or
// deadlock). Driver-adapter errors carry the driver's message, so the pg and libpq wordings are matched too.
import { ApiError } from "../errors";

const CONFLICT_CODES = new Set(["P2002", "P2034"]);
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|server closed the connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database|Connection ended|timeout exceeded when trying to connect|DatabaseNotReachable/i;

function codeOf(e: unknown): string | null {
  const c = e && typeof e === "object" && "code" in e ? (e as { code: unknown }).code : null;
  return typeof c === "string" ? c : null;
}

function textOf(e: unknown): string {
  if (!(e instanceof Error)) return "";
  const cause = (e as Error & { cause?: unknown }).cause;
  return `${e.message} ${cause instanceof Error ? cause.message : ""}`;
}

/** The API error a database failure stands for, or null when it is none of those (a bug: a 500). */
export function apiErrorForDb(e: unknown): ApiError | null {
  const code = codeOf(e);
  if (code !== null && CONFLICT_CODES.has(code))
    return new ApiError(409, "concurrent_change", "another change to the same data landed at the same moment (perhaps through another console replica): reload and try again");
  if ((code !== null && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_TEXT.test(textOf(e)))
    return new ApiError(503, "database_unavailable", "the console cannot reach its database right now; try again in a few seconds");
  return null;
}
