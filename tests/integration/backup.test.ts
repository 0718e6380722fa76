// Backup, restore and bootstrap export through the API of real consoles (production build, bundled workers,
// their own SQLite files): a console with history is backed up, its version exported and run by a real
// `proxy-core -c` in front of a real upstream, then the file is restored into a fresh console's data dir and
// must reproduce every version, the draft, the live pointer and the audit trail. Damaged files and a second
// restore are refused, and a backup of the target before and after shows the store untouched.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bodyHash } from "../../lib/backup/file-checks";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { ROOT, api, assertBuilt, ConsoleProcess, errorBody, freePort, get, parsed, startUpstream, tmpDir, waitFor } from "./harness";

const TOKEN = "backup-token-" + Math.random().toString(36).slice(2);

let upA: Awaited<ReturnType<typeof startUpstream>>;
let upB: Awaited<ReturnType<typeof startUpstream>>;
let listenerPort: number;
const dirs: string[] = [];
const consoles: ConsoleProcess[] = [];
let proxy: ChildProcess | null = null;

async function startConsole() {
  const dataDir = tmpDir("signalbox-backup-");
  dirs.push(dataDir);
  const c = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort() });
  consoles.push(c);
  await c.start();
  return { c, call: api(c.base, TOKEN) };
}

const config = (routes: { prefix: string; cluster: string }[]) =>
  bootstrap(
    [listener("edge", listenerPort, routes.map((r) => ({ name: r.prefix.slice(1) || "root", match: { prefix: r.prefix }, route: { cluster: r.cluster } })))],
    [cluster("a", [upA.port]), cluster("b", [upB.port])],
  );

type Call = ReturnType<typeof api>;
const without = <T extends Record<string, unknown>>(o: T, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

async function backupOf(call: Call): Promise<C.BackupFile> {
  const r = await call("GET", "/api/backup");
  expect(r.status, r.text).toBe(200);
  return C.BackupFile.parse(r.json);
}

/** What a restore must reproduce, read through the public API. */
async function storeView(call: Call) {
  const [versions, status, audit, settings] = await Promise.all([
    call("GET", "/api/versions"), call("GET", "/api/draft/status"), call("GET", "/api/audit?limit=1000"), call("GET", "/api/settings"),
  ]);
  const s = C.DraftStatus.parse(status.json);
  return {
    versions: C.VersionList.parse(versions.json).map((v) => without(v, "nodes")),
    draft: { revision: s.revision, draftHash: s.draftHash, live: s.live },
    draftConfig: (await call("GET", "/api/config")).json,
    audit: C.AuditList.parse(audit.json),
    settings: C.Settings.parse(settings.json),
  };
}

beforeAll(async () => {
  assertBuilt();
  [upA, upB] = await Promise.all([startUpstream("A"), startUpstream("B")]);
  listenerPort = await freePort();
}, 30_000);

afterAll(async () => {
  if (proxy && proxy.exitCode === null) proxy.kill("SIGKILL");
  for (const c of consoles) await c.stop();
  for (const u of [upA, upB]) u?.server.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("backup, restore and bootstrap export", () => {
  let file: C.BackupFile;
  let text: string;
  let source: Awaited<ReturnType<typeof storeView>>;
  let v2Yaml: string;

  it("backs up a console with history: versions, a rollback, an edited draft, settings", async () => {
    const { c, call } = await startConsole();
    const publish = async (routes: { prefix: string; cluster: string }[], message: string) => {
      expect((await call("PUT", "/api/config", config(routes))).status).toBe(200);
      const r = await call("POST", "/api/versions", { message });
      expect(r.status, r.text).toBe(201);
      return parsed(r, C.PublishResult);
    };
    const v2 = await publish([{ prefix: "/", cluster: "a" }], "everything to a");
    await publish([{ prefix: "/b", cluster: "b" }, { prefix: "/", cluster: "a" }], "/b to b");
    const rb = await call("POST", `/api/versions/${v2.id}/rollback`, { message: "back to a only" });
    expect(rb.status, rb.text).toBe(201);
    expect((await call("PUT", "/api/config", config([{ prefix: "/new", cluster: "b" }, { prefix: "/", cluster: "a" }]))).status).toBe(200);
    expect((await call("PUT", "/api/settings", { retentionHours: 72 })).status).toBe(200);
    await waitFor("the worker to serve the live version", async () => (await get(listenerPort, "/x")).body === "A /x");

    source = await storeView(call);
    expect(source.versions.map((v) => v.number)).toEqual([4, 3, 2, 1]);
    expect(source.draft.revision).toBeGreaterThan(1);

    const r = await call("GET", "/api/backup");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="signalbox-backup-\d{8}T\d{6}Z\.json"$/);
    text = r.text;
    file = C.BackupFile.parse(JSON.parse(text));
    expect(file.header).toMatchObject({ format: "signalbox-backup", formatVersion: 2, consoleVersion: "0.1.0" });
    expect(file.header.excluded).toEqual(expect.arrayContaining(["Event", "Node", "TelemetryRollup"]));
    expect(file.header.counts).toMatchObject({ ConfigVersion: 4, LiveState: 1, DraftState: 1, ConsoleSettings: 1, DraftRoute: 2 });
    expect(file.header.sha256).toBe(bodyHash(file.tables));

    const y = await call("GET", `/api/versions/${v2.id}/bootstrap`);
    expect(y.status).toBe(200);
    expect(y.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(y.headers.get("content-disposition")).toBe(`attachment; filename="signalbox-v${v2.number}.yaml"`);
    v2Yaml = y.text;
    const doc = parseYaml(v2Yaml);
    expect(doc.admin).toEqual({ address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } });
    const detail = C.VersionDetail.parse((await call("GET", `/api/versions/${v2.id}`)).json);
    expect(doc.static_resources).toEqual(detail.snapshot);
    const j = await call("GET", `/api/versions/${v2.id}/bootstrap?format=json`);
    expect(j.json).toEqual(doc);
    expect((await call("GET", "/api/versions/nope/bootstrap")).status).toBe(404);
    expect((await call("GET", `/api/versions/${v2.id}/bootstrap?format=xml`)).status).toBe(400);
    expect((await api(c.base, null)("GET", "/api/backup")).status).toBe(401);

    await c.stop(); // frees the listener port for the exported bootstrap and the restored console
  }, 120_000);

  it("the exported bootstrap runs in a real `proxy-core -c` and proxies to the real upstream", async () => {
    const dir = tmpDir("signalbox-bootstrap-");
    dirs.push(dir);
    const f = path.join(dir, "v2.yaml");
    fs.writeFileSync(f, v2Yaml);
    const bin = path.join(ROOT, "proxy-core/bin/proxy-core.mjs");
    const admin = `127.0.0.1:${await freePort()}`;
    proxy = spawn(process.execPath, [bin, "-c", f, "--admin-address", admin], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    proxy.stdout!.on("data", (d) => (log += d));
    proxy.stderr!.on("data", (d) => (log += d));
    const hitsBefore = upA.hits.length;
    await waitFor("proxy-core -c to serve the exported version", async () => {
      if (proxy!.exitCode !== null) throw new Error(`proxy-core exited ${proxy!.exitCode}: ${log}`);
      return (await get(listenerPort, "/through/proxy")).body === "A /through/proxy";
    }, 30_000, 100);
    expect(upA.hits.slice(hitsBefore)).toContain("/through/proxy");
    const exited = new Promise((r) => proxy!.once("exit", r));
    proxy.kill("SIGTERM");
    await exited;
  }, 60_000);

  it("refuses damaged files and leaves the fresh target exactly as it was", async () => {
    const { call } = await startConsole();
    const before = await backupOf(call);
    const tampered = structuredClone(file);
    tampered.tables.ConfigVersion[0].author = "mallory";
    const invalid = structuredClone(file);
    const snap = JSON.parse(invalid.tables.ConfigVersion[1].snapshot as string);
    snap.clusters[0].connect_timeout = "soon";
    invalid.tables.ConfigVersion[1].snapshot = JSON.stringify(snap);
    invalid.header.sha256 = bodyHash(invalid.tables);

    const cases: [string, string, number, string][] = [
      ["truncated", text.slice(0, Math.floor(text.length * 0.7)), 400, "invalid_json"],
      ["tampered", JSON.stringify(tampered), 422, "corrupt_backup"],
      ["wrong format", JSON.stringify({ ...file, header: { ...file.header, format: "tarball" } }), 400, "not_a_backup"],
      ["newer format", JSON.stringify({ ...file, header: { ...file.header, formatVersion: 99 } }), 422, "unsupported_backup_version"],
      ["invalid snapshot", JSON.stringify(invalid), 422, "invalid_backup"],
    ];
    for (const [what, body, status, code] of cases) {
      const r = await call("POST", "/api/restore", body);
      expect([what, r.status]).toEqual([what, status]);
      expect([what, errorBody(r).error.code]).toEqual([what, code]);
    }
    const snapErr = await call("POST", "/api/restore", JSON.stringify(invalid));
    expect(errorBody(snapErr).errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^tables\.ConfigVersion\[1\]\.snapshot\.clusters\[0\]\.connect_timeout/) })]));

    const after = await backupOf(call);
    expect(after.tables).toEqual(before.tables);
    expect(after.header.sha256).toBe(before.header.sha256);
  }, 120_000);

  it("restores into the fresh console: every version, the draft, the live pointer and the audit trail, pushed to its worker", async () => {
    const { call } = consoleCall();
    const dry = await call("POST", "/api/restore?dryRun=true", text);
    expect(dry.status, dry.text).toBe(200);
    expect(C.RestoreResult.parse(dry.json)).toMatchObject({ dryRun: true, restored: false, restorable: true, replacesStarter: true, versions: 4, liveVersion: { number: 4 } });
    expect(C.VersionList.parse((await call("GET", "/api/versions")).json).map((v) => v.author)).toEqual(["system"]);

    const r = await call("POST", "/api/restore", text);
    expect(r.status, r.text).toBe(201);
    expect(C.RestoreResult.parse(r.json)).toMatchObject({ restored: true, versions: 4, liveVersion: { number: 4 }, draftRevision: source.draft.revision });

    const target = await storeView(call);
    expect(target.versions).toEqual(source.versions);
    expect(target.draft).toEqual(source.draft);
    expect(target.draftConfig).toEqual(source.draftConfig);
    expect(target.settings).toEqual({ ...source.settings, retentionHours: 72 });
    expect(target.audit[0]).toMatchObject({ action: "backup.restore", actor: "admin", target: "store" });
    expect(target.audit.slice(1)).toEqual(source.audit);

    const restored = await backupOf(call);
    for (const table of Object.keys(file.tables)) {
      if (table === "AuditEvent") expect(restored.tables[table]).toEqual(expect.arrayContaining(file.tables[table]));
      else expect([table, restored.tables[table]]).toEqual([table, file.tables[table]]);
    }

    // the restored live version reached the target's bundled worker, which now serves the source's listener
    await waitFor("the target's worker to serve the restored live version", async () => (await get(listenerPort, "/y")).body === "A /y", 30_000, 100);
    const nodes = C.NodeList.parse((await call("GET", "/api/nodes")).json);
    expect(nodes.find((n) => n.id === "local")).toMatchObject({ appliedVersion: source.draft.live!.id, state: "applied" });
  }, 120_000);

  it("refuses a restore into a store that is not empty with 409, and changes nothing", async () => {
    const { call } = consoleCall();
    const before = await backupOf(call);
    const r = await call("POST", "/api/restore", text);
    expect(r.status).toBe(409);
    expect(errorBody(r).error.message).toMatch(/already has 4 versions/);
    const dry = C.RestoreResult.parse((await call("POST", "/api/restore?dryRun=1", text)).json);
    expect(dry).toMatchObject({ restorable: false, restored: false });
    expect((await backupOf(call)).tables).toEqual(before.tables);
  }, 60_000);
});

function consoleCall() {
  const c = consoles[consoles.length - 1];
  return { c, call: api(c.base, TOKEN) };
}
