// Test harness: the real console (node --import tsx server.ts, production build) with its bundled worker,
// real node:http upstreams, free ports, and a small API client. Every process is killed by PID.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export { ConsoleProcess, ROOT, assertBuilt, freePort, isAlive, killLeftoverWorker, sleep, tail, waitFor, workerPidOf, type ConsoleOpts, type WaitDiagnosis } from "../support/console-process";

/** A real upstream on 127.0.0.1: answers `<name> <url>`, or whatever `handler` does. */
export async function startUpstream(name: string, handler?: http.RequestListener): Promise<{ port: number; server: http.Server; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    if (handler) return handler(req, res);
    res.setHeader("content-type", "text/plain");
    res.end(`${name} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { port: (server.address() as net.AddressInfo).port, server, hits };
}

export function tmpDir(prefix: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function api(base: string, token: string | null) {
  return async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const r = await fetch(base + p, { method, headers: h, body: payload });
    const text = await r.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text, headers: r.headers };
  };
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

