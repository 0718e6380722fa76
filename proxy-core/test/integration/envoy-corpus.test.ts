// The Envoy parsing corpus (test/fixtures/envoy-corpus/): `proxy-core --mode validate -c` on every file must give
// what the file's header says (`# expect: ok` with its `# warn:` lines, or exactly one problem line containing the
// `# expect:` text), and a few accepted files are started for real (`-c`) with traffic through them.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort, runCli, settled, type CliProc } from "../fixtures/cli";
import { request, startUpstream, waitFor, type Reply } from "./harness";

const CORPUS = path.resolve(__dirname, "../fixtures/envoy-corpus");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-corpus-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Expectation {
  ok: boolean;
  /** ok: substrings of the warnings; refused: a substring of the one problem line */
  texts: string[];
}

function expectationOf(text: string): Expectation {
  const expect = /^# expect: (.+)$/m.exec(text)?.[1];
  if (expect === undefined) throw new Error("no # expect: line");
  const warns = [...text.matchAll(/^# warn: (.+)$/gm)].map((m) => m[1]);
  return expect === "ok" ? { ok: true, texts: warns } : { ok: false, texts: [expect] };
}

/** A copy of a corpus file with its port placeholders filled in. */
function instantiate(file: string, ports: { port: number; upstream: number }): string {
  const text = fs.readFileSync(path.join(CORPUS, file), "utf8").replaceAll("@PORT@", String(ports.port)).replaceAll("@UPSTREAM@", String(ports.upstream));
  const out = path.join(tmp, `${ports.port}-${file}`);
  fs.writeFileSync(out, text);
  return out;
}

/** Log lines are `<time> proxy-core: [level] …`; a refusal's problems are bare `path: message` lines. */
const LOG_LINE = /^\S+ proxy-core: /;
const lines = (s: string) => s.split("\n").filter(Boolean);

async function validate(file: string) {
  const p = runCli(["--mode", "validate", "-c", file], { stdout: "pipe" });
  const code = await settled(p);
  const err = lines(p.stderr());
  return { code, stdout: p.stdout(), problems: err.filter((l) => !LOG_LINE.test(l)), warnings: err.filter((l) => / \[warning\] /.test(l)) };
}

const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith(".yaml")).sort();

/**
 * One file per extension, written from Envoy's docs: `ok-ext-<name>.yaml` (or `ok-ext-<name>-<variant>.yaml`) for
 * each extension Signalbox serves, `refuse-ext-<name>…` for each it refuses with one line naming it
 * (docs/ENVOY-SUPPORT.md). Files under pending/ are refusals that do not give one clear line yet, and are not run.
 */
const SUPPORTED_EXTENSIONS = [
  "ext-authz-http", "ext-authz-grpc", "cors", "local-ratelimit", "fault", "health-check", "buffer", "compressor-gzip",
  "compressor-brotli", "router", "http-connection-manager", "tcp-proxy", "access-log-file", "access-log-stdout",
  "access-log-stderr", "tracer-zipkin", "tls-downstream", "tls-upstream", "tls-inspector",
];
const REFUSED_EXTENSIONS = [
  "lua", "jwt-authn", "rbac", "ratelimit", "grpc-web", "wasm", "oauth2", "ext-proc", "redis-proxy", "mongo-proxy",
  "network-ext-authz", "network-rbac", "http-inspector", "proxy-protocol", "access-log-http-grpc",
  "access-log-open-telemetry", "tracer-opentelemetry", "tracer-datadog", "starttls", "upstream-proxy-protocol",
  "compressor-zstd", "dynamic-resources", "original-dst", "dynamic-forward-proxy", "eds", "listener-original-dst",
];
const hasFileFor = (prefix: string) => files.some((f) => f === `${prefix}.yaml` || f.startsWith(`${prefix}-`));

describe.concurrent("proxy-core --mode validate on the corpus", () => {
  it("has files for every rule, accepted and refused", () => {
    expect(files.filter((f) => f.startsWith("ok-")).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((f) => f.startsWith("refuse-")).length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(expectationOf(fs.readFileSync(path.join(CORPUS, f), "utf8")).ok, f).toBe(f.startsWith("ok-"));
    for (const name of SUPPORTED_EXTENSIONS) expect(hasFileFor(`ok-ext-${name}`), `ok-ext-${name}.yaml`).toBe(true);
    for (const name of REFUSED_EXTENSIONS) expect(hasFileFor(`refuse-ext-${name}`), `refuse-ext-${name}.yaml`).toBe(true);
    // each extension file says which page of Envoy's docs it was written from
    for (const f of files.filter((x) => /^(ok|refuse)-ext-/.test(x)))
      expect(fs.readFileSync(path.join(CORPUS, f), "utf8"), f).toMatch(/^# from: https:\/\/www\.envoyproxy\.io\/docs\/envoy\/\S+$/m);
  });

  for (const f of files) {
    it(f, async () => {
      const exp = expectationOf(fs.readFileSync(path.join(CORPUS, f), "utf8"));
      const file = instantiate(f, { port: 10000, upstream: 10001 });
      const r = await validate(file);
      if (exp.ok) {
        expect(r.problems, r.problems.join("\n")).toEqual([]);
        expect(r.code).toBe(0);
        // Envoy's words (source/server/config_validation/server.cc)
        expect(r.stdout).toBe(`configuration '${file}' OK\n`);
        expect(r.warnings).toHaveLength(exp.texts.length);
        for (const w of exp.texts) expect(r.warnings.some((l) => l.includes(w)), `a warning containing "${w}" in\n${r.warnings.join("\n")}`).toBe(true);
      } else {
        expect(r.code).toBe(1);
        expect(r.stdout).toBe("");
        expect(r.problems).toHaveLength(1);
        expect(r.problems[0]).toContain(exp.texts[0]);
        expect(r.problems[0]).toMatch(/^static_resources\.|^layered_runtime\.|^admin\.|^dynamic_resources: /);
      }
    });
  }

  it("--mode validate binds and contacts nothing: it passes while another process holds the listener's port", async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => holder.close(() => r())));
    const port = (holder.address() as net.AddressInfo).port;
    // serving this file would fail with EADDRINUSE; the upstream (port 1) is never dialled
    const r = await validate(instantiate("ok-unnamed-listener.yaml", { port, upstream: 1 }));
    expect(r.code).toBe(0);
    expect(r.problems).toEqual([]);
  });

  it("--mode validate needs -c, and --mode takes serve or validate", async () => {
    const p = runCli(["--mode", "validate", "--control-plane", "ws://127.0.0.1:1/ws/worker"]);
    expect(await settled(p)).toBe(1);
    expect(p.stderr()).toContain("--mode validate checks a bootstrap file: give -c FILE");
    const q = runCli(["--mode", "init_only", "-c", "x.yaml"]);
    expect(await settled(q)).toBe(1);
    expect(q.stderr()).toContain('--mode must be serve or validate, got "init_only" (init_only is not supported)');
  });
});

/** Starts `proxy-core -c` on a corpus file with a real upstream; resolves once it serves. */
async function serve(file: string) {
  const seen: { url: string; headers: Record<string, unknown> }[] = [];
  const u = await startUpstream((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    setTimeout(() => res.end(`upstream ${req.url}`), req.url?.startsWith("/slow") ? 300 : 0);
  });
  cleanups.push(() => u.close());
  const port = await freePort();
  const config = instantiate(file, { port, upstream: u.port });
  const p: CliProc = runCli(["-c", config, "--drain-time-s", "0"]);
  cleanups.push(() => p.kill());
  await waitFor(() => /started from/.test(p.stderr()) || p.child.exitCode !== null, "the worker to start");
  expect(p.stderr()).toMatch(/started from/);
  return { p, port, seen, config };
}

describe("corpus files started for real", () => {
  // The supported extensions' files that run against the test's one upstream and open no file (not the TLS ones,
  // the file access log's /var/log path, the gRPC ext_authz or the fault filter's random aborts): each serves.
  const SERVED = [
    "ok-ext-access-log-stderr.yaml", "ok-ext-access-log-stdout.yaml", "ok-ext-buffer.yaml", "ok-ext-compressor-brotli.yaml",
    "ok-ext-compressor-gzip.yaml", "ok-ext-cors.yaml", "ok-ext-ext-authz-http.yaml", "ok-ext-health-check.yaml",
    "ok-ext-http-connection-manager.yaml", "ok-ext-local-ratelimit.yaml", "ok-ext-router.yaml", "ok-ext-tcp-proxy.yaml",
    "ok-ext-tcp-proxy-weighted.yaml", "ok-ext-tracer-zipkin.yaml",
  ];
  it.each(SERVED)("%s serves a request through to the upstream", async (f) => {
    const { port, seen } = await serve(f);
    const r = await request(port, "/x");
    expect(r.status).toBe(200);
    expect(r.body).toBe("upstream /x");
    expect(seen.map((s) => s.url)).toContain("/x");
  });

  it("an unnamed listener is named after its address, serves, and keeps its socket across a SIGHUP reload", async () => {
    const { p, port, config } = await serve("ok-unnamed-listener.yaml");
    expect(p.stderr()).toContain(`listeners 127.0.0.1_${port}=127.0.0.1:${port}`);
    expect((await request(port, "/x")).body).toBe("upstream /x");
    fs.writeFileSync(config, fs.readFileSync(config, "utf8").replace('route: { cluster: service }', 'direct_response: { status: 200, body: { inline_string: "reloaded" } }'));
    p.child.kill("SIGHUP");
    await waitFor(async () => (await request(port, "/x")).body === "reloaded", "the reloaded config on the same port");
    expect(p.stderr()).not.toMatch(/cannot bind|reload refused/);
  });

  it("{seconds, nanos} durations and lower-case enums serve as their canonical spellings", async () => {
    const d = await serve("ok-duration-object.yaml");
    expect((await request(d.port, "/a")).status).toBe(200);
    const e = await serve("ok-lowercase-enums.yaml");
    const r = await request(e.port, "/b");
    expect(r.status).toBe(200);
    expect(r.headers["x-corpus"]).toBe("lower-case-enums");
  });

  it("the deprecated append is applied as its append_action, and each use is logged once as a warning", async () => {
    const { p, port, seen } = await serve("ok-deprecated-append.yaml");
    const r = await request(port, "/", { headers: { "x-corpus": "from-client" } });
    // append: false overwrites the client's value upstream; append: true adds to the response
    expect(seen[0].headers["x-corpus"]).toBe("replaced");
    expect(r.headers["x-corpus"]).toBe("added");
    expect(lines(p.stderr()).filter((l) => l.includes("[warning]") && l.includes("append is deprecated"))).toHaveLength(2);
  });

  it("a single-map circuit_breakers.thresholds holds: one request at a time, the rest overflow with 503", async () => {
    const { port } = await serve("ok-single-map-thresholds.yaml");
    const replies = await Promise.all(Array.from({ length: 6 }, () => request(port, "/slow").catch((): Reply => ({ status: 0, headers: {}, body: "" }))));
    expect(replies.filter((x) => x.status === 200).length).toBeGreaterThanOrEqual(1);
    const overflow = replies.filter((x) => x.status === 503);
    expect(overflow.length).toBeGreaterThanOrEqual(1);
    expect(overflow[0].headers["x-envoy-overloaded"]).toBe("true");
  });

  it("/server_info shows the bootstrap's node.id and node.cluster, in Envoy's shape", async () => {
    const { p } = await serve("ok-layered-runtime.yaml");
    const admin = Number(/; admin 127\.0\.0\.1:(\d+)/.exec(p.stderr())![1]);
    const info = JSON.parse((await request(admin, "/server_info")).body);
    expect(info.node).toMatchObject({ id: "corpus-node", cluster: "corpus-cluster", user_agent_build_version: { version: { major_number: expect.any(Number), minor_number: expect.any(Number), patch: expect.any(Number) } } });
    expect(info.command_line_options).toMatchObject({ config_path: expect.stringContaining("ok-layered-runtime.yaml"), mode: "Serve", drain_time: "0s", concurrency: 1 });
    expect((await request(admin, "/clusters")).body).toContain("service::added_via_api::false");
  });
});
