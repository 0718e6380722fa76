// A version as a standalone Envoy v3 bootstrap (GET /api/versions/{id}/bootstrap): its listeners and clusters
// as `static_resources`, plus an admin listener on 127.0.0.1:9901 (Envoy's documented default admin port, see
// Envoy's docs "Administration interface"). `npx proxy-core -c FILE` (or `envoy -c FILE`) runs it as is;
// proxy-core's --admin-address overrides the admin address.
import { Document } from "yaml";
import type { Version } from "../repos/version-repo";
import { validateDocument } from "../config/validation";

export const EXPORT_ADMIN_ADDRESS = { address: "127.0.0.1", port_value: 9901 };

export function versionBootstrap(v: Pick<Version, "snapshot">) {
  return {
    static_resources: { listeners: v.snapshot.listeners, clusters: v.snapshot.clusters },
    admin: { address: { socket_address: { ...EXPORT_ADMIN_ADDRESS } } },
  };
}

export interface Rendered { body: string; contentType: string; fileName: string }

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

export function renderVersionBootstrap(v: Version, format: "yaml" | "json"): Rendered {
  const doc = versionBootstrap(v);
  // a published snapshot passed this check; a failure here means the export itself is wrong
  const errors = validateDocument(doc);
  if (errors.length) throw new Error(`the bootstrap of v${v.number} is not valid: ${errors[0].path}: ${errors[0].message}`);
  const fileName = `signalbox-v${v.number}.${format}`;
  if (format === "json") return { body: JSON.stringify(doc, null, 2) + "\n", contentType: "application/json; charset=utf-8", fileName };
  const yaml = new Document(doc);
  yaml.commentBefore = [
    ` Signalbox v${v.number} (${v.hash.slice(0, 12)}), published ${v.createdAt.toISOString()} by ${oneLine(v.author)}: ${oneLine(v.message)}`,
    ` Envoy v3 bootstrap. Run it with: npx proxy-core -c ${fileName}`,
  ].join("\n");
  return { body: yaml.toString({ lineWidth: 0 }), contentType: "application/yaml; charset=utf-8", fileName };
}
