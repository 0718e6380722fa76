import { describe, expect, it } from "vitest";
import type { Cluster } from "@/components/queries/types";
import { clusterToForm, emptyCluster, formToCluster, validateCluster } from "./cluster-form-model";

const original: Cluster = {
  name: "api",
  type: "STRICT_DNS",
  connect_timeout: "0.25s",
  dns_refresh_rate: "10s",
  load_assignment: {
    cluster_name: "api",
    endpoints: [
      { lb_endpoints: [{ endpoint: { address: { socket_address: { address: "a.internal", port_value: 80 } } }, load_balancing_weight: 3 }] },
      { lb_endpoints: [{ endpoint: { address: { socket_address: { address: "b.internal", port_value: 80 } } } }] },
    ],
  },
  circuit_breakers: { thresholds: [{ max_connections: 10, max_retries: 1 }] },
};

describe("cluster form model", () => {
  it("round-trips a cluster, keeping the fields the form does not edit", () => {
    expect(formToCluster(clusterToForm(original), original)).toEqual(original);
  });

  it("writes only what the user set: empty fields mean Envoy's defaults", () => {
    const f = { ...emptyCluster(), name: "web" };
    f.endpoints[0].port = "8080";
    expect(formToCluster(f)).toEqual({
      name: "web",
      load_assignment: { cluster_name: "web", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 8080 } } } }] }] },
    });
  });

  it("reports problems at the Envoy paths the server uses", () => {
    const f = { ...emptyCluster(), name: "web", connectTimeout: "5 seconds" };
    f.endpoints[0].port = "99999";
    f.thresholds.max_requests = "many";
    const paths = validateCluster(f).map((e) => e.path);
    expect(paths).toContain("load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value");
    expect(paths).toContain("circuit_breakers.thresholds[0].max_requests");
    expect(paths).toContain("connect_timeout");
  });

  it("refuses what the API refuses, in the schema's words that name the limit", () => {
    const PORT = "load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value";
    const f = (patch: Partial<ReturnType<typeof emptyCluster>>, port = "8080") => {
      const c = { ...emptyCluster(), name: "web", ...patch };
      c.endpoints[0].port = port;
      return c;
    };
    expect(validateCluster(f({ name: "c".repeat(254) }))).toEqual([{ path: "name", message: "must be at most 253 characters" }]);
    expect(validateCluster(f({ name: "c".repeat(253) }))).toEqual([]);
    expect(validateCluster(f({ name: "my backend" }))).toEqual([
      { path: "name", message: "may contain only visible ASCII characters other than ':' (no spaces: the name is part of stat names, where Envoy writes ':' as '_')" },
    ]);
    for (const port of ["0", "65536", "http"]) expect(validateCluster(f({}, port))).toEqual([{ path: PORT, message: "must be a port between 1 and 65535" }]);
    expect(validateCluster(f({}, ""))).toEqual([{ path: PORT, message: "required" }]);
    const weighted = f({});
    weighted.endpoints[0].weight = "0";
    expect(validateCluster(weighted)).toEqual([{ path: "load_assignment.endpoints[0].lb_endpoints[0].load_balancing_weight", message: "must be a whole number ≥ 1" }]);
  });

  it("accepts a valid cluster", () => {
    const f = clusterToForm(original);
    expect(validateCluster(f)).toEqual([]);
  });
});
