// ext_authz through the seed 002 front proxy (test/fixtures/seed-configs/002-front-envoy.yaml), run by the real CLI as
// printed: @CERTS@ pointing at a certificate made here, and every port moved to a free one. Two unnamed
// listeners (HTTP and HTTPS) share stat_prefix ingress_http; each checks requests with the OPA-like policy
// "GET from anywhere, POST only over HTTPS, everything else 403", once over gRPC as the seed has it
// (envoy_grpc to the HTTP/2 cluster ext_authz-opa-service) and once as an http_service variant of the same file.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import YAML from "yaml";
import { adminStat, request, startUpstream, waitFor, type Reply, type Upstream } from "./harness";
import { freePort, runCli, type CliProc } from "../fixtures/cli";
import { makeCertDir, selfSigned, type CertSet } from "../fixtures/certs";
import { seedPolicyGrpc, seedPolicyHttp, startGrpcAuthz, startHttpAuthz, type GrpcAuthz, type HttpAuthz } from "./ext-authz-servers";

const SEED = path.resolve(__dirname, "../fixtures/seed-configs/002-front-envoy.yaml");
const SEED_PORTS = { listener: 8080, tls: 8443, service1: 8010, service2: 8020, authz: 9002, admin: 8001 } as const;

let certs: CertSet;
const services: Upstream[] = [];
const procs: CliProc[] = [];
const stops: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  certs = makeCertDir();
  selfSigned(certs.dir, "front-proxy", "front-proxy.local");
  // the seed's file names for the pair
  fs.copyFileSync(certs.file("front-proxy.crt"), certs.file("front-proxy-crt.pem"));
  fs.copyFileSync(certs.file("front-proxy.key"), certs.file("front-proxy-key.pem"));
  for (const name of ["service1", "service2"]) {
    services.push(
      await startUpstream((req, res) => {
        req.resume();
        req.on("end", () => res.end(`${name} ${req.method} ${req.url} ${req.headers["x-forwarded-proto"]}`));
      }),
    );
  }
});
afterAll(async () => {
  await Promise.all(services.map((u) => u.close()));
  certs.cleanup();
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.child.kill("SIGTERM");
    const code = await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000, "timeout"))]);
    if (code === "timeout") await p.kill();
  }
  for (const s of stops.splice(0)) await s();
});

interface Ports {
  listener: number;
  tls: number;
  admin: number;
}

/** The seed's text with @CERTS@ and the ports replaced (each seed port appears once in it). */
async function seedText(authzPort: number): Promise<{ text: string; ports: Ports }> {
  const ports = { listener: await freePort(), tls: await freePort(), admin: await freePort() };
  const map: Record<number, number> = {
    [SEED_PORTS.listener]: ports.listener,
    [SEED_PORTS.tls]: ports.tls,
    [SEED_PORTS.service1]: services[0].port,
    [SEED_PORTS.service2]: services[1].port,
    [SEED_PORTS.authz]: authzPort,
    [SEED_PORTS.admin]: ports.admin,
  };
  const text = fs
    .readFileSync(SEED, "utf8")
    .replaceAll("@CERTS@", certs.dir)
    .replace(/port_value: (\d+)/g, (m, p: string) => (map[Number(p)] !== undefined ? `port_value: ${map[Number(p)]}` : m));
  return { text, ports };
}

async function runProxy(text: string, ports: Ports, name: string): Promise<Ports> {
  const file = certs.file(name);
  fs.writeFileSync(file, text);
  const p = runCli(["-c", file]);
  procs.push(p);
  await waitFor(async () => {
    if (p.child.exitCode !== null) throw new Error(`proxy-core exited: ${p.stderr()}`);
    return (await request(ports.admin, "/ready").catch(() => null))?.status === 200;
  }, "the seed proxy ready");
  return ports;
}

function httpsRequest(port: number, p: string, method = "GET", body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", port, path: p, method, servername: "front-proxy.local", ca: certs.read("front-proxy.crt"), agent: false }, (res) => {
      let b = "";
      res.on("data", (d) => (b += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: b }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const COUNTED = [
  "http.ingress_http.ext_authz.ok",
  "http.ingress_http.ext_authz.denied",
  "http.ingress_http.ext_authz.error",
  "cluster.service1-envoy.ext_authz.ok",
  "cluster.service2-envoy.ext_authz.ok",
  "cluster.service2-envoy.ext_authz.denied",
  "cluster.service2-envoy.upstream_rq_403",
] as const;

async function countersOf(admin: number): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(COUNTED.map(async (n) => [n, (await adminStat(admin, n)) ?? 0] as const)));
}

/**
 * The seed's 250 ms check timeout also covers a first connection to the service; on a loaded test machine that
 * can run out, so GETs (allowed by the policy) go first until one is answered.
 */
async function warmUp(ports: Ports) {
  await waitFor(async () => (await request(ports.listener, "/service/1/warm-up")).status === 200, "a first allowed check", 10_000);
}

/** The policy's three cases through both listeners, and what the stats say about them. */
async function expectSeedPolicy(ports: Ports) {
  const before = await countersOf(ports.admin);
  const get = await request(ports.listener, "/service/1/hello");
  expect(get.status).toBe(200);
  expect(get.body).toBe("service1 GET /service/1/hello http");

  const postHttp = await request(ports.listener, "/service/2/form", { method: "POST", body: "a=1" });
  expect(postHttp.status).toBe(403);
  expect(postHttp.body).toBe("");
  expect(postHttp.headers.server).toBe("envoy");

  const postHttps = await httpsRequest(ports.tls, "/service/2/form", "POST", "a=1");
  expect(postHttps.status).toBe(200);
  expect(postHttps.body).toBe("service2 POST /service/2/form https");

  const after = await countersOf(ports.admin);
  const delta = Object.fromEntries(COUNTED.map((n) => [n, after[n] - before[n]]));
  // both listeners' connection managers count into http.ingress_http.ext_authz, and into the route's cluster
  expect(delta).toEqual({
    "http.ingress_http.ext_authz.ok": 2,
    "http.ingress_http.ext_authz.denied": 1,
    "http.ingress_http.ext_authz.error": 0,
    "cluster.service1-envoy.ext_authz.ok": 1,
    "cluster.service2-envoy.ext_authz.ok": 1,
    "cluster.service2-envoy.ext_authz.denied": 1,
    "cluster.service2-envoy.upstream_rq_403": 1,
  });
}

describe("seed 002 front proxy: ext_authz as printed (gRPC to the OPA service)", () => {
  it("GET over HTTP 200, POST over HTTP 403, POST over HTTPS 200", async () => {
    const authz: GrpcAuthz = await startGrpcAuthz(seedPolicyGrpc);
    stops.push(() => authz.close());
    const { text, ports } = await seedText(authz.port);
    await runProxy(text, ports, "002-grpc.yaml");
    await warmUp(ports);
    const warm = authz.checks.length;
    const sent = await adminStat(ports.admin, "cluster.ext_authz-opa-service.upstream_rq_total");
    await expectSeedPolicy(ports);

    // what the OPA service was asked: Envoy's AttributeContext
    expect(authz.checks).toHaveLength(warm + 3);
    const [get, postHttp, postHttps] = authz.checks.slice(warm).map((c) => c.attributes);
    expect(get.request.http).toMatchObject({ method: "GET", path: "/service/1/hello", host: `127.0.0.1:${ports.listener}`, scheme: "http", protocol: "HTTP/1.1" });
    expect(get.request.http.headers).toMatchObject({ ":method": "GET", ":path": "/service/1/hello", ":authority": `127.0.0.1:${ports.listener}`, "x-forwarded-proto": "http" });
    expect(get.request.http.id).toMatch(/^\d+$/);
    expect(get.source.address.socket_address.address).toBe("127.0.0.1");
    expect(get.destination.address.socket_address.port_value).toBe(ports.listener);
    expect(postHttp.request.http.method).toBe("POST");
    expect(postHttps.request.http).toMatchObject({ method: "POST", scheme: "https" });
    expect(postHttps.request.http.headers["x-forwarded-proto"]).toBe("https");
    expect(postHttps.destination.address.socket_address.port_value).toBe(ports.tls);
    // the check is an HTTP/2 request to the cluster: its request stats count it
    expect(await adminStat(ports.admin, "cluster.ext_authz-opa-service.upstream_rq_total")).toBe(sent! + 3);
  });
});

describe("seed 002 front proxy: the same file with an http_service", () => {
  it("GET over HTTP 200, POST over HTTP 403, POST over HTTPS 200", async () => {
    const authz: HttpAuthz = await startHttpAuthz(seedPolicyHttp);
    stops.push(() => authz.close());
    const { text, ports } = await seedText(authz.port);
    const doc = YAML.parse(text);
    for (const l of doc.static_resources.listeners) {
      const filter = l.filter_chains[0].filters[0].typed_config.http_filters[0];
      filter.typed_config = {
        "@type": filter.typed_config["@type"],
        http_service: { server_uri: { uri: `http://127.0.0.1:${authz.port}`, cluster: "ext_authz-http-service", timeout: "0.250s" } },
        // the policy reads the scheme from x-forwarded-proto, which an HTTP service only gets when allowed
        allowed_headers: { patterns: [{ exact: "x-forwarded-proto" }] },
      };
    }
    const opa = doc.static_resources.clusters.find((c: { name: string }) => c.name === "ext_authz-opa-service");
    doc.static_resources.clusters.push({ name: "ext_authz-http-service", type: "STRICT_DNS", lb_policy: "ROUND_ROBIN", load_assignment: { ...opa.load_assignment, cluster_name: "ext_authz-http-service" } });
    await runProxy(YAML.stringify(doc), ports, "002-http.yaml");
    await warmUp(ports);
    const warm = authz.checks.length;
    await expectSeedPolicy(ports);

    expect(authz.checks.slice(warm).map((c) => `${c.method} ${c.path} ${c.headers["x-forwarded-proto"]}`)).toEqual(["GET /service/1/hello http", "POST /service/2/form http", "POST /service/2/form https"]);
    expect(await adminStat(ports.admin, "cluster.ext_authz-http-service.upstream_rq_403")).toBe(1);
  });
});
