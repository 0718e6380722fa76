// Reading and rendering config documents as JSON or YAML (PUT/GET /api/config).
import { parse, stringify, YAMLParseError } from "yaml";
import { ApiError, badRequest } from "../errors";

const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

export type ConfigFormat = "json" | "yaml";

export function formatOf(contentType: string | null, text: string): ConfigFormat {
  const t = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (t === "application/json" || t.endsWith("+json")) return "json";
  if (YAML_TYPES.includes(t)) return "yaml";
  if (t === "" || t === "text/plain" || t === "application/octet-stream") return /^\s*[[{]/.test(text) ? "json" : "yaml";
  throw new ApiError(415, "unsupported_media_type", `unsupported content type "${t}": send application/json or application/yaml`);
}

/** Parses a request body; malformed JSON/YAML is a 400 with the parser's message (line/column). */
export function parseConfigText(text: string, format: ConfigFormat): unknown {
  if (!text.trim()) throw badRequest("empty body: send an Envoy v3 bootstrap document ({\"static_resources\": {...}})");
  if (format === "json") {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw badRequest(`malformed JSON: ${(e as Error).message}`);
    }
  }
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof YAMLParseError || e instanceof Error) throw badRequest(`malformed YAML: ${e.message.split("\n")[0].replace(/:\s*$/, "")}`);
    throw badRequest("malformed YAML");
  }
}

export function renderYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}
