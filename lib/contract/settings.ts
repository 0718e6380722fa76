// Console settings (GET/PUT /api/settings): how long telemetry is kept and where spans are forwarded.
import { z } from "zod";

export const Settings = z.object({
  /** hours of 10-second rollups and events kept in SQLite (pruned in the background) */
  retentionHours: z.number().int().min(1).max(24 * 90),
  /** a Zipkin collector (v2 JSON, e.g. http://zipkin:9411/api/v2/spans) the console forwards every span to; null: none */
  zipkinCollectorUrl: z.url({ protocol: /^https?$/ }).nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { retentionHours: 24, zipkinCollectorUrl: null };

export const SettingsPatch = Settings.partial();
