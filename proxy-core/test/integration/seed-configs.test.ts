// The seed tutorials' Envoy bootstraps (test/fixtures/seed-configs/, see its README) through the real CLI:
// 000-first … 000-fourth validate and run as Envoy ran them, with real upstreams on the seed ports when those
// are free (else on free ports, in a temp copy); 000-fifth's v2 tls_context is refused in one line; 002's only
// remaining refusal, if any, is its ext_authz HTTP filter (another change brings that filter).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort, runCli, settled } from "../fixtures/cli";
import { request, waitFor, type Reply } from "./harness";

const SEEDS = path.resolve(__dirname, "../fixtures/seed-configs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-seeds-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const seed = (name: string) => fs.readFileSync(path.join(SEEDS, name), "utf8").replaceAll("@CERTS@", tmp);

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** The seed's ports as they are when all are free, else each moved to a free port; and the file to run. */
async function placed(name: string): Promise<{ file: string; port: (seedPort: number) => number }> {
  const text = seed(name);
  const ports = [...new Set([...text.matchAll(/port_value: (\d+)/g)].map((m) => Number(m[1])))];
  const free = (await Promise.all(ports.map(isFree))).every(Boolean);
  const map = new Map<number, number>();
  for (const p of ports) map.set(p, free ? p : await freePort());
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text.replace(/port_value: (\d+)/g, (_, p: string) => `port_value: ${map.get(Number(p))}`));
  return { file, port: (p) => map.get(p)! };
}

async function validate(name: string) {
  const file = path.join(tmp, `validate-${name}`);
  fs.writeFileSync(file, seed(name));
  const p = runCli(["--mode", "validate", "-c", file], { stdout: "pipe" });
  const code = await settled(p);
  return { code, stdout: p.stdout(), problems: p.stderr().split("\n").filter((l) => l && !/^\S+ proxy-core: /.test(l)), file };
}

/** Upstreams answering `<name>` on the given ports, then the seed under `proxy-core -c`. */
async function run(name: string, upstreams: Record<number, string>, delayMs = 0) {
  const { file, port } = await placed(name);
  for (const [seedPort, label] of Object.entries(upstreams)) {
    const u = http.createServer((req, res) => setTimeout(() => res.end(`${label} ${req.url}`), delayMs));
    await new Promise<void>((r) => u.listen(port(Number(seedPort)), "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => (u.closeAllConnections(), u.close(() => r()))));
  }
  const p = runCli(["-c", file, "--drain-time-s", "0"]);
  cleanups.push(() => p.kill());
  await waitFor(() => /started from/.test(p.stderr()) || p.child.exitCode !== null, `${name} to start`);
  expect(p.stderr()).toMatch(/started from/);
  return { listener: port(8080) };
}

describe("seed configs", () => {
  it.concurrent.each(["000-first.yaml", "000-second.yaml", "000-third.yaml", "000-fourth.yaml"])("%s validates as Envoy ran it", async (name) => {
    const r = await validate(name);
    expect(r.problems).toEqual([]);
    expect(r.stdout).toBe(`configuration '${r.file}' OK\n`);
    expect(r.code).toBe(0);
  });

  it.concurrent("000-fifth.yaml: the v2 tls_context is refused in one line", async () => {
    const r = await validate("000-fifth.yaml");
    expect(r.code).toBe(1);
    expect(r.problems).toEqual(["static_resources.listeners[0].filter_chains[0].tls_context: tls_context is Envoy's v2 field, which the v3 API removed: use transport_socket (envoy.transport_sockets.tls with a DownstreamTlsContext or UpstreamTlsContext)"]);
  });

  it.concurrent("002-front-envoy.yaml: anything still refused is the ext_authz HTTP filter alone", async () => {
    const r = await validate("002-front-envoy.yaml");
    if (r.code === 0) return;
    expect(r.problems.length).toBeGreaterThan(0);
    for (const line of r.problems) expect(line).toMatch(/^static_resources\.listeners\[\d\]\.filter_chains\[0\]\.filters\[0\]\.typed_config\.http_filters\[0\].*envoy\.filters\.http\.ext_authz/);
  });

  it("000-first: /first is proxied with Envoy's headers, anything else is the 403 direct response", async () => {
    const { listener } = await run("000-first.yaml", { 8081: "first" });
    const r = await request(listener, "/first/a");
    expect(r.status).toBe(200);
    expect(r.body).toBe("first /first/a");
    expect(r.headers.server).toBe("envoy");
    expect(r.headers["x-envoy-upstream-service-time"]).toMatch(/^\d+$/);
    const denied = await request(listener, "/other");
    expect([denied.status, denied.body]).toEqual([403, "{'Message': 'Not Allowed'}"]);
  });

  it("000-second: round robin alternates between the two endpoints", async () => {
    const { listener } = await run("000-second.yaml", { 8081: "a", 8181: "b" });
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await request(listener, "/first")).body);
    expect(new Set(bodies)).toEqual(new Set(["a /first", "b /first"]));
  });

  it("000-third: /first and /second go to their own clusters; other paths get 403", async () => {
    const { listener } = await run("000-third.yaml", { 8081: "first", 8181: "first", 8082: "second", 8182: "second" });
    expect((await request(listener, "/first")).body).toBe("first /first");
    expect((await request(listener, "/second")).body).toBe("second /second");
    expect((await request(listener, "/")).status).toBe(403);
  });

  it("000-fourth: the single-map thresholds hold, so concurrent requests overflow with 503", async () => {
    const { listener } = await run("000-fourth.yaml", { 8081: "first", 8181: "first", 8082: "second", 8182: "second" }, 300);
    const replies = await Promise.all(Array.from({ length: 8 }, () => request(listener, "/first").catch((): Reply => ({ status: 0, headers: {}, body: "" }))));
    const statuses = replies.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    expect(replies.find((r) => r.status === 503)!.headers["x-envoy-overloaded"]).toBe("true");
  });
});
