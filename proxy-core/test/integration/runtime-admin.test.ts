// The runtime through real workers (`proxy-core -c` as a child process): the bootstrap's layered_runtime (seed 002's
// static layer among them), GET /runtime in Envoy's shape, POST /runtime_modify steering a runtime_fraction route,
// a SIGHUP reload that keeps the admin overrides, and --concurrency 2, where the primary's runtime reaches every worker.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { freePort, runCli } from "../fixtures/cli";
import { request, waitFor } from "./harness";

const SEED = path.resolve(__dirname, "../fixtures/seed-configs/002-front-envoy.yaml");
const SEED_KEY = "envoy.resource_limits.listener.example_listener_name.connection_limit";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-runtime-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Seed 002's static layer as the seed writes it (the same values when the seed is not around). */
function seedLayer(): Record<string, unknown> {
  if (!fs.existsSync(SEED)) return { name: "static_layer_0", static_layer: { envoy: { resource_limits: { listener: { example_listener_name: { connection_limit: 10000 } } } } } };
  return YAML.parse(fs.readFileSync(SEED, "utf8").replaceAll("@CERTS@", tmp)).layered_runtime.layers[0];
}

async function upstream(name: string): Promise<number> {
  const u = http.createServer((req, res) => res.end(name));
  await new Promise<void>((r) => u.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => (u.closeAllConnections(), u.close(() => r()))));
  return (u.address() as { port: number }).port;
}

const endpoint = (port: number) => ({ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }] });

async function bootstrap(layers: Record<string, unknown>[]) {
  const [listen, admin, stable, canary] = [await freePort(), await freePort(), await upstream("stable"), await upstream("canary")];
  const doc = {
    static_resources: {
      listeners: [
        {
          name: "main",
          address: { socket_address: { address: "127.0.0.1", port_value: listen } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "ingress_http",
                    route_config: {
                      virtual_hosts: [
                        {
                          name: "vh",
                          domains: ["*"],
                          routes: [
                            { match: { prefix: "/", runtime_fraction: { default_value: { numerator: 0 }, runtime_key: "routing.canary" } }, route: { cluster: "canary" } },
                            { match: { prefix: "/" }, route: { cluster: "stable" } },
                          ],
                        },
                      ],
                    },
                    http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        { name: "stable", connect_timeout: "1s", load_assignment: { cluster_name: "stable", endpoints: [endpoint(stable)] } },
        { name: "canary", connect_timeout: "1s", load_assignment: { cluster_name: "canary", endpoints: [endpoint(canary)] } },
      ],
    },
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: admin } } },
    layered_runtime: { layers },
  };
  const file = path.join(tmp, `bootstrap-${listen}.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return { file, doc, listen, admin };
}

async function start(file: string, extra: string[] = []) {
  const p = runCli(["-c", file, "--drain-time-s", "0", ...extra]);
  cleanups.push(() => p.kill());
  await waitFor(() => /started from/.test(p.stderr()) || p.child.exitCode !== null, "proxy-core to start");
  expect(p.stderr()).toMatch(/started from/);
  return p;
}

const post = (port: number, pathAndQuery: string, opts: { body?: string; headers?: Record<string, string> } = {}) => request(port, pathAndQuery, { method: "POST", ...opts });
const runtimeView = async (admin: number) => JSON.parse((await request(admin, "/runtime")).body) as { entries: Record<string, { final_value: string; layer_values: string[] }>; layers: string[] };
const served = async (port: number, n = 10) => new Set(await Promise.all(Array.from({ length: n }, async () => (await request(port, "/")).body)));

describe("runtime admin endpoints through proxy-core -c", () => {
  it("GET /runtime shows the layers; POST /runtime_modify steers a runtime_fraction route; usage and errors are Envoy's", async () => {
    const { file, listen, admin } = await bootstrap([seedLayer(), { name: "overrides", static_layer: { routing: { canary: 0 } } }, { name: "admin", admin_layer: {} }]);
    await start(file);
    const view = await runtimeView(admin);
    expect(view.layers).toEqual(["static_layer_0", "overrides", "admin"]);
    expect(view.entries[SEED_KEY]).toEqual({ final_value: "10000", layer_values: ["10000", "", ""] });
    expect(view.entries["routing.canary"]).toEqual({ final_value: "0", layer_values: ["", "0", ""] });
    expect((await request(admin, "/runtime")).headers["content-type"]).toBe("application/json");
    expect(await served(listen)).toEqual(new Set(["stable"]));

    const ok = await post(admin, "/runtime_modify?routing.canary=100&extra.flag=true");
    expect([ok.status, ok.body]).toEqual([200, "OK\n"]);
    expect(await served(listen)).toEqual(new Set(["canary"]));
    const after = await runtimeView(admin);
    expect(after.entries["routing.canary"]).toEqual({ final_value: "100", layer_values: ["", "0", "100"] });
    expect(after.entries["extra.flag"]).toEqual({ final_value: "true", layer_values: ["", "", "true"] });
    expect((await request(admin, "/stats?filter=^runtime\\.admin_overrides_active$")).body).toBe("runtime.admin_overrides_active: 1\n");

    // form values, and an empty value removes the override
    const form = await post(admin, "/runtime_modify", { body: "routing.canary=&extra.flag=", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect([form.status, form.body]).toEqual([200, "OK\n"]);
    expect(await served(listen)).toEqual(new Set(["stable"]));
    expect((await runtimeView(admin)).entries["extra.flag"]).toBeUndefined();

    const get = await request(admin, "/runtime_modify?a=1");
    expect([get.status, get.body]).toEqual([400, "This endpoint requires POST\n"]);
    const usage = await post(admin, "/runtime_modify");
    expect(usage.status).toBe(400);
    expect(usage.body).toBe("usage: /runtime_modify?key1=value1&key2=value2&keyN=valueN\n       or send the parameters as form values\nuse an empty value to remove a previously added override");
    expect((await request(admin, "/help")).body).toContain("  /runtime\n  /runtime_modify (POST)\n");
  });

  it("without an admin layer /runtime_modify is 503 `No admin layer specified`", async () => {
    const { file, admin } = await bootstrap([seedLayer()]);
    await start(file);
    const r = await post(admin, "/runtime_modify?routing.canary=100");
    expect([r.status, r.body]).toEqual([503, "No admin layer specified"]);
  });

  it("a SIGHUP reload takes the file's new static layers and keeps what /runtime_modify set", async () => {
    const { file, doc, listen, admin } = await bootstrap([{ name: "base", static_layer: { a: 1, routing: { canary: 0 } } }, { name: "admin", admin_layer: {} }]);
    const p = await start(file);
    await post(admin, "/runtime_modify?routing.canary=100");
    doc.layered_runtime.layers[0] = { name: "base", static_layer: { a: 2, b: "new", routing: { canary: 0 } } };
    fs.writeFileSync(file, YAML.stringify(doc));
    p.child.kill("SIGHUP");
    await waitFor(async () => (await runtimeView(admin)).entries.b !== undefined, "the reloaded static layer");
    const view = await runtimeView(admin);
    expect([view.entries.a.final_value, view.entries.b.final_value, view.entries["routing.canary"].final_value]).toEqual(["2", "new", "100"]);
    expect(await served(listen)).toEqual(new Set(["canary"]));
  });

  it("--concurrency 2: the primary's runtime, and every /runtime_modify, reaches both workers", async () => {
    const { file, listen, admin } = await bootstrap([seedLayer(), { name: "admin", admin_layer: {} }]);
    await start(file, ["--concurrency", "2"]);
    expect(await served(listen, 20)).toEqual(new Set(["stable"]));
    expect((await post(admin, "/runtime_modify?routing.canary=100")).status).toBe(200);
    // new connections go to either worker: every answer is the canary once both have the value
    await waitFor(async () => (await served(listen, 20)).size === 1 && (await served(listen, 1)).has("canary"), "both workers on the canary");
    expect(await served(listen, 40)).toEqual(new Set(["canary"]));
    // runtime.* is the primary's own, not a sum over the workers
    await waitFor(async () => (await request(admin, "/stats?filter=^runtime\\.num_keys$")).body === "runtime.num_keys: 2\n", "runtime.num_keys 2");
    expect((await runtimeView(admin)).entries[SEED_KEY].final_value).toBe("10000");
  });
});
