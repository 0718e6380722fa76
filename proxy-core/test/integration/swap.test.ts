// Graceful config swap: continuous keep-alive traffic during 20 back-to-back config applies
// (each changes the route table and replaces the cluster) sees zero failures, and traffic follows the swaps.
import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import { cluster, listener, request, startProxy, startUpstream } from "./harness";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("config swaps under load", () => {
  it("20 back-to-back swaps during keep-alive traffic: zero failed requests", async () => {
    const u = await startUpstream((req, res) => setTimeout(() => res.end(`up ${req.url}`), 2));
    cleanups.push(() => u.close());
    const snapshot = (gen: number) => ({
      listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: `svc${gen % 2}`, timeout: `${5 + gen}s` } }])],
      clusters: [cluster(`svc${gen % 2}`, [u.port], { connect_timeout: `${(1 + gen / 100).toFixed(2)}s` })],
    });
    const h = await startProxy(snapshot(0).listeners, snapshot(0).clusters, "v0");
    cleanups.push(() => h.close());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    cleanups.push(async () => agent.destroy());
    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const worker = async () => {
      while (!stop) {
        try {
          const r = await request(h.port, "/x", { agent });
          if (r.status === 200 && r.body === "up /x") ok++;
          else failures.push(`${r.status} ${r.body}`);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((r) => setTimeout(r, 100));
    for (let gen = 1; gen <= 20; gen++) {
      await h.proxy.apply(snapshot(gen), `v${gen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const okAtEnd = ok;
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(okAtEnd); // still serving after the last swap
    expect(ok).toBeGreaterThan(40);
    expect(h.proxy.version).toBe("v20");
    // the listener socket was kept (no rebind) and the requests were spread over both cluster generations
    expect(await h.stat("cluster.svc0.upstream_rq_total")).toBeGreaterThan(0);
    expect(await h.stat("cluster.svc1.upstream_rq_total")).toBeGreaterThan(0);
  });
});
