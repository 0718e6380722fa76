// Asks a worker's admin interface who it is (GET /server_info, as Envoy's): to adopt a worker left running by a
// previous console, and to know that a freshly spawned one is up.
import http from "node:http";

export interface ServerInfo {
  nodeId: string;
  /** the worker's flags (process.argv after the script) */
  argv: string[];
  uptimeS: number;
}

export function splitHostPort(address: string): { host: string; port: number } | null {
  const i = address.lastIndexOf(":");
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) return null;
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ""), port };
}

/** The admin's /server_info, or null when nothing answers it within `timeoutMs` (refused, silent, not proxy-core). */
export function probeServerInfo(adminAddress: string, timeoutMs = 1000): Promise<ServerInfo | null> {
  const hp = splitHostPort(adminAddress);
  if (!hp) return Promise.resolve(null);
  return new Promise((resolve) => {
    const req = http.get({ host: hp.host, port: hp.port, path: "/server_info", agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
        if (body.length > 64 * 1024) req.destroy();
      });
      res.on("end", () => {
        try {
          const j = JSON.parse(body) as { node?: { id?: unknown }; command_line_options?: { argv?: unknown }; uptime_current_epoch?: unknown };
          const argv = Array.isArray(j.command_line_options?.argv) ? (j.command_line_options.argv as unknown[]).map(String) : [];
          const uptimeS = Number.parseInt(String(j.uptime_current_epoch ?? ""), 10);
          resolve(res.statusCode === 200 && typeof j.node?.id === "string" ? { nodeId: j.node.id, argv, uptimeS: Number.isFinite(uptimeS) ? uptimeS : 0 } : null);
        } catch {
          resolve(null);
        }
      });
      res.on("error", () => resolve(null));
      // cut short (oversized, or the worker went away mid-answer): after 'end' this changes nothing
      res.on("close", () => resolve(null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}
