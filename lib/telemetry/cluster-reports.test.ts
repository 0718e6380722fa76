// Cluster reports merged over nodes; host rates from the per-host counters' increase.
import { describe, expect, it } from "vitest";
import type { ClusterReport } from "../../proxy-core/src/config/index";
import { ClusterReports } from "./cluster-reports";

const report = (rqTotal: number, rqError: number, usage = 0, flags = "healthy"): ClusterReport => ({
  name: "web",
  limits: { max_connections: 10, max_pending_requests: 5, max_requests: 1, max_retries: 3 },
  usage: { connections: usage, pending: 0, requests: usage, retries: 0 },
  hosts: [{ label: "127.0.0.1:80", address: "127.0.0.1", healthFlags: flags, weight: 1, stats: { rq_total: rqTotal, rq_error: rqError, rq_active: usage, cx_active: 1 } }],
});

describe("cluster reports", () => {
  it("rates per host from two reports, merged over nodes", () => {
    const c = new ClusterReports();
    c.ingest("a", { ts: 0, clusters: [report(100, 0)] });
    c.ingest("a", { ts: 5000, clusters: [report(150, 10, 1)] });
    c.ingest("b", { ts: 1000, clusters: [report(7, 0, 1, "/failed_outlier_check")] });
    const live = c.live("web", { rps: 0, errorRatio: 0, latency: null });
    expect(live.usage.requests).toEqual({ now: 2, max: 1 });
    expect(live.endpoints).toEqual([{ address: "127.0.0.1:80", weight: 1, healthFlags: "/failed_outlier_check", rps: 10, errorRps: 2, activeRequests: 2, activeConnections: 2 }]);
    expect(c.has("web")).toBe(true);
    c.forget("a");
    c.forget("b");
    expect(c.has("web")).toBe(false);
  });
});
