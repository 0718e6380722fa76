// Route stats are kept per stat name prefix for the life of the stats store: every apply compiles the route
// table again, and a route it already knew counts on in the same counters.
import { describe, expect, it } from "vitest";
import { StatsStore } from "../../src/stats/store";
import { routeStatsFor } from "../../src/router/route-stats";

describe("routeStatsFor", () => {
  it("hands back the same RouteStats for a prefix it knows, a new one for another prefix or store", () => {
    const store = new StatsStore();
    const a = routeStatsFor(store.scope("vhost.all.route.api"));
    a.upstream_rq_total.inc();
    a.chargeResponse(503);
    const again = routeStatsFor(store.scope("vhost.all").scope("route").scope("api"));
    expect(again).toBe(a);
    again.upstream_rq_total.inc();
    expect(store.counter("vhost.all.route.api.upstream_rq_total").value).toBe(2);
    expect(store.counter("vhost.all.route.api.upstream_rq_503").value).toBe(1);
    expect(routeStatsFor(store.scope("vhost.all.route.web"))).not.toBe(a);
    const other = new StatsStore();
    const b = routeStatsFor(other.scope("vhost.all.route.api"));
    expect(b).not.toBe(a);
    expect(other.counter("vhost.all.route.api.upstream_rq_total").value).toBe(0);
  });
});
