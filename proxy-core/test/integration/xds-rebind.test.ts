// A version refused only because a listener's address is taken is applied again by the worker until the address
// comes free, then ACKed with its nonce: the real CLI following a small WebSocket console (fixtures/fake-console.ts),
// the address held by a plain TCP server of the test's. Only the last version sent is retried, its NACK goes out
// once, and a refusal for any other reason is final.
import net from "node:net";
import { afterEach, expect, it } from "vitest";
import { listener, request, sleep, stderrTail, waitFor } from "./harness";
import { freePort, runCli, type CliProc } from "../fixtures/cli";
import { FakeConsole } from "../fixtures/fake-console";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP server on 127.0.0.1:`port`, holding it until release(). */
async function squat(port: number): Promise<{ release(): Promise<void> }> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const release = () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
  cleanups.push(release);
  return { release };
}

/** One listener on `port` answering `text` to everything. */
const answering = (port: number, text: string) => ({
  listeners: [listener("main", [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: text } } }], { port })],
  clusters: [],
});

async function startWorker(): Promise<{ console: FakeConsole; worker: CliProc }> {
  const consolePort = await freePort();
  const console = await FakeConsole.start(consolePort, cleanups);
  const worker = runCli(["--control-plane", `ws://127.0.0.1:${consolePort}/ws/worker`, "--node-id", "edge-1", "--admin-address", "127.0.0.1:0", "--log-level", "debug"]);
  cleanups.push(() => worker.kill());
  await waitFor(() => console.of("hello").length > 0, "the worker's hello", 20_000, () => stderrTail(worker));
  return { console, worker };
}

it("applies a version refused for a taken address again once the address is free, and ACKs it with its nonce", async () => {
  const { console, worker } = await startWorker();
  const why = () => `${JSON.stringify(console.messages.filter((m) => m.type !== "stats"))}\n${stderrTail(worker)}`;
  const port = await freePort();
  const holder = await squat(port);

  console.push("v1", 1, answering(port, "v1 serves"));
  await waitFor(() => console.of("nack").length > 0, "the NACK of v1", 15_000, why);
  expect(console.of("nack")[0]).toMatchObject({ version: "v1", nonce: "n-1", appliedVersion: null, error: `listener main: cannot bind 127.0.0.1:${port}: EADDRINUSE` });
  // retried in the background (1 s, then 2 s later): no second NACK for the same refusal, no ACK while it is held
  await waitFor(() => worker.stderr().includes("version v1: a listener's address is in use; applying it again in 2000 ms"), "the second attempt", 10_000, why);
  expect(console.of("nack")).toHaveLength(1);
  expect(console.of("ack")).toEqual([]);

  await holder.release();
  await waitFor(() => console.of("ack").length > 0, "the ACK of v1 once the address is free", 15_000, why);
  expect(console.of("ack")).toEqual([{ type: "ack", version: "v1", nonce: "n-1" }]);
  expect((await request(port, "/")).body).toBe("v1 serves");
  expect(worker.stderr()).toMatch(/applied version v1 \(its listeners bound at attempt \d+\)/);
});

it("retries only the last version sent, and never a version refused for another reason", async () => {
  const { console, worker } = await startWorker();
  const why = () => `${JSON.stringify(console.messages.filter((m) => m.type !== "stats"))}\n${stderrTail(worker)}`;
  const [held, free] = [await freePort(), await freePort()];
  const holder = await squat(held);

  // v1 is refused for its taken address; v2, sent before the retry, binds elsewhere: v1 is not applied again
  console.push("v1", 1, answering(held, "v1"));
  await waitFor(() => console.of("nack").length > 0, "the NACK of v1", 15_000, why);
  console.push("v2", 2, answering(free, "v2 serves"));
  await waitFor(() => console.of("ack").length > 0, "the ACK of v2", 15_000, why);
  await holder.release();
  await sleep(3500);
  expect(console.of("ack")).toEqual([{ type: "ack", version: "v2", nonce: "n-2" }]);
  expect((await request(free, "/")).body).toBe("v2 serves");
  await expect(request(held, "/")).rejects.toThrow(/ECONNREFUSED/);

  // a refusal that is not about an address (a route to a cluster that does not exist) is final
  console.push("v3", 3, { listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "missing" } }], { port: free })], clusters: [] });
  await waitFor(() => console.of("nack").length > 1, "the NACK of v3", 15_000, why);
  await sleep(1500);
  expect(console.of("nack").map((m) => m.version)).toEqual(["v1", "v3"]);
  expect(worker.stderr()).not.toContain("version v3: a listener's address is in use");
  expect((await request(free, "/")).body).toBe("v2 serves");
});
