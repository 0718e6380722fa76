// The route tester on the Routes page: type a request, press Enter, and see the route that takes it in the draft
// and in the live version, with why an earlier route did not match and what the HTTP filters would do.
import http from "node:http";
import { describe, expect, it } from "vitest";
import { HCM_TYPE, ROUTER_TYPE } from "../proxy-core/src/config/index";
import { bootstrap, cluster } from "../lib/config/test-fixtures";
import { login, screenshot, throughProxy } from "./fixtures";
import { useScene, type SceneParts } from "./scene";

const LOCAL_RATELIMIT = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

/** One listener with an admin route (needs x-admin) before the users route; the draft adds a canary route for x-env: canary. */
function config({ up, edgePort }: SceneParts, draft: boolean) {
  const routes = [
    { name: "admin", match: { prefix: "/v1", headers: [{ name: "x-admin", present_match: true }] }, route: { cluster: "users" } },
    ...(draft ? [{ name: "canary", match: { prefix: "/v1/users", headers: [{ name: "x-env", string_match: { exact: "canary" } }] }, route: { cluster: "users-v2" } }] : []),
    { name: "users", match: { prefix: "/v1/users" }, route: { cluster: "users" } },
  ];
  const listener = {
    name: "tester",
    address: { socket_address: { address: "127.0.0.1", port_value: edgePort } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE,
              stat_prefix: "tester",
              route_config: { virtual_hosts: [{ name: "api", domains: ["api.example.com"], routes }] },
              http_filters: [
                { name: "envoy.filters.http.local_ratelimit", typed_config: { "@type": LOCAL_RATELIMIT, stat_prefix: "rl", token_bucket: { max_tokens: 50, fill_interval: "1s" }, filter_enabled: { default_value: { numerator: 100 } }, filter_enforced: { default_value: { numerator: 100 } } } },
                { name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } },
              ],
            },
          },
        ],
      },
    ],
  };
  return bootstrap([listener], [cluster("users", [up.users.port]), cluster("users-v2", [up["users-v2"].port])]);
}

/** GET through the proxy with a Host header of our choosing (fetch would send the listener's address). */
function getWithHost(listener: string, path: string, headers: Record<string, string>): Promise<string> {
  const [host, port] = listener.split(":");
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port: Number(port), path, headers, agent: false, timeout: 3000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

// live: the listener without the canary route; the draft adds it
const scene = useScene({
  upstreams: { users: "users v1", "users-v2": "users v2" },
  edge: true,
  live: (_doc, parts) => config(parts, false),
  message: "route tester e2e",
  draft: (_doc, parts) => config(parts, true),
});

describe("route tester", () => {
  it("shows the route taking a typed request in the draft and live, and why the earlier routes did not match", async () => {
    const { app, page, edge } = scene;
    await login(page, app, false);
    await page.goto(app.url + "/routes");
    const tester = page.getByRole("region", { name: "Route tester" });
    await tester.waitFor();
    // a bad header is refused next to the field, before anything is asked
    await tester.getByLabel("Host").fill("api.example.com");
    await tester.getByLabel("Path").fill("/v1/users");
    await tester.getByLabel("Headers").fill("x-env canary");
    await tester.getByLabel("Headers").press("Enter");
    await tester.getByText("is not a header: write name: value").waitFor();
    await tester.getByLabel("Headers").fill("x-env: canary");
    await tester.getByLabel("Headers").press("Enter");

    const draft = tester.getByRole("region", { name: "Draft result" });
    const taken = draft.getByRole("listitem", { name: "Route 2 takes the request" });
    await taken.waitFor();
    expect(await taken.getAttribute("aria-current")).toBe("true");
    expect(await taken.innerText()).toContain("users-v2");
    const earlier = draft.getByRole("listitem", { name: "Route 1 did not match" });
    expect(await earlier.innerText()).toContain("header x-admin is missing (wants present)");
    expect(await draft.getByRole("list", { name: "Draft HTTP filters" }).innerText()).toContain("takes a token from the bucket (50 tokens, 1 added every 1s)");

    const live = tester.getByRole("region", { name: /^Live v\d+ result$/ });
    const liveTaken = live.getByRole("listitem", { name: "Route 2 takes the request" });
    await liveTaken.waitFor();
    expect(await liveTaken.innerText()).toContain("→ cluster users");
    await tester.getByText("the draft handles this request differently from the live version").waitFor();
    await screenshot(page, "route-tester");

    // the worker runs the live version: the request goes where the live column says
    expect(await getWithHost(edge, "/v1/users", { host: "api.example.com", "x-env": "canary" })).toBe("users v1");
    expect((await throughProxy(edge, "/v1/users")).status).toBe(404);
  });
});
