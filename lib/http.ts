// The one shape of an API route handler:
//   export const POST = withHandler({ body: Schema, response: Out }, async ({ body, actor, params }) => service(body, actor));
// withHandler authenticates (Bearer or session cookie), picks the environment the request acts on
// (lib/environment/request-environment.ts) and runs the handler in it, parses and validates input with zod, answers through
// the response schema of the API contract (lib/contract/), turns ApiError into {error:{code,message}} JSON and
// anything unexpected, a response that breaks the contract included, into a logged 500 with a generic message.
import { z } from "zod";
import { ApiError, badRequest, unauthorized } from "./errors";
import { authenticate } from "./auth";
import { inEnvironment } from "./environment/scope";
import { requestEnvironment } from "./environment/request-environment";

const MAX_BODY = 5 * 1024 * 1024;

export interface HandlerContext<B, Q> {
  req: Request;
  /** who is calling ("admin"); "anonymous" only for handlers declared with auth:false */
  actor: string;
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
  return new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
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
  opts: { body?: BS; query?: QS; response?: RS; auth?: boolean },
  fn: (ctx: HandlerContext<BS extends z.ZodType ? z.infer<BS> : undefined, QS extends z.ZodType ? z.infer<QS> : Record<string, string>>) => Promise<Answer<RS>>,
) {
  return async (req: Request, routeCtx?: RouteCtx): Promise<Response> => {
    try {
      let actor = "anonymous";
      if (opts.auth !== false) {
        const who = authenticate(req.headers);
        if (!who) throw unauthorized();
        actor = who;
      }
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
      const out: unknown = await inEnvironment(env, () => fn({ req, actor, body, query, params } as never));
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
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err);
      console.error(`[api] ${req.method} ${safePath(req.url)} failed:`, err);
      return json({ error: { code: "internal", message: "internal server error" } }, 500);
    }
  };
}

function safePath(u: string): string {
  try {
    return new URL(u).pathname;
  } catch {
    return "?";
  }
}
