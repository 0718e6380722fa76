// `proxy-core route-check` as a real process (bin/proxy-core.mjs): Envoy's router_check_tool files in, Envoy's
// output and exit codes out.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { runCli } from "../fixtures/cli";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "route-check-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, doc: unknown): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, name.endsWith(".json") ? JSON.stringify(doc) : stringify(doc));
  return p;
}

async function routeCheck(...args: string[]) {
  const p = runCli(["route-check", ...args], { stdout: "pipe" });
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

// a bare RouteConfiguration, as Envoy's tool takes; its clusters need not exist
const ROUTES = file("routes.yaml", {
  virtual_hosts: [
    {
      name: "api",
      domains: ["api.lyft.com"],
      routes: [
        { match: { prefix: "/api/locations" }, route: { cluster: "locations" } },
        { match: { prefix: "/maintenance" }, direct_response: { status: 503, body: { filename: path.join(dir, "maintenance.txt") } } },
        { match: { prefix: "/" }, route: { cluster: "instant-server" } },
      ],
    },
  ],
});
fs.writeFileSync(path.join(dir, "maintenance.txt"), "down for maintenance\n");

const PASSING = file("passing.yaml", {
  tests: [
    { test_name: "cluster_name_test", input: { authority: "api.lyft.com", path: "/api/locations", method: "GET" }, validate: { cluster_name: "locations" } },
    {
      test_name: "maintenance page",
      input: { authority: "api.lyft.com", path: "/maintenance", method: "GET" },
      validate: { code_redirect: 503, path_redirect: "http://api.lyft.com/maintenance", response_header_matches: [{ name: "content-length", string_match: { exact: "21" } }] },
    },
  ],
});

describe("proxy-core route-check", () => {
  it("exits 0 when every test passes, printing Envoy's coverage line (and test names with --details)", async () => {
    const r = await routeCheck("--config", ROUTES, "--tests", PASSING, "--details");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("cluster_name_test\nmaintenance page\nCurrent route coverage: 66.6667%\n");
    expect(r.code).toBe(0);
  });

  it("--covall lists the routes no test reached, in protobuf text format", async () => {
    const r = await routeCheck("-c", ROUTES, "-t", PASSING, "--covall");
    expect(r.stdout).toBe('Missing test for host: api, route: prefix: "/"\n\nCurrent route coverage: 40%\n');
    expect(r.code).toBe(0);
  });

  it("exits 1 on a failing test, with Envoy's failure line on stderr and no coverage", async () => {
    const failing = file("failing.json", { tests: [{ test_name: "Test_2", input: { authority: "api.lyft.com", path: "/", method: "GET" }, validate: { cluster_name: "cluster1" } }] });
    const r = await routeCheck("--config", ROUTES, "--tests", failing, "--details");
    expect(r.stderr).toBe("Test_2\nexpected: [cluster1], actual: [instant-server], test type: cluster_name\n");
    expect(r.stdout).toBe("");
    expect(r.code).toBe(1);
  });

  it("exits 1 below --fail-under", async () => {
    const r = await routeCheck("--config", ROUTES, "--tests", PASSING, "--fail-under", "80");
    expect(r.stderr).toBe("Failed to meet coverage requirement: 80%\n");
    expect(r.code).toBe(1);
  });

  it("refuses bad files and unknown fields by name, exit 1", async () => {
    const bad = file("bad.yaml", { tests: [{ test_name: "t", input: { authority: "a", path: "/", method: "GET", dynamic_metadata: [] }, validate: { cluster_name: "x" } }] });
    const r = await routeCheck("--config", ROUTES, "--tests", bad);
    expect(r.stderr).toContain("tests[0].input.dynamic_metadata: dynamic_metadata is not supported by Signalbox");
    expect(r.code).toBe(1);
    const missing = await routeCheck("--config", path.join(dir, "nope.yaml"), "--tests", PASSING);
    expect(missing.stderr).toContain("no such file");
    expect(missing.code).toBe(1);
    const usage = await routeCheck("--tests", PASSING);
    expect(usage.stderr).toContain("both --config FILE and --tests FILE are required");
    expect(usage.code).toBe(1);
  });

  it("documents itself in --help, and in the main --help", async () => {
    const r = await routeCheck("--help");
    expect(r.stdout).toContain("Usage: proxy-core route-check --config FILE --tests FILE");
    expect(r.stdout).toContain("--covall");
    expect(r.code).toBe(0);
    const main = runCli(["--help"], { stdout: "pipe" });
    expect(await main.exited).toBe(0);
    expect(main.stdout()).toContain("proxy-core route-check --config FILE --tests FILE [--covall] [--details]");
  });
});
