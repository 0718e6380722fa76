// Helpers the HTTP filter tests share (filter-*.test.ts), on top of harness.ts: the virtual host of a
// harness listener, an access log that records response flags and details, config refusals as lines.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { validateResources } from "../../src/config";
import type { ProxyServer } from "../../src/server";
import { cluster, waitFor, type HttpListener } from "./harness";

const FILE_ACCESS_LOG = "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog";

type HcmConfig = { route_config: { virtual_hosts: Record<string, unknown>[] }; access_log?: unknown[] };

const hcmOf = (l: HttpListener) => l.filter_chains[0].filters[0].typed_config as unknown as HcmConfig;

/** The (only) virtual host of a harness listener, to set its typed_per_filter_config. */
export function virtualHostOf(l: HttpListener): Record<string, unknown> {
  return hcmOf(l).route_config.virtual_hosts[0];
}

/** Adds a file access log of `format` (default: flags and details) to the listener; returns the file's path. */
export function withAccessLog(l: HttpListener, format = "%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS%\n"): string {
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-filter-")), "access.log");
  hcmOf(l).access_log = [{ name: "envoy.access_loggers.file", typed_config: { "@type": FILE_ACCESS_LOG, path: p, log_format: { text_format_source: { inline_string: format } } } }];
  return p;
}

/** Flushes the proxy's access logs until `p` holds at least `n` lines, then returns them. */
export async function accessLogLines(proxy: ProxyServer, p: string, n: number): Promise<string[]> {
  const read = () => (fs.existsSync(p) ? fs.readFileSync(p, "utf8").split("\n").slice(0, -1) : []);
  await waitFor(async () => {
    await proxy.accessLogs.flush();
    return read().length >= n;
  }, `${n} lines in ${p}`);
  return read();
}

/** `path: message` lines validation refuses the listener with (a cluster "c" exists). */
export function refusals(l: HttpListener): string[] {
  const r = validateResources({ listeners: [l], clusters: [cluster("c", [1])] });
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

/** The path of the listener's first HTTP filter's typed_config in refusals. */
export const FIRST_FILTER = "listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config";
export const FIRST_ROUTE = "listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0]";
