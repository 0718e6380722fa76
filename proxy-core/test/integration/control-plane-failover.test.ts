// A worker following a console of several replicas (--control-plane A,B): the real CLI, two small WebSocket
// consoles (fixtures/fake-console.ts) on 127.0.0.1 each holding the same live version, as replicas sharing one
// database do. A replica killed under traffic costs no request and nothing is applied again: the worker's hello
// reaches the other one within 2 s naming the version it runs, and that replica sends nothing. A replica down at
// start is passed over at once, not after a back-off; a bad URL in the list is refused before anything starts.
import { afterEach, expect, it } from "vitest";
import { adminStat, cluster, listener, request, sleep, startUpstream, stderrTail, waitFor, waitForCliReady } from "./harness";
import { freePort, runCli, settled, type CliProc } from "../fixtures/cli";
import { FakeConsole } from "../fixtures/fake-console";
import { WorkerToConsole } from "../../src/protocol";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const wsUrl = (port: number) => `ws://127.0.0.1:${port}/ws/worker`;

/** A listener on `port` routing everything to cluster "svc" (a real upstream on `upstreamPort`). */
function resources(port: number, upstreamPort: number) {
  return { listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }], { port })], clusters: [cluster("svc", [upstreamPort])] };
}

function startWorker(controlPlane: string, adminPort: number): CliProc {
  const p = runCli(["--control-plane", controlPlane, "--node-id", "edge-1", "--admin-address", `127.0.0.1:${adminPort}`]);
  cleanups.push(() => p.kill());
  return p;
}

async function controlPlaneInfo(adminPort: number) {
  const info = JSON.parse((await request(adminPort, "/server_info")).body) as { control_plane: { connected: boolean; url: string | null; urls: string[] } | null };
  return info.control_plane;
}

/** The worker's clock at the log line matching `re` (each line starts with its ISO time). */
function loggedAt(p: CliProc, re: RegExp): number {
  const line = p.stderr().split("\n").find((l) => re.test(l));
  if (!line) throw new Error(`no log line matches ${re}\n${stderrTail(p)}`);
  return Date.parse(line.slice(0, line.indexOf(" ")));
}

/** GETs on fresh connections every ~10 ms until stop(): how many were sent, and the ones that failed. */
function steadyTraffic(port: number, expected: string) {
  const failures: string[] = [];
  let sent = 0;
  let running = true;
  const loop = (async () => {
    // bounded: a test that never stops its traffic still ends
    while (running && sent < 2000) {
      sent++;
      const r = await request(port, "/").catch((e: NodeJS.ErrnoException) => ({ status: 0, body: e.code ?? e.message }));
      if (r.status !== 200 || r.body !== expected) failures.push(`${r.status} ${r.body.slice(0, 80)}`);
      await sleep(10);
    }
  })();
  return {
    failures,
    sent: () => sent,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

it("moves to the other replica when the one it follows dies under traffic: no request fails, nothing is applied again", async () => {
  const upstream = await startUpstream((_req, res) => res.end("served"));
  cleanups.push(() => upstream.close());
  const port = await freePort();
  const live = resources(port, upstream.port);
  const [portA, portB, adminPort] = [await freePort(), await freePort(), await freePort()];
  const a = await FakeConsole.start(portA, cleanups);
  const b = await FakeConsole.start(portB, cleanups);
  a.publish("v1", 1, live);
  b.publish("v1", 1, live);
  const why = () => `A: ${JSON.stringify(a.messages.filter((m) => m.type !== "stats"))}\nB: ${JSON.stringify(b.messages.filter((m) => m.type !== "stats"))}\n${stderrTail(worker)}`;

  const worker = startWorker(`${wsUrl(portA)},${wsUrl(portB)}`, adminPort);
  await waitFor(() => a.of("ack").length > 0, "the ACK of v1 to replica A", 30_000, why);
  await waitForCliReady(worker, adminPort);
  expect(a.of("hello")[0]).toMatchObject({ nodeId: "edge-1", appliedVersion: null });
  expect(b.connections).toBe(0);
  expect(await controlPlaneInfo(adminPort)).toEqual({ connected: true, url: wsUrl(portA), urls: [wsUrl(portA), wsUrl(portB)] });
  expect(await adminStat(adminPort, "control_plane.connected_state")).toBe(1);
  const attempts = await adminStat(adminPort, "control_plane.update_attempt");
  expect(attempts).toBe(1);

  const traffic = steadyTraffic(port, "served");
  cleanups.push(() => traffic.stop());
  await waitFor(() => traffic.sent() >= 20, "traffic before the kill", 10_000);
  const killedAt = Date.now();
  await a.close();
  await waitFor(() => b.of("hello").length > 0, "the worker's hello to replica B", 2_000, why);
  expect(Date.now() - killedAt).toBeLessThan(2_000);
  expect(b.of("hello")[0]).toMatchObject({ nodeId: "edge-1", appliedVersion: "v1" });
  // B's live version is the one the worker runs: B sends nothing, and the worker applies nothing
  await sleep(1_000);
  const sentBefore = traffic.sent();
  await waitFor(() => traffic.sent() >= sentBefore + 20, "traffic after the move", 10_000);
  await traffic.stop();
  expect(traffic.failures).toEqual([]);
  expect(b.sent).toEqual([]);
  expect(await adminStat(adminPort, "control_plane.update_attempt")).toBe(attempts);
  expect(await adminStat(adminPort, "control_plane.connected_state")).toBe(1);
  expect(await controlPlaneInfo(adminPort)).toMatchObject({ connected: true, url: wsUrl(portB) });
  // why it moved, and where to
  expect(worker.stderr()).toContain(`[warning] control plane ${wsUrl(portA)} closed (code 1006); trying ${wsUrl(portB)}\n`);
  expect(worker.stderr()).toContain(`proxy-core: connected to control plane ${wsUrl(portB)}\n`);
  for (const m of [...a.messages, ...b.messages]) expect(WorkerToConsole.safeParse(m).success, JSON.stringify(m).slice(0, 200)).toBe(true);
});

it("passes over a replica that is down at start at once, follows the next one's publishes, and wraps around", async () => {
  const u1 = await startUpstream((_req, res) => res.end("one"));
  const u2 = await startUpstream((_req, res) => res.end("two"));
  cleanups.push(() => u1.close(), () => u2.close());
  const port = await freePort();
  // nothing listens on A's port until the end of the test
  const [portA, portB, adminPort] = [await freePort(), await freePort(), await freePort()];
  const b = await FakeConsole.start(portB, cleanups);
  b.publish("v1", 1, resources(port, u1.port));
  const worker = startWorker(`${wsUrl(portA)},${wsUrl(portB)}`, adminPort);
  const why = () => `B: ${JSON.stringify(b.messages.filter((m) => m.type !== "stats"))}\n${stderrTail(worker)}`;

  await waitFor(() => b.of("ack").length > 0, "the ACK of v1 to replica B", 30_000, why);
  // the first attempt (to A) starts before the "started" line; B is dialled as soon as A refuses, with no back-off
  const started = loggedAt(worker, /proxy-core: started node edge-1 following /);
  const connectedB = loggedAt(worker, new RegExp(`connected to control plane ${wsUrl(portB)}$`));
  expect(connectedB - started).toBeLessThan(2_000);
  expect(worker.stderr()).toMatch(new RegExp(`\\[warning\\] control plane ${wsUrl(portA)} connection error: connect ECONNREFUSED 127\\.0\\.0\\.1:${portA}; trying ${wsUrl(portB)}\\n`));
  expect(b.of("hello")[0]).toMatchObject({ appliedVersion: null });
  expect(b.of("ack")).toEqual([{ type: "ack", version: "v1", nonce: "n-1" }]);
  expect((await request(port, "/")).body).toBe("one");

  // B publishes: the worker applies and ACKs it to B
  b.publish("v2", 2, resources(port, u2.port));
  await waitFor(() => b.of("ack").length > 1, "the ACK of v2 to replica B", 15_000, why);
  expect(b.of("ack")[1]).toEqual({ type: "ack", version: "v2", nonce: "n-2" });
  expect((await request(port, "/")).body).toBe("two");
  expect(await controlPlaneInfo(adminPort)).toMatchObject({ connected: true, url: wsUrl(portB) });

  // A comes up with the same live version and B dies: the worker wraps around to A, which has nothing to send
  const a = await FakeConsole.start(portA, cleanups);
  a.publish("v2", 2, resources(port, u2.port));
  await b.close();
  await waitFor(() => a.of("hello").length > 0, "the worker's hello to replica A", 2_000, why);
  expect(a.of("hello")[0]).toMatchObject({ appliedVersion: "v2" });
  await sleep(500);
  expect(a.sent).toEqual([]);
  expect((await request(port, "/")).body).toBe("two");
});

it("refuses a --control-plane list with a bad URL at start, naming it", async () => {
  const good = wsUrl(await freePort());
  for (const args of [
    ["--control-plane", `${good},127.0.0.1:3000`],
    ["--control-plane", good, "--control-plane", "ftp://console/ws/worker"],
  ]) {
    const p = runCli(args);
    cleanups.push(() => p.kill());
    expect(await settled(p)).toBe(1);
    const bad = args[args.length - 1].split(",").pop()!;
    expect(p.stderr()).toMatch(new RegExp(`^proxy-core: --control-plane must be ws://HOST:PORT/PATH or wss://… URLs separated by commas, got "${bad.replace(/[.]/g, "\\.")}"`, "m"));
    expect(p.stderr().trim().split("\n")).toHaveLength(1);
  }
});
