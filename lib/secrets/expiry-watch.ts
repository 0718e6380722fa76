// Certificate expiry in the event feed: once a day per secret, from 30 days before its notAfter (and every day after
// it passed), a `certificate_expiry` line names the secret, its expiry and what uses it, so a certificate nobody
// rotated is seen on the Overview before clients see it fail. Workers report the same date as Envoy's gauge
// (`listener.<address>.ssl.certificate.<secret>.expiration_unix_time_seconds`, in /api/metrics too).
import { SECRET_WARN_DAYS } from "../contract/secrets";
import { listSecretFacts, markSecretWarned } from "../repos/secret-repo";
import { getTelemetry } from "../telemetry/registry";
import { listSecrets, secretStatus } from "./secret-service";

const CHECK_EVERY_MS = 3600_000;

/** Records today's warnings not recorded yet; answers how many. Never throws (a failed check is retried next hour). */
export async function warnExpiringSecrets(now = Date.now()): Promise<number> {
  try {
    const day = new Date(now).toISOString().slice(0, 10);
    const due = (await listSecretFacts()).filter((r) => secretStatus(r.notAfter, now).status !== "ok" && r.warnedOn !== day);
    if (due.length === 0) return 0;
    const uses = new Map((await listSecrets()).map((s) => [s.name, s.usedBy]));
    for (const r of due) {
      const { status, daysLeft } = secretStatus(r.notAfter, now);
      const usedBy = (uses.get(r.name) ?? []).map((u) => `${u.resource} ${u.name} (${u.environment}${u.in === "draft" ? ", draft" : ""})`);
      getTelemetry()?.events.record({
        ts: now, node: "console", kind: "certificate_expiry",
        details: { secret: r.name, subject: r.subject, notAfter: r.notAfter.toISOString(), daysLeft, expired: status === "expired", usedBy, warnDays: SECRET_WARN_DAYS },
      });
      await markSecretWarned(r.name, day);
    }
    return due.length;
  } catch (e) {
    console.error("[secrets] checking certificate expiry failed:", e);
    return 0;
  }
}

/** Checks now and every hour; answers the stop function. */
export function watchSecretExpiry(): () => void {
  void warnExpiringSecrets();
  const t = setInterval(() => void warnExpiringSecrets(), CHECK_EVERY_MS);
  t.unref();
  return () => clearInterval(t);
}
