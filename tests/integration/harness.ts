// Test harness: the real console (node --import tsx server.ts, production build) with its bundled worker,
// real node:http upstreams, free ports, and a small API client. Every process is killed by PID.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { ErrorBody } from "../../lib/contract/common";
import { startUpstream as startKitUpstream, type Upstream } from "../../proxy-core/test/kit/upstream";
import { ConsoleProcess, assertBuilt, freePort, type ConsoleOpts } from "../support/console-process";

export { ConsoleProcess, ROOT, assertBuilt, freePort, isAlive, killLeftoverWorker, sleep, tail, waitFor, workerPidOf, type ConsoleOpts, type WaitDiagnosis, type WaitOptions } from "../support/console-process";
export type { Upstream };

/** A real upstream on 127.0.0.1 (proxy-core/test/kit/upstream.ts): answers `<name> <url>`, or whatever `handler` does. */
export function startUpstream(name: string, handler?: http.RequestListener): Promise<Upstream> {
  return startKitUpstream({ body: (req) => `${name} ${req.url}`, handler });
}

export function tmpDir(prefix: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The real console (production build) started on a fresh data directory named after `prefix`, with free ports and
 * `token` as its bootstrap admin token; the caller stops it and removes `dataDir`.
 */
export async function startTestConsole(prefix: string, token: string, opts: Partial<ConsoleOpts> = {}): Promise<{ proc: ConsoleProcess; dataDir: string }> {
  assertBuilt();
  const dataDir = tmpDir(prefix);
  const proc = new ConsoleProcess({ dataDir, port: await freePort(), token, starterPort: await freePort(), workerAdminPort: await freePort(), ...opts });
  await proc.start();
  return { proc, dataDir };
}

/** One answer of the console API. `json` is the body parsed as JSON (undefined when empty or not JSON): read it through `parsed`. */
export interface ApiAnswer {
  method: string;
  path: string;
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

/**
 * The body of `r` parsed with its schema from the API contract (lib/contract/*), so a test that reads an answer
 * checks it too. A body the schema refuses fails the test with the request, the status and the text.
 */
export function parsed<S extends z.ZodType>(r: ApiAnswer, schema: S): z.output<S> {
  const p = schema.safeParse(r.json);
  if (p.success) return p.data;
  throw new Error(`${r.method} ${r.path} answered ${r.status} with a body its schema refuses:\n${z.prettifyError(p.error)}\nbody: ${r.text.slice(0, 2000)}`);
}

/** The ErrorBody of a non-2xx answer (`error.code`, `error.message`, and for 422 `errors` with field paths). */
export function errorBody(r: ApiAnswer): ErrorBody {
  if (r.status < 400) throw new Error(`${r.method} ${r.path} answered ${r.status}, not an error: ${r.text.slice(0, 2000)}`);
  return parsed(r, ErrorBody);
}

/**
 * A client for the console API: `call(method, path, body?, headers?)` answers the raw ApiAnswer, and
 * `call.as(Schema, method, path, body?, headers?)` the body parsed with `Schema` (see `parsed`).
 */
export function api(base: string, token: string | null) {
  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const r = await fetch(base + p, { method, headers: h, body: payload });
    const text = await r.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { method, path: p, status: r.status, json, text, headers: r.headers };
  };
  const as = async <S extends z.ZodType>(schema: S, method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<z.output<S>> =>
    parsed(await call(method, p, body, headers), schema);
  return Object.assign(call, { as });
}

/** GET through the proxy; resolves with status and body (no keep-alive, so each request is independent). */
export function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: p, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
  });
}

