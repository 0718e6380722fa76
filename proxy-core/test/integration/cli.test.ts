// The real CLI (`bin/proxy-core.mjs`) as a child process: -c mode, --help, and control-plane mode against
// a small WebSocket console written here.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { WebSocketServer, type WebSocket } from "ws";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import { cluster, listener, request, startUpstream, waitFor } from "./harness";
import { PROTOCOL_VERSION, WorkerToConsole } from "../../src/protocol";

const BIN = path.resolve(__dirname, "../../bin/proxy-core.mjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-cli-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let out = "";
  child.stderr!.on("data", (d) => (err += d));
  child.stdout!.on("data", (d) => (out += d));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  return { child, stderr: () => err, stdout: () => out, exited };
}

function writeConfig(name: string, doc: unknown) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof doc === "string" ? doc : stringify(doc));
  return file;
}

describe("proxy-core CLI", () => {
  it("--help describes both modes", async () => {
    const p = run(["--help"]);
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain("-c FILE");
    expect(p.stdout()).toContain("--control-plane");
    expect(p.stdout()).toContain("--node-id");
  });

  it("-c with a bad config exits non-zero and prints one field path per problem", async () => {
    const bad = {
      static_resources: {
        listeners: [listener("l", [{ match: { prefix: "/" }, route: { cluster: "a" } }])],
        clusters: [cluster("a", [1]), { ...cluster("b", [2]), lb_policy: "MAGLEV", bogus: 1 }],
      },
    };
    const p = run(["-c", writeConfig("bad.yaml", bad)]);
    expect(await p.exited).toBe(1);
    const err = p.stderr();
    expect(err).toMatch(/^static_resources\.clusters\[1\]\.lb_policy: MAGLEV is not supported/m);
    expect(err).toMatch(/^static_resources\.clusters\[1\]\.bogus: /m);
  });

  it("-c with a good YAML serves traffic, exposes admin and exits 0 on SIGTERM", async () => {
    const u = await startUpstream((req, res) => res.end(`hello ${req.url}`));
    cleanups.push(() => u.close());
    const file = writeConfig("good.yaml", {
      admin: { address: { socket_address: { address: "127.0.0.1", port_value: 0 } } },
      static_resources: { listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], clusters: [cluster("svc", [u.port])] },
    });
    const p = run(["-c", file]);
    await waitFor(() => /listeners main=127\.0\.0\.1:\d+; admin 127\.0\.0\.1:\d+/.test(p.stderr()), "the worker to start");
    const [, port, adminPort] = /main=127\.0\.0\.1:(\d+); admin 127\.0\.0\.1:(\d+)/.exec(p.stderr())!.map(Number);
    const r = await request(port, "/x");
    expect(r.status).toBe(200);
    expect(r.body).toBe("hello /x");
    expect(r.headers["x-envoy-upstream-service-time"]).toBeDefined();
    expect((await request(adminPort, "/ready")).body).toBe("LIVE\n");
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("--control-plane: hello with bearer token, snapshot → ack and traffic follows; bad snapshot → nack, old config serves", async () => {
    const u = await startUpstream((_req, res) => res.end("from-upstream"));
    cleanups.push(() => u.close());
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", path: "/ws/worker" });
    await once(wss, "listening");
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    const messages: Record<string, unknown>[] = [];
    let auth: string | undefined;
    let socket: WebSocket | null = null;
    wss.on("connection", (ws, req) => {
      auth = req.headers.authorization;
      socket = ws;
      ws.on("message", (m) => messages.push(JSON.parse(String(m))));
    });
    const wsPort = (wss.address() as AddressInfo).port;
    const p = run(["--control-plane", `ws://127.0.0.1:${wsPort}/ws/worker`, "--node-id", "n1", "--admin-address", "127.0.0.1:0"], { PROXY_CORE_TOKEN: "sekret" });
    await waitFor(() => messages.some((m) => m.type === "hello"), "hello");
    expect(auth).toBe("Bearer sekret");
    const hello = messages.find((m) => m.type === "hello")!;
    expect(hello).toMatchObject({ protocol: PROTOCOL_VERSION, nodeId: "n1", appliedVersion: null });
    const adminPort = Number(String(hello.admin).split(":").pop());
    expect((await request(adminPort, "/ready")).status).toBe(503);

    const good = { listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], clusters: [cluster("svc", [u.port])] };
    socket!.send(JSON.stringify({ type: "snapshot", version: "v1", number: 1, nonce: "n-1", resources: good }));
    await waitFor(() => messages.some((m) => m.type === "ack"), "ack");
    expect(messages.find((m) => m.type === "ack")).toEqual({ type: "ack", version: "v1", nonce: "n-1" });
    const listeners = (await request(adminPort, "/listeners")).body;
    const port = Number(/main::127\.0\.0\.1:(\d+)/.exec(listeners)![1]);
    expect((await request(port, "/")).body).toBe("from-upstream");

    const bad = { listeners: good.listeners, clusters: [{ ...cluster("svc", [u.port]), lb_policy: "MAGLEV" }] };
    socket!.send(JSON.stringify({ type: "snapshot", version: "v2", number: 2, nonce: "n-2", resources: bad }));
    await waitFor(() => messages.some((m) => m.type === "nack"), "nack");
    const nack = messages.find((m) => m.type === "nack")!;
    expect(nack).toMatchObject({ version: "v2", nonce: "n-2", appliedVersion: "v1" });
    expect(String(nack.error)).toMatch(/clusters\[0\]\.lb_policy: MAGLEV is not supported/);
    expect((await request(port, "/")).body).toBe("from-upstream");
    expect(JSON.parse((await request(adminPort, "/config_dump")).body).version_info).toBe("v1");

    await waitFor(() => messages.some((m) => m.type === "stats" && (m.counters as Record<string, number>)["cluster.svc.upstream_rq_total"] === 2), "stats with the proxied requests");
    // latency travels as mergeable buckets, the hosts and breaker usage as a clusters report
    const withHist = messages.find((m) => m.type === "stats" && (m.histograms as Record<string, { n: number }>)["cluster.svc.upstream_rq_time"]);
    expect((withHist!.histograms as Record<string, { n: number; b: number[] }>)["cluster.svc.upstream_rq_time"]).toMatchObject({ n: expect.any(Number), b: expect.any(Array) });
    await waitFor(() => messages.some((m) => m.type === "clusters" && JSON.stringify(m).includes(`127.0.0.1:${u.port}`)), "a clusters report");
    const report = messages.findLast((m) => m.type === "clusters")! as { clusters: { name: string; usage: unknown; hosts: { stats: Record<string, number> }[] }[] };
    expect(report.clusters[0]).toMatchObject({ name: "svc", usage: { connections: expect.any(Number), pending: 0, requests: 0, retries: 0 } });
    expect(report.clusters[0].hosts[0].stats.rq_total).toBe(2);
    // the access-log sample: one entry per proxied request, as Envoy's default format has it
    await waitFor(() => messages.some((m) => m.type === "access_log"), "an access_log message");
    const logged = messages.filter((m) => m.type === "access_log").flatMap((m) => m.entries as { path: string; status: number; upstreamCluster: string | null }[]);
    expect(logged.filter((e) => e.upstreamCluster === "svc").map((e) => [e.path, e.status])).toEqual([["/", 200], ["/", 200]]);
    // every message the worker sent is in the protocol
    for (const m of messages) expect(WorkerToConsole.safeParse(m).success, JSON.stringify(m).slice(0, 200)).toBe(true);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  it("-c: SIGHUP reloads the file; a bad file is refused and the old config keeps serving", async () => {
    const doc = (body: string) => ({
      static_resources: { listeners: [listener("main", [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: body } } }])], clusters: [] },
    });
    const file = writeConfig("reload.yaml", doc("one"));
    const p = run(["-c", file]);
    await waitFor(() => /listeners main=127\.0\.0\.1:\d+/.test(p.stderr()), "the worker to start");
    const port = Number(/main=127\.0\.0\.1:(\d+)/.exec(p.stderr())![1]);
    expect((await request(port, "/")).body).toBe("one");
    // keep the port: the reloaded listener must reuse the socket
    const next = doc("two");
    next.static_resources.listeners[0].address.socket_address.port_value = port;
    writeConfig("reload.yaml", next);
    p.child.kill("SIGHUP");
    await waitFor(async () => (await request(port, "/")).body === "two", "the reloaded config");
    writeConfig("reload.yaml", "static_resources: {listeners: [{name: x}]}\n");
    p.child.kill("SIGHUP");
    await waitFor(() => /reload refused/.test(p.stderr()), "the refusal to be logged");
    expect((await request(port, "/")).body).toBe("two");
  });

  it("--control-plane reconnects after the console goes away and re-sends hello", async () => {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await once(wss, "listening");
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    let hellos = 0;
    wss.on("connection", (ws) => {
      ws.on("message", (m) => {
        if (JSON.parse(String(m)).type === "hello") {
          hellos++;
          if (hellos === 1) ws.terminate();
        }
      });
    });
    const port = (wss.address() as AddressInfo).port;
    run(["--control-plane", `ws://127.0.0.1:${port}/ws/worker`, "--admin-address", "127.0.0.1:0"]);
    await waitFor(() => hellos >= 2, "a second hello after reconnect");
  });
});
