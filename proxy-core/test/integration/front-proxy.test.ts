// Acceptance walkthrough: Envoy's classic five-step front-proxy, from v3 bootstrap YAML fixtures
// (test/fixtures/front-proxy/step{1..5}.yaml) run unchanged through the real CLI on loopback ports.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { adminStat, request, startUpstream, waitFor, type Upstream } from "./harness";
import { freePort, runCli, type CliProc } from "../fixtures/cli";
import { makeCertDir, selfSigned, type CertSet } from "../fixtures/certs";

const FIXTURES = path.resolve(__dirname, "../fixtures/front-proxy");
let certs: CertSet;
const ups: Upstream[] = [];
const procs: CliProc[] = [];
const seenProto: string[] = [];

beforeAll(async () => {
  certs = makeCertDir();
  selfSigned(certs.dir, "front-proxy", "front-proxy.local");
  // three services; /slow answers after 300 ms (step 4)
  for (const name of ["first-a", "first-b", "second"]) {
    ups.push(
      await startUpstream((req, res) => {
        seenProto.push(String(req.headers["x-forwarded-proto"]));
        const reply = () => res.end(`${name} ${req.url}`);
        if (req.url!.includes("slow")) setTimeout(reply, 300);
        else reply();
      }),
    );
  }
});
afterAll(async () => {
  await Promise.all(ups.map((u) => u.close()));
  certs.cleanup();
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.child.kill("SIGTERM");
    const code = await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000, "timeout"))]);
    if (code === "timeout") await p.kill();
  }
});

async function runStep(step: number): Promise<{ port: number; admin: number }> {
  const port = await freePort();
  const admin = await freePort();
  const yaml = fs
    .readFileSync(path.join(FIXTURES, `step${step}.yaml`), "utf8")
    .replaceAll("__LISTENER_PORT__", String(port))
    .replaceAll("__ADMIN_PORT__", String(admin))
    .replaceAll("__UPSTREAM_1__", String(ups[0].port))
    .replaceAll("__UPSTREAM_2__", String(ups[1].port))
    .replaceAll("__UPSTREAM_3__", String(ups[2].port))
    .replaceAll("__CERT_DIR__", certs.dir);
  const file = certs.file(`step${step}.yaml`);
  fs.writeFileSync(file, yaml);
  const p = runCli(["-c", file]);
  procs.push(p);
  await waitFor(async () => {
    if (p.child.exitCode !== null) throw new Error(`proxy-core exited: ${p.stderr()}`);
    return (await request(admin, "/ready").catch(() => null))?.status === 200;
  }, `step ${step} ready`);
  return { port, admin };
}

describe("front-proxy walkthrough (real CLI, v3 YAML)", () => {
  it("step 1: /first reaches the service; anything else is the 403 direct_response", async () => {
    const { port, admin } = await runStep(1);
    const r = await request(port, "/first/hello");
    expect(r.status).toBe(200);
    expect(r.body).toBe("first-a /first/hello");
    expect(r.headers.server).toBe("envoy");
    expect(r.headers["x-envoy-upstream-service-time"]).toMatch(/^\d+$/);
    expect(r.headers["keep-alive"]).toBeUndefined();
    const f = await request(port, "/other");
    expect(f.status).toBe(403);
    expect(f.body).toBe("Forbidden by the front proxy\n");
    expect(f.headers["content-type"]).toBe("text/plain");
    expect(await adminStat(admin, "http.ingress_http.rq_direct_response")).toBe(1);
    expect(await adminStat(admin, "cluster.first_cluster.upstream_rq_200")).toBe(1);
  });

  it("step 2: two endpoints, round robin: four requests split 2/2", async () => {
    const { port, admin } = await runStep(2);
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await request(port, "/first")).body);
    expect(bodies.filter((b) => b.startsWith("first-a")).length).toBe(2);
    expect(bodies.filter((b) => b.startsWith("first-b")).length).toBe(2);
    expect(await adminStat(admin, "cluster.first_cluster.membership_total")).toBe(2);
  });

  it("step 3: a second cluster for /second", async () => {
    const { port } = await runStep(3);
    expect((await request(port, "/second/x")).body).toBe("second /second/x");
    expect((await request(port, "/first")).body).toMatch(/^first-[ab] \/first$/);
    expect((await request(port, "/nope")).status).toBe(403);
  });

  it("step 4: circuit breakers at 1/1/1: 40 concurrent slow requests → some 503 overflow, pending_overflow > 0", async () => {
    const { port, admin } = await runStep(4);
    const replies = await Promise.all(Array.from({ length: 40 }, () => request(port, "/first/slow")));
    const ok = replies.filter((r) => r.status === 200);
    const overflow = replies.filter((r) => r.status === 503);
    expect(ok.length).toBeGreaterThan(0);
    expect(overflow.length).toBeGreaterThan(0);
    expect(ok.length + overflow.length).toBe(40);
    for (const r of overflow) {
      expect(r.body).toBe("upstream connect error or disconnect/reset before headers. reset reason: overflow");
      expect(r.headers["x-envoy-overloaded"]).toBe("true");
    }
    const stats = (await request(admin, "/stats")).body;
    const pending = Number(/^cluster\.first_cluster\.upstream_rq_pending_overflow: (\d+)$/m.exec(stats)?.[1]);
    expect(pending).toBeGreaterThan(0);
    expect(await adminStat(admin, "cluster.first_cluster.upstream_rq_503")).toBe(overflow.length);
    // the second cluster has Envoy's default thresholds and is unaffected
    expect((await request(port, "/second")).status).toBe(200);
  });

  it("step 5: the same listener behind TLS, certificate and key from files", async () => {
    const { port, admin } = await runStep(5);
    seenProto.length = 0;
    const ca = certs.read("front-proxy.crt");
    const get = (p: string) =>
      new Promise<{ status: number; body: string; protocol: string }>((resolve, reject) => {
        const req = https.request({ host: "127.0.0.1", port, path: p, servername: "front-proxy.local", ca, agent: false }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode!, body, protocol: (res.socket as import("node:tls").TLSSocket).getProtocol() ?? "" }));
        });
        req.on("error", reject);
        req.end();
      });
    const r = await get("/first");
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^first-[ab] \/first$/);
    expect(r.protocol).toBe("TLSv1.3");
    expect((await get("/second")).body).toBe("second /second");
    expect((await get("/elsewhere")).status).toBe(403);
    expect(seenProto).toEqual(["https", "https"]);
    // plaintext HTTP on the TLS port gets no HTTP answer
    await expect(request(port, "/first")).rejects.toThrow();
    const addr = `127.0.0.1_${port}`;
    expect(await adminStat(admin, `listener.${addr}.ssl.handshake`)).toBe(3);
    expect(await adminStat(admin, `listener.${addr}.ssl.connection_error`)).toBe(1);
    expect(await adminStat(admin, "http.ingress_http.downstream_cx_ssl_total")).toBe(3);
  });
});
