// Admin endpoints, atomic config swaps (socket kept, bind failures refused), and a route to an unknown cluster.
import { afterEach, describe, expect, it } from "vitest";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { ProxyServer } from "../../src/server";
import { AdminServer } from "../../src/admin/server";
import { ConnectionManager } from "../../src/http/connection-manager";
import { buildChains, Listener } from "../../src/listener/listener";
import { ClusterManager } from "../../src/upstream/cluster-manager";
import { StatsStore } from "../../src/stats/store";
import { EventEmitter } from "node:events";
import { adminStat, cluster, listener, request, startUpstream, waitFor } from "./harness";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function proxyWithAdmin() {
  const proxy = new ProxyServer({ drainMs: 200 });
  const admin = new AdminServer(proxy, { port: 0 });
  await admin.listen();
  cleanups.push(() => admin.close(), () => proxy.shutdown(200));
  return { proxy, admin };
}

describe("admin", () => {
  it("/ready is 503 before the first config and 200 LIVE after; /stats, /config_dump, /clusters, POST-only mutations", async () => {
    const { proxy, admin } = await proxyWithAdmin();
    const before = await request(admin.port, "/ready");
    expect(before.status).toBe(503);
    expect(before.body).toBe("PRE_INITIALIZING\n");

    const u = await startUpstream((_q, s) => s.end("x"));
    cleanups.push(() => u.close());
    await proxy.apply({ listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], clusters: [cluster("svc", [u.port])] }, "ver-1");
    const ready = await request(admin.port, "/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toBe("LIVE\n");

    const port = proxy.listeners.active.get("main")!.port;
    await request(port, "/");
    const stats = await request(admin.port, "/stats?filter=^http\\.ingress_http\\.downstream_rq_2xx$");
    expect(stats.body).toBe("http.ingress_http.downstream_rq_2xx: 1\n");
    const all = (await request(admin.port, "/stats")).body.split("\n").filter(Boolean);
    const names = all.filter((l) => !l.includes(": P0(") && !l.includes("No recorded values")).map((l) => l.split(": ")[0]);
    expect(names).toEqual([...names].sort());
    expect(names).toContain("server.live");

    const json = JSON.parse((await request(admin.port, "/stats?format=json")).body);
    expect(json.stats).toContainEqual({ name: "cluster.svc.upstream_rq_total", value: 1 });
    // Prometheus output with Envoy's tag extraction (source/common/config/well_known_names.cc): the cluster name
    // is a label
    expect((await request(admin.port, "/stats/prometheus")).body).toContain(`# TYPE envoy_cluster_upstream_rq_total counter`);

    const dump = JSON.parse((await request(admin.port, "/config_dump")).body);
    expect(dump.version_info).toBe("ver-1");
    const clusters = dump.configs.find((c: { "@type": string }) => c["@type"].endsWith("ClustersConfigDump"));
    expect(clusters.dynamic_active_clusters[0].cluster.name).toBe("svc");
    const listeners = dump.configs.find((c: { "@type": string }) => c["@type"].endsWith("ListenersConfigDump"));
    expect(listeners.dynamic_listeners[0].name).toBe("main");

    const cl = (await request(admin.port, "/clusters")).body;
    expect(cl).toContain(`svc::127.0.0.1:${u.port}::rq_total::1`);
    expect(cl).toContain("svc::default_priority::max_connections::1024");
    expect(cl).toContain(`svc::127.0.0.1:${u.port}::health_flags::healthy`);

    expect((await request(admin.port, "/reset_counters")).status).toBe(400);
    expect((await request(admin.port, "/quitquitquit")).status).toBe(400);
    expect(proxy.state).toBe("LIVE");
    const info = JSON.parse((await request(admin.port, "/server_info")).body);
    expect(info.state).toBe("LIVE");
  });
});

describe("config swaps", () => {
  it("a new snapshot keeps the listener socket and switches routes; a bad one is refused and the old one serves", async () => {
    const { proxy, admin } = await proxyWithAdmin();
    const a = await startUpstream((_q, s) => s.end("A"));
    const b = await startUpstream((_q, s) => s.end("B"));
    cleanups.push(() => a.close(), () => b.close());
    await proxy.apply({ listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "a" } }])], clusters: [cluster("a", [a.port]), cluster("b", [b.port])] }, "v1");
    const l1 = proxy.listeners.active.get("main")!;
    const port = l1.port;
    expect((await request(port, "/")).body).toBe("A");

    // same address (port given explicitly now): socket kept, new routes take effect
    await proxy.apply(
      { listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "b" } }], { port })], clusters: [cluster("a", [a.port]), cluster("b", [b.port])] },
      "v2",
    );
    expect(proxy.listeners.active.get("main")).toBe(l1);
    expect((await request(port, "/")).body).toBe("B");

    // invalid: refused with field paths, v2 keeps serving
    await expect(
      proxy.apply({ listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "b" } }], { port })], clusters: [cluster("b", [b.port], { lb_policy: "MAGLEV" as "ROUND_ROBIN" })] }, "v3"),
    ).rejects.toThrow(/clusters\[0\]\.lb_policy: MAGLEV is not supported/);
    expect(proxy.version).toBe("v2");
    expect((await request(port, "/")).body).toBe("B");
    expect(await adminStat(admin.port, "control_plane.update_rejected")).toBe(1);

    // a listener whose address is taken: the whole apply fails, nothing changes
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const taken = (blocker.address() as AddressInfo).port;
    await expect(
      proxy.apply(
        {
          listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "a" } }], { port }), listener("second", [], { port: taken, statPrefix: "s" })],
          clusters: [cluster("a", [a.port])],
        },
        "v4",
      ),
    ).rejects.toThrow(/EADDRINUSE/);
    expect(proxy.version).toBe("v2");
    expect((await request(port, "/")).body).toBe("B");

    // removing a listener closes its socket
    await proxy.apply({ listeners: [], clusters: [] }, "v5");
    await expect(request(port, "/")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("in-flight requests finish on the old config during a swap", async () => {
    const { proxy } = await proxyWithAdmin();
    const held: (() => void)[] = [];
    const a = await startUpstream((_q, s) => held.push(() => s.end("old")));
    const b = await startUpstream((_q, s) => s.end("new"));
    cleanups.push(() => a.close(), () => b.close());
    await proxy.apply({ listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "a" } }])], clusters: [cluster("a", [a.port])] }, "v1");
    const port = proxy.listeners.active.get("main")!.port;
    const inflight = request(port, "/");
    await waitFor(() => held.length === 1, "the request at the old upstream");
    await proxy.apply({ listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "b" } }], { port })], clusters: [cluster("b", [b.port])] }, "v2");
    expect((await request(port, "/")).body).toBe("new");
    held.shift()!();
    expect((await inflight).body).toBe("old");
  });
});

describe("router", () => {
  it("a route to a cluster the manager does not have → 503, empty body, no_cluster", async () => {
    // the config contract refuses dangling references, so build the runtime pieces directly
    const store = new StatsStore();
    const cfg = listener("l", [{ match: { prefix: "/" }, route: { cluster: "does_not_exist" } }]);
    const hcm = new ConnectionManager(cfg.filter_chains[0].filters[0].typed_config, store, new ClusterManager([], store, new EventEmitter(), null));
    const l = new Listener(cfg, buildChains(cfg, () => hcm), store);
    await l.listen();
    cleanups.push(() => l.close(0));
    const r = await request(l.port, "/x");
    expect(r.status).toBe(503);
    expect(r.body).toBe("");
    expect(r.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    expect(store.counter("http.ingress_http.no_cluster").value).toBe(1);
  });
});
