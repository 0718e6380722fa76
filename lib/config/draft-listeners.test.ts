// Listener and virtual host edits against a real, freshly migrated SQLite file: what the draft holds after
// each, the 422 paths (relative to the body), and that routes and unedited Envoy fields are kept.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { replaceDraft } from "./draft-write";
import { getDraftDocument } from "./draft-read";
import { createDraftRoute, listDraftRoutes } from "./draft-routes";
import { deleteDraftListener, listDraftListeners, putDraftListener } from "./draft-listeners";
import { deleteDraftVirtualHost, putDraftVirtualHost } from "./draft-virtual-hosts";
import { listAudit } from "../repos/audit-repo";
import { InvalidConfigError } from "../errors";
import { bootstrap, cluster, listener, prefixRoute } from "./test-fixtures";
import { jsonAt } from "../json";
import { createSecret } from "../secrets/secret-service";
import { SYSTEM_ACTOR } from "../actor";
import { makeCertDir, selfSigned } from "../../proxy-core/test/fixtures/certs";

let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-listeners-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
  await migrate("deploy", undefined, { log: () => {} });
});

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  const main = listener("main", 18080, [prefixRoute("/a", "up"), prefixRoute("/b", "up")]);
  // a field the form does not edit, on the listener and on its HTTP connection manager
  Object.assign(main, { traffic_direction: "INBOUND" });
  Object.assign(main.filter_chains[0].filters[0].typed_config, { server_name: "edge-proxy" });
  await replaceDraft(bootstrap([main], [cluster("up", [19001])]), "admin");
});

async function refusal(p: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(InvalidConfigError);
  return (e as InvalidConfigError).errors;
}

describe("listeners", () => {
  it("lists each listener with its protocol and its virtual hosts' domains and route counts", async () => {
    const [main] = await listDraftListeners();
    expect(main).toMatchObject({ name: "main", address: "127.0.0.1", port: 18080, protocol: "http", statPrefix: "main", routes: 2 });
    expect(main.virtualHosts).toEqual([{ name: "default", domains: ["*"], filterChainIndex: 0, routes: 2 }]);
    expect(main.filterChains).toEqual([{ index: 0, protocol: "http", serverNames: [], certificates: [], secrets: [] }]);
  });

  it("an HTTPS listener names a TLS secret (SDS over ADS) in place of files, and refuses both at `secrets`", async () => {
    const certs = makeCertDir();
    try {
      selfSigned(certs.dir, "edge", "edge.test");
      await createSecret({ name: "edge-cert", kind: "tls_certificate", certificate_chain: certs.read("edge.crt"), private_key: certs.read("edge.key") }, SYSTEM_ACTOR);
    } finally {
      certs.cleanup();
    }
    const files = { certificates: [{ certificateChain: "/etc/tls/a.crt", privateKey: "/etc/tls/a.key" }] };
    await putDraftListener("main", { name: "main", port: 18081, protocol: "https", ...files }, "admin");
    const { value } = await putDraftListener("main", { name: "main", port: 18081, protocol: "https", secrets: ["edge-cert"] }, "admin");
    expect(value.item.filterChains[0]).toMatchObject({ protocol: "https", secrets: ["edge-cert"], certificates: [] });
    const common = jsonAt((await getDraftDocument()).static_resources.listeners[0], "filter_chains", 0, "transport_socket", "typed_config", "common_tls_context");
    expect(common).toEqual({ tls_certificate_sds_secret_configs: [{ name: "edge-cert", sds_config: { ads: {} } }] });
    // left out, the secret stays
    expect((await putDraftListener("main", { name: "main", port: 18082, protocol: "https" }, "admin")).value.item.filterChains[0].secrets).toEqual(["edge-cert"]);
    expect(await refusal(putDraftListener("main", { name: "main", port: 18081, protocol: "https", secrets: ["edge-cert"], ...files }, "admin"))).toEqual([
      { path: "secrets", message: "a listener takes its certificates from secrets or from files, not both" },
    ]);
    expect((await refusal(putDraftListener("main", { name: "main", port: 18081, protocol: "https", secrets: [""] }, "admin")))[0].path).toBe("secrets[0]");
    // the draft's check of Envoy's tls_certificate_sds_secret_configs[0].name comes back at the select's field
    expect(await refusal(putDraftListener("main", { name: "main", port: 18081, protocol: "https", secrets: ["edge-cert", "no-such-cert"] }, "admin"))).toEqual([
      { path: "secrets[1]", message: expect.stringContaining("no-such-cert") },
    ]);
  });

  it("replacing a listener keeps its virtual hosts, routes and the fields the body does not edit", async () => {
    const { value } = await putDraftListener("main", { name: "main", port: 18081, protocol: "https", certificates: [{ certificateChain: "/etc/tls/a.crt", privateKey: "/etc/tls/a.key" }], serverNames: ["a.example.com"] }, "admin");
    expect(value.created).toBe(false);
    expect(value.item).toMatchObject({ port: 18081, protocol: "https", routes: 2 });
    expect(value.item.filterChains[0]).toMatchObject({ serverNames: ["a.example.com"], certificates: [{ certificateChain: "/etc/tls/a.crt", privateKey: "/etc/tls/a.key" }] });
    const doc = await getDraftDocument();
    const l = doc.static_resources.listeners[0];
    expect(l.traffic_direction).toBe("INBOUND");
    expect(jsonAt(l, "address", "socket_address")).toEqual({ address: "127.0.0.1", port_value: 18081 });
    const hcm = jsonAt(l, "filter_chains", 0, "filters", 0, "typed_config");
    expect(jsonAt(hcm, "server_name")).toBe("edge-proxy");
    expect(jsonAt(hcm, "route_config", "virtual_hosts", 0, "routes")).toHaveLength(2);
    expect(jsonAt(l, "filter_chains", 0, "transport_socket", "typed_config", "common_tls_context", "tls_certificates")).toEqual([
      { certificate_chain: { filename: "/etc/tls/a.crt" }, private_key: { filename: "/etc/tls/a.key" } },
    ]);
  });

  it("creates a second listener, renames it, and refuses what the draft cannot hold with the body's paths", async () => {
    const { value } = await putDraftListener("edge", { port: 18090, protocol: "http" }, "admin");
    expect(value.created).toBe(true);
    expect(value.item).toMatchObject({ name: "edge", address: "0.0.0.0", port: 18090, protocol: "http", statPrefix: "edge", virtualHosts: [] });

    expect(await refusal(putDraftListener("edge", { port: 0, protocol: "http" }, "admin"))).toEqual([{ path: "port", message: "must be a port between 1 and 65535" }]);
    expect(await refusal(putDraftListener("tls", { port: 18091, protocol: "https", certificates: [{ certificateChain: "/a.crt", privateKey: "" }] }, "admin"))).toEqual([
      { path: "certificates[0].privateKey", message: "the private key's file path is required" },
    ]);
    expect((await refusal(putDraftListener("tls", { port: 18091, protocol: "https" }, "admin")))[0].path).toBe("certificates");
    // 0.0.0.0:18090 holds the port on every address
    expect(await refusal(putDraftListener("clash", { port: 18090, address: "127.0.0.1", protocol: "http" }, "admin"))).toEqual([
      { path: "port", message: '0.0.0.0:18090 is already used by listener "edge"' },
    ]);
    expect((await refusal(putDraftListener("edge", { name: "main", port: 18092, protocol: "http" }, "admin")))[0].path).toBe("name");
    // the composed draft's problems come back at the body's fields too
    expect(await refusal(putDraftListener("tcp", { port: 18093, protocol: "tcp", cluster: "nowhere" }, "admin"))).toEqual([{ path: "cluster", message: 'unknown cluster "nowhere"' }]);

    await putDraftVirtualHost("edge", "api", { domains: ["api.example.com"] }, "admin");
    await createDraftRoute({ listener: "edge", virtualHost: "api", route: prefixRoute("/", "up") }, "admin");
    const renamed = await putDraftListener("edge", { name: "edge2", port: 18090, protocol: "http" }, "admin");
    expect(renamed.value.item).toMatchObject({ name: "edge2", virtualHosts: [{ name: "api", routes: 1 }] });
    expect((await listDraftRoutes()).filter((r) => r.listener === "edge2")).toHaveLength(1);
  });

  it("a listener whose chain holds virtual hosts cannot become TCP; an empty one can", async () => {
    expect((await refusal(putDraftListener("main", { port: 18080, protocol: "tcp", cluster: "up" }, "admin")))[0].path).toBe("protocol");
    await putDraftListener("raw", { port: 18095, protocol: "http" }, "admin");
    const { value } = await putDraftListener("raw", { port: 18095, protocol: "tcp", cluster: "up" }, "admin");
    expect(value.item).toMatchObject({ protocol: "tcp", cluster: "up" });
    expect((await refusal(putDraftVirtualHost("raw", "x", { domains: ["*"] }, "admin")))[0].message).toMatch(/TCP listener has no virtual hosts/);
  });

  it("deleting a listener takes its virtual hosts and routes, and says so", async () => {
    await putDraftListener("edge", { port: 18090, protocol: "http" }, "admin");
    await putDraftVirtualHost("edge", "api", { domains: ["*"] }, "admin");
    await createDraftRoute({ listener: "edge", virtualHost: "api", route: prefixRoute("/x", "up") }, "admin");
    const { value } = await deleteDraftListener("edge", "admin");
    expect(value).toEqual({ name: "edge", virtualHosts: [{ name: "api", routes: 1 }], routes: 1 });
    expect((await listDraftListeners()).map((l) => l.name)).toEqual(["main"]);
    expect(await listDraftRoutes()).toHaveLength(2);
    const [entry] = await listAudit({ limit: 1 });
    expect(entry).toMatchObject({ action: "draft.listener.delete", target: "listener:edge" });
    expect(entry.details).toMatchObject({ routes: 1, virtualHosts: [{ name: "api", routes: 1 }] });
  });
});

describe("virtual hosts", () => {
  it("renaming and changing domains keeps the routes and other fields; deleting takes the routes", async () => {
    const main = listener("main", 18080, [prefixRoute("/a", "up")]);
    Object.assign(main.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0], { require_tls: "NONE" });
    await replaceDraft(bootstrap([main], [cluster("up", [19001])]), "admin");
    const { value } = await putDraftVirtualHost("main", "default", { name: "web", domains: ["www.example.com", "example.com"] }, "admin");
    expect(value.created).toBe(false);
    expect(value.item.virtualHosts).toEqual([{ name: "web", domains: ["www.example.com", "example.com"], filterChainIndex: 0, routes: 1 }]);
    const vh = jsonAt((await getDraftDocument()).static_resources.listeners[0], "filter_chains", 0, "filters", 0, "typed_config", "route_config", "virtual_hosts", 0);
    expect(vh).toMatchObject({ name: "web", require_tls: "NONE", routes: [{ match: { prefix: "/a" } }] });

    expect(await refusal(putDraftVirtualHost("main", "api", { domains: ["EXAMPLE.com"] }, "admin"))).toEqual([
      { path: "domains[0]", message: '"EXAMPLE.com" is already a domain of virtual host "web"' },
    ]);
    expect((await refusal(putDraftVirtualHost("main", "api", { domains: [] }, "admin")))[0].path).toBe("domains");
    expect((await refusal(putDraftVirtualHost("main", "api", { name: "web", domains: ["x"] }, "admin")))[0].path).toBe("name");

    const deleted = await deleteDraftVirtualHost("main", "web", "admin");
    expect(deleted.value).toEqual({ listener: "main", name: "web", routes: 1 });
    expect(await listDraftRoutes()).toEqual([]);
  });
});
