// Zod's issues → Signalbox's refusals: one line per problem, `path: message`.
// - A field Signalbox does not know is "X is not supported by Signalbox"; a v2 field that Envoy's v3 API dropped
//   says what replaced it (seed 000-fifth's `tls_context` on a filter chain).
// - An extension (a typed_config with an `@type`, or an Any) whose type Signalbox does not implement is named once,
//   by its name and type, instead of one line per field of a config that was never going to fit
//   (`…transport_socket: envoy.transport_sockets.alts (envoy.extensions.transport_sockets.alts.v3.Alts) is not
//   supported by Signalbox`).
import type { z } from "zod";
import { formatPath, joinPath } from "./paths";
import { isPlainObject } from "./warnings";

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Fields of Envoy's v2 API that v3 removed, and what took their place. */
const REMOVED_V2_FIELDS: Readonly<Record<string, string>> = {
  tls_context: "tls_context is Envoy's v2 field, which the v3 API removed: use transport_socket (envoy.transport_sockets.tls with a DownstreamTlsContext or UpstreamTlsContext)",
  config: "config (an untyped extension config) is Envoy's v2 field, which the v3 API removed: use typed_config with an @type",
  hosts: "hosts is Envoy's v2 field, which the v3 API removed: use load_assignment",
};

type Path = readonly PropertyKey[];

function at(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

const shortType = (t: string) => t.slice(t.lastIndexOf("/") + 1);

/** "name (type)", "name" or "type" of an extension object; null when `v` is not one. */
function extensionLabel(v: unknown): string | null {
  if (!isPlainObject(v)) return null;
  const type = typeof v["@type"] === "string" ? v["@type"] : isPlainObject(v.typed_config) && typeof v.typed_config["@type"] === "string" ? v.typed_config["@type"] : undefined;
  if (type === undefined) return null;
  const name = typeof v.name === "string" && v.name !== "" ? v.name : undefined;
  return name !== undefined ? `${name} (${shortType(type)})` : shortType(type);
}

/** Where an issue about an extension's type puts the extension: the Any, or the {name, typed_config} around it. */
function refusedExtension(issue: z.core.$ZodIssue, input: unknown): Path | null {
  const p = issue.path;
  if (p[p.length - 1] !== "@type" || at(input, p) === undefined) return null;
  const typed = p.length >= 2 && p[p.length - 2] === "typed_config";
  const root = p.slice(0, typed ? -2 : -1);
  // the schema refused the type itself (a type it implements with a bad field is reported field by field)
  return typeof at(input, p) === "string" ? root : null;
}

const startsWith = (path: Path, root: Path) => root.length <= path.length && root.every((p, i) => path[i] === p);

/** One line per problem; `input` is the document the schema parsed (to name refused extensions). */
export function zodIssues(error: z.ZodError, input: unknown, prefix = ""): ConfigIssue[] {
  const refused: Path[] = [];
  for (const i of error.issues) {
    const root = refusedExtension(i, input);
    // a schema that already words its refusal of the type in one line (access loggers) keeps its line
    if (root !== null && (i.code === "invalid_value" || error.issues.some((j) => j !== i && startsWith(j.path, root)))) refused.push(root);
  }
  const out: ConfigIssue[] = [];
  const named = new Set<string>();
  for (const issue of error.issues) {
    const root = refused.find((r) => startsWith(issue.path, r));
    if (root !== undefined) {
      const path = joinPath(prefix, formatPath(root));
      if (named.has(path)) continue;
      named.add(path);
      out.push({ path, message: `${extensionLabel(at(input, root)) ?? "this extension"} is not supported by Signalbox` });
      continue;
    }
    const base = joinPath(prefix, formatPath(issue.path));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        // a named extension under an unknown field (cluster_type: {name, typed_config}) is named by what it is
        const v = at(input, [...issue.path, key]);
        const label = isPlainObject(v) && typeof v.name === "string" ? extensionLabel(v) : null;
        out.push({ path: joinPath(base, formatPath([key])), message: REMOVED_V2_FIELDS[key] ?? `${label ?? key} is not supported by Signalbox` });
      }
    } else if ((issue.code === "invalid_type" || issue.code === "invalid_value") && at(input, issue.path) === undefined) {
      // zod leaves the input out of its issues: the document tells a missing field from a wrong one
      out.push({ path: base, message: "is required" });
    } else if (issue.code === "invalid_union" && extensionLabel(at(input, issue.path)) !== null) {
      out.push({ path: base, message: `${extensionLabel(at(input, issue.path))} is not supported by Signalbox` });
    } else {
      out.push({ path: base, message: issue.message });
    }
  }
  return collapseClusterKinds(out);
}

const CLUSTER_KIND = /^(.*clusters\[\d+\])\.(type|cluster_type)$/;

/**
 * A cluster of a kind Signalbox does not build is one problem: its kind. What Envoy requires with that kind
 * (`lb_policy: CLUSTER_PROVIDED` with ORIGINAL_DST and dynamic_forward_proxy, `eds_cluster_config` with EDS) would
 * each add a line about a config that was never going to fit.
 */
function collapseClusterKinds(issues: ConfigIssue[]): ConfigIssue[] {
  const kinds = new Set<string>();
  for (const i of issues) {
    const m = CLUSTER_KIND.exec(i.path);
    if (m !== null) kinds.add(m[1]);
  }
  if (kinds.size === 0) return issues;
  const follows = (i: ConfigIssue, cluster: string) =>
    i.path === `${cluster}.eds_cluster_config` || (i.path === `${cluster}.lb_policy` && i.message.startsWith("CLUSTER_PROVIDED "));
  return issues.filter((i) => ![...kinds].some((c) => follows(i, c)));
}
