// File references against the real console (production build, its SQLite file, no worker): the paths a config
// names (a direct_response body, a listener's certificate and key, an upstream CA, an access log, a
// text_format_source) are the workers' to open, with Envoy's semantics (any path the worker's process can read;
// README "Threat model"), so the console takes them as they are but never opens one itself and never answers with
// a file's contents: every path here names a FIFO (a named pipe), which nobody ever writes to, so a console that
// opened one would hang on it, and the test checks after each step that no process holds the pipe open for
// reading. A path with a NUL byte or a line break (as Envoy refuses them in a DataSource) is refused with 422 and the
// field's path.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody } from "../../lib/contract/common";
import { api, assertBuilt, ConsoleProcess, freePort, tmpDir, type ApiAnswer } from "./harness";

const TOKEN = "files-token-" + Math.random().toString(36).slice(2);
const SECRET_BODY = "TOP-SECRET-" + Math.random().toString(36).slice(2);
const ROUTES = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes";
let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let fifo: string;
let secretFile: string;

interface Doc {
  static_resources: { listeners: Record<string, unknown>[]; clusters: Record<string, unknown>[] };
}

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-files-");
  fifo = path.join(dataDir, "never-written.pipe");
  execFileSync("mkfifo", [fifo]);
  secretFile = path.join(dataDir, "secret-body.txt");
  fs.writeFileSync(secretFile, SECRET_BODY);
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
}, 60_000);

afterAll(async () => {
  // a console blocked on the pipe would never stop: give it an end of file first
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody reads it, as it should be
  }
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Whether some process has the pipe open for reading (a non-blocking open for writing fails with ENXIO otherwise). */
function pipeIsOpen(): boolean {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENXIO") return false;
    throw e;
  }
}

/** A request that must answer within 10 s (a console reading the pipe would not), and leave the pipe unopened. */
async function step(method: string, p: string, body?: unknown): Promise<ApiAnswer> {
  const r = await Promise.race([
    call(method, p, body),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${method} ${p} did not answer in 10 s: is the console reading ${fifo}?`)), 10_000)),
  ]);
  expect(pipeIsOpen(), `${method} ${p} left ${fifo} open`).toBe(false);
  expect(r.status, `${method} ${p}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  expect(r.text, `${method} ${p}`).not.toContain(SECRET_BODY);
  return r;
}

async function config(): Promise<Doc> {
  return (await call("GET", "/api/config")).json as Doc;
}

function hcm(doc: Doc): Record<string, unknown> {
  const l = doc.static_resources.listeners[0] as { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] };
  return l.filter_chains[0].filters[0].typed_config;
}

function routes(doc: Doc): Record<string, unknown>[] {
  return (hcm(doc).route_config as { virtual_hosts: { routes: Record<string, unknown>[] }[] }).virtual_hosts[0].routes;
}

function paths(r: ApiAnswer): string[] {
  return (ErrorBody.parse(r.json).errors ?? []).map((e) => e.path);
}

describe("paths the workers open", () => {
  it("is taken as Envoy takes it, and the console never opens it: impact, route tester, route tests, diff, publish, export", async () => {
    const doc = await config();
    routes(doc).unshift(
      { name: "from-pipe", match: { prefix: "/pipe" }, direct_response: { status: 200, body: { filename: fifo } } },
      { name: "from-secret", match: { prefix: "/secret" }, direct_response: { status: 200, body: { filename: secretFile } } },
      { name: "traversal", match: { prefix: "/passwd" }, direct_response: { status: 200, body: { filename: "../../../../etc/passwd" } } },
    );
    hcm(doc).access_log = [
      { name: "envoy.access_loggers.file", typed_config: { "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog", path: fifo, log_format: { text_format_source: { filename: fifo } } } },
    ];
    expect((await step("PUT", "/api/config", doc)).status).toBe(200);
    const https = await step("PUT", "/api/draft/listeners/secure", { address: "127.0.0.1", port: await freePort(), protocol: "https", certificates: [{ certificateChain: fifo, privateKey: "../../etc/ssl/private/key.pem" }] });
    expect(https.status).toBe(201);

    // what the draft says comes back as it was written: the names, never the contents
    const back = await step("GET", "/api/config");
    expect(back.text).toContain(JSON.stringify(fifo));
    expect(back.text).toContain("../../../../etc/passwd");
    await step("GET", "/api/draft/validation");
    await step("GET", "/api/draft/diff");
    const impact = await step("GET", "/api/draft/impact");
    expect(impact.text).not.toMatch(/ENOENT|EACCES|cannot be compiled/);

    for (const p of ["/pipe", "/secret", "/passwd"]) {
      const explained = await step("POST", "/api/routes/explain", { host: "any.test", path: p });
      expect(explained.status).toBe(200);
      expect(explained.text).toMatch(/"(from-pipe|from-secret|traversal)"/);
    }
    const tests = { tests: [{ test_name: "secret", input: { authority: "any.test", path: "/secret", method: "GET" }, validate: { path_redirect: "" } }] };
    expect((await step("POST", "/api/draft/route-tests/run", { suite: tests })).status).toBe(200);

    const published = await step("POST", "/api/versions", { message: "paths" });
    expect(published.status, published.text).toBe(201);
    const id = (published.json as { id: string }).id;
    await step("GET", `/api/versions/${id}`);
    await step("GET", `/api/versions/${id}/bootstrap`);
    await step("GET", "/api/backup");
  });

  it("refuses a path with a NUL byte or a line break with 422 and the field's path", async () => {
    const listener = await call("PUT", "/api/draft/listeners/nul", { address: "127.0.0.1", port: await freePort(), protocol: "https", certificates: [{ certificateChain: "/etc/ssl/a.pem\u0000.txt", privateKey: "/etc/ssl/key.pem" }] });
    expect(listener.status, listener.text).toBe(422);
    expect(paths(listener)).toContain("certificates[0].certificateChain");
    expect(ErrorBody.parse(listener.json).errors?.[0]?.message).toMatch(/NUL byte/);

    const cases: [string, (d: Doc) => void, string][] = [
      ["a direct_response body", (d) => routes(d).unshift({ name: "nul", match: { prefix: "/nul" }, direct_response: { status: 200, body: { filename: "/srv/body\u0000.txt" } } }), `${ROUTES}[0].direct_response.body.filename`],
      ["an access log", (d) => void (hcm(d).access_log = [{ typed_config: { "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog", path: "/var/log/a\nb.log" } }]), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.access_log[0].typed_config.path"],
      [
        "an upstream CA",
        (d) =>
          d.static_resources.clusters.push({
            name: "tls-up", type: "STATIC", connect_timeout: "1s",
            load_assignment: { cluster_name: "tls-up", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 443 } } } }] }] },
            transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", common_tls_context: { validation_context: { trusted_ca: { filename: "/etc/ssl/ca\u0000.pem" } } } } },
          }),
        "static_resources.clusters[0].transport_socket.typed_config.common_tls_context.validation_context.trusted_ca.filename",
      ],
    ];
    for (const [what, edit, field] of cases) {
      const doc = await config();
      doc.static_resources.clusters = [];
      edit(doc);
      const r = await call("PUT", "/api/config", doc);
      expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBe(422);
      expect(paths(r), what).toContain(field);
    }
  });
});
