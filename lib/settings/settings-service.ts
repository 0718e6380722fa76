// Console settings (GET/PUT /api/settings): read with the defaults filled in; a change is validated against
// the contract, written with its audit entry in one transaction, and applied to the running telemetry at once.
import type { z } from "zod";
import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from "../contract/settings";
import { addAudit } from "../repos/audit-repo";
import { loadSettings, saveSettings } from "../repos/settings-repo";
import { transaction } from "../repos/transaction";
import { getTelemetry } from "../telemetry/registry";

export async function getSettings(): Promise<Settings> {
  return { ...DEFAULT_SETTINGS, ...((await loadSettings()) ?? {}) };
}

export async function updateSettings(patch: z.infer<typeof SettingsPatch>, actor: string): Promise<Settings> {
  const next = await transaction(async (tx) => {
    const before: Settings = { ...DEFAULT_SETTINGS, ...((await loadSettings(tx)) ?? {}) };
    const after = Settings.parse({ ...before, ...patch });
    await saveSettings(tx, after);
    const changed = Object.fromEntries(Object.keys(patch).map((k) => [k, { from: before[k as keyof Settings], to: after[k as keyof Settings] }]));
    await addAudit(tx, { actor, action: "settings.update", target: "settings", details: changed });
    return after;
  });
  getTelemetry()?.settingsChanged(next);
  return next;
}
