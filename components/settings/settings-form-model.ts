// The Settings form's text fields ↔ the contract's Settings, validated with the same schema the server uses,
// so the errors shown next to each field as you type are the ones PUT /api/settings would answer with.
import { Settings } from "@/lib/contract/settings";
import type { FieldError } from "@/components/queries/api-client";
import { fromZod, parseIntField } from "@/components/ui/field-errors";

export interface SettingsForm {
  retentionHours: string;
  zipkinCollectorUrl: string;
}

export const toForm = (s: Settings): SettingsForm => ({ retentionHours: String(s.retentionHours), zipkinCollectorUrl: s.zipkinCollectorUrl ?? "" });

const MESSAGES: Record<string, string> = {
  retentionHours: "a whole number of hours, 1 to 2160 (90 days)",
  zipkinCollectorUrl: "an http:// or https:// URL, e.g. http://zipkin:9411/api/v2/spans (empty: none)",
};

/** The settings the form describes, or the errors per field. An empty collector URL means "none". */
export function parseSettingsForm(f: SettingsForm): { value: Settings | null; errors: FieldError[] } {
  const hours = parseIntField(f.retentionHours);
  const candidate = { retentionHours: hours ?? NaN, zipkinCollectorUrl: f.zipkinCollectorUrl.trim() || null };
  const parsed = Settings.safeParse(candidate);
  if (parsed.success) return { value: parsed.data, errors: [] };
  // one readable message per field rather than zod's wording
  const paths = [...new Set(fromZod(parsed.error).map((e) => e.path))];
  return { value: null, errors: paths.map((path) => ({ path, message: MESSAGES[path] ?? "invalid" })) };
}

export const sameSettings = (a: Settings, b: Settings) => a.retentionHours === b.retentionHours && a.zipkinCollectorUrl === b.zipkinCollectorUrl;
