// Request heads for the console's impact preview with --concurrency 2: node:cluster workers accept the
// connections and record the heads; the primary turns their sampling on while it follows a console, merges
// what they report, and its xDS client sends it on. A real `proxy-core` process and a small console on a socket.
import { afterAll, afterEach, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cluster, listener, request, startUpstream, waitFor } from "./harness";
import { freePort, runCli } from "../fixtures/cli";
import { FakeConsole } from "../fixtures/fake-console";
import { RequestSampleMessage } from "../../src/protocol";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-sample-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it("with --concurrency 2 the heads every worker process recorded reach the console", async () => {
  const u = await startUpstream((_req, res) => res.end("ok"));
  cleanups.push(() => u.close());
  const [port, consolePort] = [await freePort(), await freePort()];
  const c = await FakeConsole.start(consolePort, cleanups);
  const p = runCli(["--control-plane", `ws://127.0.0.1:${consolePort}/ws/worker`, "--node-id", "edge-1", "--admin-address", "127.0.0.1:0", "--concurrency", "2"]);
  cleanups.push(() => p.kill());
  await waitFor(() => c.of("hello").length > 0, "hello", 20_000);
  const routes = [{ match: { prefix: "/", headers: [{ name: "x-team", present_match: true }] }, route: { cluster: "svc" } }, { match: { prefix: "/" }, route: { cluster: "svc" } }];
  c.push("v1", 1, { listeners: [listener("main", routes, { port })], clusters: [cluster("svc", [u.port])] });
  await waitFor(() => c.of("ack").length > 0, "ack of v1", 20_000);

  const sent = Array.from({ length: 40 }, (_, i) => `/p/${i}?q=${i}`);
  for (const pth of sent) expect((await request(port, pth, { headers: { "x-team": "blue", authorization: "secret" } })).status).toBe(200);
  const seen = new Map<string, string[]>();
  await waitFor(() => {
    for (const m of c.of("request_sample")) for (const l of RequestSampleMessage.parse(m).listeners) for (const h of l.heads) seen.set(h.path, h.headers);
    return sent.every((s) => seen.has(s));
  }, "all 40 heads at the console", 30_000);
  // only what routes match on leaves the worker, and a header only required to be present goes without its value
  expect(seen.get(sent[0])).toEqual(["x-team", ""]);
});
