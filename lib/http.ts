// The one shape of an API route handler:
//   export const POST = withHandler({ body: Schema, response: Out }, async ({ body, actor, params }) => service(body, actor));
// withHandler authenticates (lib/auth.ts resolveActor: bootstrap token, API token, session cookie), checks the
// role the route needs (`role`; default viewer for GET/HEAD, editor otherwise) and, for a write carrying the
// session cookie, that it comes from the console's own origin (CSRF), picks the environment the request acts on
// (lib/environment/request-environment.ts), checks that an editor limited to some environments may change it (or
// the one the route says it changes, `environment`: lib/environment/environment-access.ts) and runs the handler in it, parses and validates input with zod, answers through
// the response schema of the API contract (lib/contract/), turns ApiError into {error:{code,message}} JSON and
// anything unexpected, a response that breaks the contract included, into a logged 500 with a generic message.
import { z } from "zod";
import { ApiError, badRequest, unauthorized } from "./errors";
import { resolveActor, bearerToken } from "./auth";
import { hasRole, type Actor, type Role } from "./actor";
import { asActor } from "./actor-scope";
import { sameOriginRequest, requestSource } from "./accounts/request-source";
import { inEnvironment } from "./environment/scope";
import { requestEnvironment } from "./environment/request-environment";
import { checkEnvironmentAccess, limitedTo } from "./environment/environment-access";
import { apiErrorForDb } from "./repos/db-errors";

const MAX_BODY = 5 * 1024 * 1024;

/** The actor of an unauthenticated request to a handler declared with auth:false. */
export const ANONYMOUS: Actor = { kind: "system", id: "anonymous", name: "anonymous", role: "viewer", sessionId: null, source: null, teams: [] };

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The role a route needs unless it declares one: reading is for viewers, changing anything for editors. */
export function defaultRole(method: string): Role {
  return READS.has(method.toUpperCase()) ? "viewer" : "editor";
}

/**
 * A write that the browser's ambient credential (the session cookie) would authenticate must come from the
 * console's own pages; a Bearer request carries its credential explicitly, so another site cannot forge it.
 */
function checkCsrf(req: Request): void {
  if (READS.has(req.method.toUpperCase())) return;
  if (bearerToken(req.headers.get("authorization"))) return;
  if (!/(?:^|;\s*)signalbox_session=/.test(req.headers.get("cookie") ?? "")) return;
  if (!sameOriginRequest(req))
    throw new ApiError(403, "csrf", "cross-site request refused: a write with the session cookie must come from the console's own origin (see SIGNALBOX_TRUSTED_ORIGINS)");
}

export interface HandlerContext<B, Q> {
  req: Request;
  /** who is calling; for handlers declared with auth:false, whoever the request carries or ANONYMOUS */
  actor: Actor;
  /** the signed-in account when the session cookie authenticated the request */
  user: { id: string; email: string; name: string } | null;
  body: B;
  query: Q;
  params: Record<string, string>;
}

type RouteCtx = { params: Promise<Record<string, string | string[] | undefined>> };

/** A success body with a status other than 200 (or extra headers), still checked against the response schema. */
export class Reply<T> {
  constructor(
    readonly body: T,
    readonly status = 200,
    readonly headers?: HeadersInit,
    /** the member of a union `response` this body is: checked against it alone (see replyAs) */
    readonly schema?: z.ZodType,
  ) {}
}
export const reply = <T>(body: T, status = 200, headers?: HeadersInit) => new Reply(body, status, headers);
/**
 * A body of the one shape `schema` of a handler's union `response`, which the request picked (the diff endpoints'
 * query: the whole diff, without its sides, or one change). Checked against that shape only: a union tries its
 * members in turn, and a 10,000-change diff failing one member first costs several times checking the right one.
 */
export const replyAs = <S extends z.ZodType>(schema: S, body: z.input<S>, status = 200, headers?: HeadersInit) => new Reply(body, status, headers, schema);

type Answer<RS> = RS extends z.ZodType ? z.input<RS> | Reply<z.input<RS>> | Response : unknown;

export function json(data: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  // appended one by one: a Headers may carry several Set-Cookie values, which spreading it into a record would lose
  for (const [k, v] of new Headers(headers)) {
    if (k === "set-cookie") h.append(k, v);
    else h.set(k, v);
  }
  return new Response(JSON.stringify(data), { status, headers: h });
}

export function noContent(headers?: HeadersInit): Response {
  return new Response(null, { status: 204, headers });
}

export function errorResponse(err: ApiError): Response {
  return json({ error: { code: err.code, message: err.message }, ...(err.extra ?? {}) }, err.status);
}

function zodMessage(error: z.ZodError, where: string): string {
  return (
    `invalid ${where}: ` +
    error.issues
      .map((i) => `${i.path.length ? i.path.map(String).join(".") + ": " : ""}${i.message}`)
      .join("; ")
  );
}

/** Reads the request body as text, refusing oversized bodies (413). */
export async function readText(req: Request): Promise<string> {
  const len = Number(req.headers.get("content-length") ?? 0);
  if (len > MAX_BODY) throw new ApiError(413, "payload_too_large", `request body exceeds ${MAX_BODY} bytes`);
  const text = await req.text();
  if (text.length > MAX_BODY) throw new ApiError(413, "payload_too_large", `request body exceeds ${MAX_BODY} bytes`);
  return text;
}

/** Parses a JSON body; malformed JSON is a 400 with the parser's message. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await readText(req);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`malformed JSON body: ${(e as Error).message}`);
  }
}

export function withHandler<
  BS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  RS extends z.ZodType | undefined = undefined,
>(
  opts: {
    body?: BS; query?: QS; response?: RS; auth?: boolean; role?: Role;
    /** the environment a write changes when it is not the one the request acts on (a promotion's target); null: that one */
    environment?: (ctx: { params: Record<string, string>; body: BS extends z.ZodType ? z.infer<BS> : undefined }) => Promise<string | null> | string | null;
  },
  fn: (ctx: HandlerContext<BS extends z.ZodType ? z.infer<BS> : undefined, QS extends z.ZodType ? z.infer<QS> : Record<string, string>>) => Promise<Answer<RS>>,
) {
  return async (req: Request, routeCtx?: RouteCtx): Promise<Response> => {
    try {
      checkCsrf(req);
      const who = await resolveActor(req.headers);
      const need = opts.role ?? defaultRole(req.method);
      if (opts.auth !== false) {
        if (!who) throw unauthorized("sign in, or send a valid token as Authorization: Bearer");
        if (!hasRole(who.actor, need))
          throw new ApiError(403, "forbidden", `${req.method} ${safePath(req.url)} needs the ${need} role; you are ${/^[aeiou]/.test(who.actor.role) ? "an" : "a"} ${who.actor.role}`);
      }
      const actor: Actor = who?.actor ?? { ...ANONYMOUS, source: requestSource(req.headers) };
      const user = who?.user ?? null;
      // what needs more than the viewer role changes the environment it acts on
      const answer = await answerFor(req, opts, actor, user, routeCtx, fn, opts.auth !== false && need !== "viewer");
      return withCookies(answer, who?.setCookies ?? []);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err);
      const db = apiErrorForDb(err);
      if (db) {
        console.error(`[api] ${req.method} ${safePath(req.url)}: ${db.code}: ${(err as Error).message.split("\n")[0]}`);
        return errorResponse(db);
      }
      console.error(`[api] ${req.method} ${safePath(req.url)} failed:`, err);
      return json({ error: { code: "internal", message: "internal server error" } }, 500);
    }
  };
}

/** Passes on Set-Cookie values (a session better-auth extended); a handler's own Response may have immutable headers. */
function withCookies(res: Response, setCookies: string[]): Response {
  if (!setCookies.length) return res;
  const headers = new Headers(res.headers);
  for (const c of setCookies) headers.append("set-cookie", c);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

type AnyOpts = { body?: z.ZodType; query?: z.ZodType; response?: z.ZodType; environment?: (ctx: never) => Promise<string | null> | string | null };

async function answerFor(
  req: Request,
  opts: AnyOpts,
  actor: Actor,
  user: HandlerContext<unknown, unknown>["user"],
  routeCtx: RouteCtx | undefined,
  fn: (ctx: never) => Promise<unknown>,
  writes: boolean,
): Promise<Response> {
  const rawParams = (await routeCtx?.params) ?? {};
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawParams)) if (typeof v === "string") params[k] = v;

  const url = new URL(req.url);
  const rawQuery = Object.fromEntries(url.searchParams.entries());
  let query: unknown = rawQuery;
  if (opts.query) {
    const r = opts.query.safeParse(rawQuery);
    if (!r.success) throw badRequest(zodMessage(r.error, "query"));
    query = r.data;
  }
  let body: unknown = undefined;
  if (opts.body) {
    const raw = await readJson(req);
    const r = opts.body.safeParse(raw ?? {});
    if (!r.success) throw badRequest(zodMessage(r.error, "body"));
    body = r.data;
  }
  const env = await requestEnvironment(req);
  if (writes && limitedTo(actor)) {
    const changed = (await opts.environment?.({ params, body } as never)) ?? env;
    checkEnvironmentAccess(actor, changed, `${req.method} ${safePath(req.url)}`);
  }
  const out: unknown = await asActor(actor, () => inEnvironment(env, () => fn({ req, actor, user, body, query, params } as never)));
  if (out instanceof Response) return out;
  const r = out instanceof Reply ? out : new Reply(out);
  const schema = r.schema ?? opts.response;
  if (!schema) return json(r.body ?? null, r.status, r.headers);
  const checked = schema.safeParse(r.body);
  if (!checked.success) {
    console.error(`[api] ${req.method} ${safePath(req.url)}: the response breaks the API contract: ${zodMessage(checked.error, "response")}`);
    return json({ error: { code: "internal", message: "internal server error" } }, 500);
  }
  return json(checked.data ?? null, r.status, r.headers);
}

function safePath(u: string): string {
  try {
    return new URL(u).pathname;
  } catch {
    return "?";
  }
}
