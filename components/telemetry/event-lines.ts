// Events as the feed reads them: one line each, with the figures that matter ("cluster `slow` max_requests (2)
// tripped: 37 refused in 4.2 s"). Details come from the workers (proxy-core/src/protocol.ts WORKER_EVENT_KINDS)
// and the console; fields are read defensively, so an event with fewer details still reads as a sentence.
import type { EventRow } from "@/lib/contract/events";
import { fmtDuration } from "@/components/charts/time-scale";
import type { Tone } from "@/components/ui/status-chip";

/** Text, with `code` parts for names (clusters, hosts, nodes). */
export type LinePart = string | { code: string };

export interface EventLine {
  tone: Tone;
  parts: LinePart[];
}

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function versionName(d: Record<string, unknown>): string {
  const n = num(d.number) ?? num(d.versionNumber);
  if (n !== null) return `v${n}`;
  const v = str(d.version) ?? str(d.versionId);
  return v ? `version ${v.length > 12 ? v.slice(0, 8) : v}` : "a version";
}

/** A canary's nodes: "1 node (`edge-1`)", the first three by name; "no connected node" for none. */
function canaryNodes(v: unknown): LinePart[] {
  const ids = Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  if (!ids.length) return ["no connected node"];
  const shown = ids.slice(0, 3).flatMap((id, i): LinePart[] => (i ? [", ", { code: id }] : [{ code: id }]));
  return [`${ids.length} node${ids.length === 1 ? "" : "s"} (`, ...shown, ids.length > 3 ? ` and ${ids.length - 3} more)` : ")"];
}

const selectorText = (t: unknown): string | null => {
  const sel = (t as { selector?: unknown } | null)?.selector;
  if (!sel || typeof sel !== "object") return null;
  return Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`).join(",") || null;
};

export function describeEvent(e: EventRow): EventLine {
  const d = e.details;
  const cluster: LinePart[] = e.cluster ? ["cluster ", { code: e.cluster }, " "] : [];
  const host = str(d.host);
  switch (e.kind) {
    case "circuit_breaker": {
      const what = `${str(d.threshold) ?? "a limit"}${num(d.max) !== null ? ` (${num(d.max)})` : ""}`;
      const refused = num(d.refused) ?? 0;
      if (d.state === "closed") {
        const open = num(d.openMs);
        return { tone: "amber", parts: [...cluster, `${what} tripped: ${refused} refused${open !== null ? ` in ${fmtDuration(open)}` : ""}`] };
      }
      return { tone: "red", parts: [...cluster, `${what} tripped: refusing requests${refused ? `, ${refused} so far` : ""}`] };
    }
    case "outlier_ejection": {
      const h: LinePart[] = host ? ["host ", { code: host }, " "] : ["a host "];
      if (d.ejected === false) return { tone: "green", parts: [...cluster, ...h, "returned from ejection"] };
      const dur = num(d.durationMs);
      return { tone: "red", parts: [...cluster, ...h, `ejected (${str(d.type) ?? "outlier detection"})${dur !== null ? ` for ${fmtDuration(dur)}` : ""}`] };
    }
    case "health_flip": {
      const h: LinePart[] = host ? ["host ", { code: host }, " "] : ["a host "];
      const reason = str(d.reason);
      return d.healthy === true
        ? { tone: "green", parts: [...cluster, ...h, `is healthy${reason ? ` (${reason})` : ""}`] }
        : { tone: "red", parts: [...cluster, ...h, `failed its health check${reason ? ` (${reason})` : ""}`] };
    }
    case "nack":
      return { tone: "red", parts: ["node ", { code: e.node }, ` rejected ${versionName(d)}${str(d.error) ? `: ${str(d.error)}` : ""}`] };
    case "publish":
    case "rollback": {
      const author = str(d.author) ?? str(d.actor);
      const message = str(d.message);
      const verb = e.kind === "publish" ? "published" : `published as a rollback${num(d.rollbackOfNumber) !== null ? ` to v${num(d.rollbackOfNumber)}` : ""}`;
      return { tone: e.kind === "publish" ? "grey" : "amber", parts: [`${versionName(d)} ${verb}${author ? ` by ${author}` : ""}${message ? `: “${message}”` : ""}`] };
    }
    case "guard_rollback":
      return { tone: "red", parts: [`guard rolled back ${versionName(d)}${num(d.rollbackNumber) !== null ? ` as v${num(d.rollbackNumber)}` : ""}: ${str(d.reason) ?? "5xx over the limit"}`] };
    case "guard_passed":
    case "guard_cancelled":
    case "guard_expired":
    case "guard_failed":
      return { tone: e.kind === "guard_passed" ? "green" : e.kind === "guard_failed" ? "red" : "grey", parts: [str(d.reason) ?? `guard of ${versionName(d)}: ${e.kind.slice(6)}`] };
    case "canary_started": {
      const author = str(d.author) ?? str(d.actor);
      const message = str(d.message);
      const sel = selectorText(d.target);
      return {
        tone: "amber",
        parts: [`canary ${versionName(d)} started on `, ...canaryNodes(d.nodes), `${sel ? ` matching ${sel}` : ""}${author ? ` by ${author}` : ""}${message ? `: “${message}”` : ""}`],
      };
    }
    case "canary_promoted":
    case "canary_aborted": {
      const by = str(d.actor) ? ` by ${str(d.actor)}` : "";
      if (e.kind === "canary_promoted") return { tone: "green", parts: [`canary ${versionName(d)} promoted to every node${by}`] };
      return { tone: "amber", parts: [`canary ${versionName(d)} aborted${by}: its nodes went back to the live version${str(d.reason) ? ` (${str(d.reason)})` : ""}`] };
    }
    case "certificate_expiry": {
      const days = num(d.daysLeft) ?? 0;
      const when = d.expired === true ? `expired on ${String(d.notAfter ?? "?").slice(0, 10)}` : `expires in ${days} day${days === 1 ? "" : "s"} (${String(d.notAfter ?? "?").slice(0, 10)})`;
      const used = Array.isArray(d.usedBy) && d.usedBy.length ? `; used by ${d.usedBy.map(String).join(", ")}` : "; not used";
      return { tone: d.expired === true ? "red" : "amber", parts: ["certificate ", { code: str(d.secret) ?? "?" }, ` ${when}${used}`] };
    }
    case "secret_rotated":
      return { tone: "grey", parts: ["secret ", { code: str(d.secret) ?? "?" }, ` rotated${str(d.actor) ? ` by ${str(d.actor)}` : ""}${str(d.notAfter) ? `; now valid until ${String(d.notAfter).slice(0, 10)}` : ""}`] };
    case "connected":
      return { tone: "green", parts: ["node ", { code: e.node }, " connected", str(d.appliedVersion) ? ` (runs ${versionName({ version: d.appliedVersion })})` : ""] };
    case "disconnected":
      return { tone: "amber", parts: ["node ", { code: e.node }, " disconnected"] };
    default: {
      const extra = Object.entries(d)
        .slice(0, 4)
        .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
        .join(" ");
      return { tone: "grey", parts: [...cluster, `${e.kind}${extra ? ` ${extra}` : ""}`] };
    }
  }
}

/** The line as plain text, names in backticks (tests, titles). */
export function eventText(e: EventRow): string {
  return describeEvent(e)
    .parts.map((p) => (typeof p === "string" ? p : `\`${p.code}\``))
    .join("")
    .trim();
}
