import { withHandler } from "@/lib/http";
import { Settings, SettingsPatch } from "@/lib/contract";
import { getSettings, updateSettings } from "@/lib/settings/settings-service";

/** {retentionHours, zipkinCollectorUrl} */
export const GET = withHandler({ response: Settings }, async () => getSettings());

/** A partial change; audited with its actor, applied to telemetry at once. */
export const PUT = withHandler({ body: SettingsPatch, response: Settings, role: "admin" }, async ({ body, actor }) => updateSettings(body, actor.name));
