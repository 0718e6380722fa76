// An audit entry in words: what was done ("published v12: add /api", "changed route /api on main/default"), to
// what (the route by its match and where it sits, the cluster by name, the version by number and environment)
// and, for a draft write, which resources it changed. Made from the details each writer stored (lib/config/*,
// lib/environment/*, lib/guard/*, lib/rollout/*), old shapes included: a field an older console did not record
// is left out of the words, never guessed. Pure: what is not in the details comes from `DescribeContext`.
import type { AuditChange } from "../contract/audit";
import { DEFAULT_ENVIRONMENT } from "../contract/environments";
import { arr, isObj, matchText, obj, str, valueText, type Obj } from "../config/diff/format";

export interface StoredAudit { id: string; at: Date; actor: string; action: string; target: string; details: unknown }

/** What an entry's words need beyond its details: versions by id, draft routes by id (absent when gone). */
export interface DescribeContext {
  version(id: string): { id: string; number: number; environment: string } | undefined;
  route(id: string): { environment: string; listener: string; virtualHost: string; json: unknown } | undefined;
}

export interface Described {
  summary: string;
  targetLabel: string;
  environment: string | null;
  version: { id: string; number: number; environment: string } | null;
  /** the draft write's own changes, from its details */
  changes: AuditChange[];
  /** changes not in `changes`; null when the details do not say */
  moreChanges: number | null;
  /** the entry made this version: its changes are its diff against the version before it (filled in by the caller) */
  diffOf: string | null;
}

const KINDS = new Set<AuditChange["kind"]>(["listener", "virtual_host", "route", "cluster", "endpoint", "circuit_breaker", "route_tests"]);
const CHANGES = new Set<AuditChange["change"]>(["added", "removed", "changed", "moved"]);
const KIND_WORDS: Record<AuditChange["kind"], string> = {
  listener: "listener", virtual_host: "virtual host", route: "route", cluster: "cluster", endpoint: "endpoint", circuit_breaker: "circuit breaker", route_tests: "route tests",
};

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One draft edit (`{kind, name, change}` as draft-edits.ts records it) in words; null for a shape it does not know. */
export function changeOf(v: unknown): AuditChange | null {
  const o = obj(v);
  const kind = o.kind as AuditChange["kind"];
  const change = o.change as AuditChange["change"];
  const name = str(o.name);
  if (!KINDS.has(kind) || !CHANGES.has(change) || name === undefined) return null;
  const text = kind === "route_tests" ? `route tests ${change}` : `${KIND_WORDS[kind]} ${name} ${change}`;
  return { kind, name, change, text };
}

function recordedChanges(d: Obj): { changes: AuditChange[]; more: number | null } | null {
  if (!Array.isArray(d.changes)) return null;
  const changes = d.changes.map(changeOf).filter((c): c is AuditChange => c !== null);
  return { changes, more: (num(d.moreChanges) ?? 0) + (d.changes.length - changes.length) };
}

// ---------------------------------------------------------------- targets

/** "route /api" and " on main/default": the match of the route as the entry stored it (else as the draft has it now). */
function routeWords(e: StoredAudit, d: Obj, ctx: DescribeContext): { what: string; where: string; environment: string | null } {
  const id = e.target.slice("route:".length);
  const place = ctx.route(id);
  const json = isObj(d.route) ? d.route : place?.json;
  const listener = place?.listener ?? str(d.listener);
  const vhost = place?.virtualHost ?? str(d.virtualHost);
  const recorded = recordedChanges(d)?.changes.find((c) => c.kind === "route")?.name;
  const match = isObj(json) && isObj(json.match) ? matchText(json.match) : recorded;
  return { what: `route ${match ?? id.slice(0, 8)}`, where: listener ? ` on ${listener}${vhost ? `/${vhost}` : ""}` : "", environment: place?.environment ?? null };
}

function versionLabel(v: { number: number; environment: string } | undefined, d: Obj, id: string): string {
  if (v) return `v${v.number} (${v.environment})`;
  const n = num(d.number);
  return n !== undefined ? `v${n}` : `version ${id.slice(0, 8)}`;
}

// ---------------------------------------------------------------- the words of each action

type Words = { summary: string; diff?: boolean };

/** " (no change)" for a write that changed nothing (it recorded an empty list), "" otherwise. */
const noChange = (d: Obj) => (Array.isArray(d.changes) && d.changes.length === 0 ? " (no change)" : "");

function draftWords(e: StoredAudit, d: Obj, target: string, route: { what: string; where: string } | null): Words | null {
  const first = recordedChanges(d)?.changes[0];
  switch (e.action) {
    case "draft.route.create":
      return { summary: `added ${target}${noChange(d)}` };
    case "draft.route.update":
      return { summary: `changed ${target}${noChange(d)}` };
    case "draft.route.delete":
      return { summary: `removed ${target}` };
    case "draft.route.move":
      return { summary: `moved ${route ? `${route.what} ${d.direction === "down" ? "down" : "up"}${route.where}` : target}${noChange(d)}` };
    case "draft.cluster.put": {
      const renamed = str(d.renamedFrom);
      if (renamed) return { summary: `renamed cluster ${renamed} to ${target.slice("cluster ".length)}` };
      const verb = first?.change === "added" ? "added" : first ? "changed" : "saved";
      return { summary: `${verb} ${target}${noChange(d)}` };
    }
    case "draft.cluster.delete":
      return { summary: `removed ${target}` };
    case "draft.replace": {
      const counts = num(d.listeners) !== undefined && num(d.clusters) !== undefined ? ` with ${plural(num(d.listeners)!, "listener")} and ${plural(num(d.clusters)!, "cluster")}` : "";
      return { summary: `replaced the draft${counts}${noChange(d)}` };
    }
    case "draft.discard": {
      const n = Array.isArray(d.discarded) ? d.discarded.length : undefined;
      const live = num(d.live);
      return { summary: `discarded the draft${n !== undefined ? ` (${plural(n, "change")})` : ""}${live !== undefined ? `, back to v${live}` : ""}` };
    }
    case "draft.route_tests": {
      const tests = num(d.tests);
      const count = tests !== undefined ? ` (${plural(tests, "test")})` : "";
      if (first?.change === "removed") return { summary: "removed the route tests" };
      return { summary: `${first?.change === "added" ? "added" : first ? "changed" : "saved"} the route tests${count}${noChange(d)}` };
    }
  }
  return null;
}

function versionWords(e: StoredAudit, d: Obj, ctx: DescribeContext): Words | null {
  const n = num(d.number) ?? ctx.version(e.target)?.number;
  const v = n !== undefined ? `v${n}` : "a version";
  switch (e.action) {
    case "version.publish": {
      const nodes = Array.isArray(d.canaryNodes) ? d.canaryNodes.length : undefined;
      const canary = d.canary !== undefined ? ` as a canary${nodes !== undefined ? ` to ${plural(nodes, "node")}` : ""}` : "";
      const origin = str(d.promotedFrom) ? ctx.version(str(d.promotedFrom)!) : undefined;
      const promoted = str(d.promotedFrom) ? ` (promotion of ${origin ? `${origin.environment} v${origin.number}` : "another environment's version"})` : "";
      const message = str(d.message)?.trim();
      return { summary: `published ${v}${canary}${promoted}${message ? `: ${message}` : ""}`, diff: true };
    }
    case "version.publish.override": {
      const failing = Array.isArray(d.failures) ? ` (${plural(d.failures.length, "failing test")})` : "";
      const reason = str(d.reason);
      return { summary: `published ${v} although its route tests failed${failing}${reason ? `: ${reason}` : ""}` };
    }
    case "version.rollback": {
      const to = num(d.rollbackOfNumber) ?? (str(d.rollbackOf) ? ctx.version(str(d.rollbackOf)!)?.number : undefined);
      const discarded = Array.isArray(d.discardedDraft) && d.discardedDraft.length ? `, discarding ${plural(d.discardedDraft.length, "draft change")}` : "";
      return { summary: `rolled back to ${to !== undefined ? `v${to}` : "an earlier version"}${n !== undefined ? ` (as v${n})` : ""}${discarded}`, diff: true };
    }
    case "version.promote":
      return { summary: `promoted canary ${v} to every node` };
    case "version.canary.abort": {
      const reason = str(d.reason);
      return { summary: `aborted the canary of ${v}${reason ? `: ${reason}` : ""}` };
    }
    case "environment.promote": {
      const from = obj(d.from);
      const source = str(from.environment) && num(from.number) !== undefined ? `${str(from.environment)} v${num(from.number)}` : "a version";
      const into = ctx.version(e.target)?.environment ?? str(d.environment) ?? "another environment";
      const discarded = Array.isArray(d.discardedDraft) && d.discardedDraft.length ? `, discarding ${plural(d.discardedDraft.length, "draft change")}` : "";
      return { summary: `promoted ${source} to ${into}${n !== undefined ? ` (as v${n})` : ""}${discarded}`, diff: true };
    }
    case "guard.start": {
      const ratio = num(d.maxErrorRatio);
      const window = num(d.windowS);
      const rule = ratio !== undefined && window !== undefined ? `: roll back if 5xx > ${+(ratio * 100).toFixed(2)}% within ${window} s` : "";
      return { summary: `started the publish guard on ${v}${rule}` };
    }
    case "guard.rollback": {
      const to = num(d.rollbackNumber);
      const reason = str(d.reason);
      return { summary: `rolled back ${v}${to !== undefined ? ` (as v${to})` : ""} on the publish guard${reason ? `: ${reason}` : ""}` };
    }
  }
  return null;
}

function otherWords(e: StoredAudit, d: Obj): Words {
  switch (e.action) {
    case "environment.create":
      return { summary: `created environment ${e.target}` };
    case "token.create": {
      const scope = str(d.role) ? ` (${str(d.role)})` : str(d.environment) ? ` for environment ${str(d.environment)}` : "";
      return { summary: `created ${str(d.kind) ?? "a"} token ${e.target}${scope}` };
    }
    case "token.revoke":
      return { summary: `revoked ${str(d.kind) ?? "a"} token ${e.target}` };
    case "worker.refused":
      return { summary: `refused a worker from ${e.target}${str(d.reason) ? `: ${str(d.reason)}` : ""}` };
    case "auth.setup":
      return { summary: `created the first admin ${str(d.email) ?? e.actor}` };
    case "auth.login":
      return { summary: `signed in` };
    case "auth.login_failed":
      return { summary: `failed to sign in as ${str(d.email) ?? e.target}${str(d.address) ? ` from ${str(d.address)}` : ""}${str(d.reason) ? `: ${str(d.reason)}` : ""}` };
    case "auth.logout":
      return { summary: "signed out" };
    case "user.create":
      return { summary: `added user ${str(d.email) ?? e.target}${str(d.role) ? ` as ${str(d.role)}` : ""}` };
    case "user.role":
      return { summary: `changed the role of ${str(d.email) ?? e.target}: ${str(d.from) ?? "?"} → ${str(d.to) ?? "?"}` };
    case "user.environments": {
      const list = (v: unknown) => (Array.isArray(v) && v.length ? v.filter((e) => typeof e === "string").join(", ") : "all environments");
      return { summary: `changed the environments ${str(d.email) ?? e.target} may change: ${list(d.from)} → ${list(d.to)}` };
    }
    case "user.remove":
      return { summary: `removed user ${str(d.email) ?? e.target}` };
    case "session.revoke":
      return { summary: `revoked ${typeof d.revoked === "number" ? `${d.revoked} session${d.revoked === 1 ? "" : "s"}` : "a session"} of ${str(d.user) ?? e.target}` };
    case "settings.update": {
      const parts = Object.entries(d).map(([k, c]) => `${k} ${valueText(obj(c).from ?? null)} → ${valueText(obj(c).to ?? null)}`);
      return { summary: `changed the settings${parts.length ? `: ${parts.join("; ")}` : ""}` };
    }
    case "backup.restore": {
      const written = str(d.createdAt);
      const live = obj(d.liveVersion);
      return { summary: `restored a backup${written ? ` written ${written}` : ""}${num(live.number) !== undefined ? `, live v${num(live.number)}` : ""}` };
    }
  }
  return { summary: `${e.action.replace(/[._]/g, " ")} ${e.target}` };
}

// ---------------------------------------------------------------- the entry

const VERSION_ACTIONS = /^(version\.|guard\.|environment\.promote$)/;

export function describeAudit(e: StoredAudit, ctx: DescribeContext): Described {
  const d = obj(e.details);
  const versionEntry = VERSION_ACTIONS.test(e.action);
  const v = versionEntry ? ctx.version(e.target) : undefined;
  const route = e.target.startsWith("route:") ? routeWords(e, d, ctx) : null;
  let targetLabel: string;
  if (route) targetLabel = route.what + route.where;
  else if (e.target.startsWith("cluster:")) targetLabel = `cluster ${e.target.slice("cluster:".length)}`;
  else if (versionEntry) targetLabel = versionLabel(v, d, e.target);
  else if (e.action === "environment.create") targetLabel = `environment ${e.target}`;
  // accounts: the person, not their id
  else if (/^(user|auth)\./.test(e.action) && str(d.email)) targetLabel = str(d.email)!;
  else if (e.target === "draft") targetLabel = "the draft";
  else if (e.target === "store") targetLabel = "the whole store";
  else targetLabel = e.target;

  const words = (e.action.startsWith("draft.") ? draftWords(e, d, targetLabel, route) : null) ?? (versionEntry ? versionWords(e, d, ctx) : null) ?? otherWords(e, d);
  // a draft write names its environment since there are environments; one written before acted on the only one
  const environment =
    str(d.environment) ?? v?.environment ?? route?.environment ?? (e.action === "environment.create" ? e.target : e.action.startsWith("draft.") ? DEFAULT_ENVIRONMENT : null);
  const recorded = recordedChanges(d);
  return {
    summary: words.summary,
    targetLabel,
    environment,
    version: v ? { id: v.id, number: v.number, environment: v.environment } : null,
    changes: recorded?.changes ?? legacyChanges(e, d),
    moreChanges: recorded ? recorded.more : null,
    diffOf: words.diff && v ? v.id : null,
  };
}

/** An entry written before draft writes recorded their changes: the one resource its action names, when it names one. */
function legacyChanges(e: StoredAudit, d: Obj): AuditChange[] {
  const one = (kind: AuditChange["kind"], name: string, change: AuditChange["change"]) => [changeOf({ kind, name, change })!];
  const cluster = e.target.startsWith("cluster:") ? e.target.slice("cluster:".length) : null;
  const route = e.target.startsWith("route:") && isObj(d.route) && isObj(d.route.match) ? str(d.route.name) ?? matchText(d.route.match) : null;
  switch (e.action) {
    case "draft.cluster.put":
      return cluster ? one("cluster", str(d.renamedFrom) ? `${str(d.renamedFrom)} → ${cluster}` : cluster, "changed") : [];
    case "draft.cluster.delete":
      return cluster ? one("cluster", cluster, "removed") : [];
    case "draft.route.create":
      return route ? one("route", route, "added") : [];
    case "draft.route.update":
      return route ? one("route", route, "changed") : [];
    case "draft.discard":
      return arr(d.discarded).map(changeOf).filter((c): c is AuditChange => c !== null);
  }
  return [];
}

/** Every word a `?q=` search looks at, lower case. */
export function searchText(e: StoredAudit, w: Described): string {
  const message = str(obj(e.details).message) ?? "";
  return [w.summary, w.targetLabel, e.actor, e.action, w.environment ?? "", message, ...w.changes.map((c) => c.text)].join("\n").toLowerCase();
}

/** `q` split into words, each of which must appear. */
export const queryWords = (q: string | undefined): string[] => (q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
