// The ONE service every config change passes through: compose the resulting draft, validate it with the
// contract (422 and nothing changes when invalid), write it in one transaction together with its audit
// entry, then notify the control plane (publish/rollback). Route handlers and server.ts call only this.
import type { ConfigIssue } from "../../proxy-core/src/config/index";
import { transaction } from "../repos/transaction";
import { InvalidConfigError, notFound, conflict } from "../errors";
import { loadDraftRows, replaceDraftRows } from "../repos/draft-repo";
import { countVersions, createVersion, getVersion, type Version } from "../repos/version-repo";
import { getLiveVersionId, setLiveVersionId } from "../repos/live-state-repo";
import { addAudit } from "../repos/audit-repo";
import { listNodes } from "../repos/node-repo";
import { getControlPlane } from "../control-plane/registry";
import { hashResources } from "./canonical";
import { resourceChanges, unifiedDiff } from "./diff";
import {
  compose, composeResources, decompose,
  type BootstrapDoc, type DraftRows, type Resources,
} from "./draft-mapper";
import { nameRoutes } from "./route-names";
import { starterDocument } from "./starter";
import { validateDocument } from "./validation";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// ------------------------------------------------------------------ serialisation of config changes

const LOCK = Symbol.for("signalbox.configLock");
/** Config changes run one at a time per process (server.ts and Next's bundle share the lock via globalThis). */
async function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as unknown as Record<symbol, Promise<void> | undefined>;
  const prev = g[LOCK] ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  g[LOCK] = prev.then(() => mine);
  await prev;
  try {
    return await fn();
  } finally {
    release();
  }
}

const cloneRows = (rows: DraftRows): DraftRows => structuredClone(rows);

function relativize(errors: ConfigIssue[], focus: string | null): ConfigIssue[] {
  if (!focus) return errors;
  return errors.map((e) => {
    if (e.path === focus) return { ...e, path: "" };
    if (e.path.startsWith(focus + ".")) return { ...e, path: e.path.slice(focus.length + 1) };
    if (e.path.startsWith(focus + "[")) return { ...e, path: e.path.slice(focus.length) };
    return e;
  });
}

// ------------------------------------------------------------------ reading

export async function getDraftRows(): Promise<DraftRows> {
  return loadDraftRows();
}

export async function getDraftDocument(): Promise<BootstrapDoc> {
  return compose(await loadDraftRows());
}

export async function getLiveVersion(): Promise<Version | null> {
  const id = await getLiveVersionId();
  return id ? getVersion(id) : null;
}

// ------------------------------------------------------------------ whole-draft replace (PUT /api/config)

/** Replaces the draft with a bootstrap document (parsed JSON/YAML). Throws InvalidConfigError (422). */
export async function replaceDraft(input: unknown, actor: string): Promise<BootstrapDoc> {
  const errors = validateDocument(input);
  if (errors.length) throw new InvalidConfigError(errors);
  const sr = (input as Json).static_resources ?? {};
  // only listeners and clusters belong to the draft (node/admin are per-worker bootstrap settings)
  const doc = { static_resources: { listeners: sr.listeners ?? [], clusters: sr.clusters ?? [] } };
  // routes get a name and stat_prefix where they have none (route-names.ts)
  const rows = nameRoutes(decompose(doc));
  return serialized(async () => {
    await transaction(async (tx) => {
      await replaceDraftRows(tx, rows);
      await addAudit(tx, {
        actor, action: "draft.replace", target: "draft",
        details: { listeners: doc.static_resources.listeners.length, clusters: doc.static_resources.clusters.length, hash: hashResources(doc.static_resources) },
      });
    });
    return compose(rows);
  });
}

/**
 * Applies `change` to a copy of the draft rows, validates the composed document and writes it.
 * `change` returns the absolute path of the submitted resource (errors inside it become relative) and the result.
 */
export async function mutateDraft<T>(
  actor: string,
  audit: { action: string; target: string; details?: unknown },
  change: (rows: DraftRows) => { focus: string | null; result: (rows: DraftRows) => T },
): Promise<T> {
  return serialized(async () => {
    const rows = cloneRows(await loadDraftRows());
    const { focus, result } = change(rows);
    nameRoutes(rows);
    const doc = compose(rows);
    const errors = validateDocument(doc);
    if (errors.length) throw new InvalidConfigError(relativize(errors, focus));
    await transaction(async (tx) => {
      await replaceDraftRows(tx, rows);
      await addAudit(tx, { actor, action: audit.action, target: audit.target, details: audit.details ?? {} });
    });
    return result(rows);
  });
}

// ------------------------------------------------------------------ versions

function notify(v: Version) {
  try {
    getControlPlane()?.pushLive({ id: v.id, number: v.number, snapshot: v.snapshot, author: v.author, message: v.message, rollbackOfId: v.rollbackOfId });
  } catch (e) {
    console.error("[config] pushing the live version failed:", e);
  }
}

/** Publishes the draft as a new version, makes it live and pushes it to every connected worker. */
export async function publish(message: string, actor: string): Promise<Version> {
  const v = await serialized(async () => {
    const resources = composeResources(await loadDraftRows());
    const errors = validateDocument({ static_resources: resources });
    if (errors.length) throw new InvalidConfigError(errors, "the draft is not valid; fix it before publishing");
    return transaction(async (tx) => {
      const parentId = await getLiveVersionId(tx);
      const version = await createVersion(tx, { hash: hashResources(resources), author: actor, message, snapshot: resources, parentId, rollbackOfId: null });
      await setLiveVersionId(tx, version.id);
      await addAudit(tx, { actor, action: "version.publish", target: version.id, details: { number: version.number, hash: version.hash, message } });
      return version;
    });
  });
  notify(v);
  return v;
}

/** New version whose snapshot equals version `id`'s; it becomes live and the draft is reset to it. */
export async function rollback(id: string, actor: string, message?: string): Promise<Version> {
  const v = await serialized(async () => {
    const target = await getVersion(id);
    if (!target) throw notFound(`version ${id} not found`);
    const rows = decompose({ static_resources: target.snapshot });
    return transaction(async (tx) => {
      const parentId = await getLiveVersionId(tx);
      const version = await createVersion(tx, {
        hash: target.hash, author: actor, message: message ?? `Rollback to v${target.number}`,
        snapshot: target.snapshot, parentId, rollbackOfId: target.id,
      });
      await setLiveVersionId(tx, version.id);
      await replaceDraftRows(tx, rows);
      await addAudit(tx, {
        actor, action: "version.rollback", target: version.id,
        details: { number: version.number, hash: version.hash, rollbackOf: target.id, rollbackOfNumber: target.number },
      });
      return version;
    });
  });
  notify(v);
  return v;
}

/**
 * Edits the draft and publishes it as one step under the config lock, for automated changes (the demo).
 * Refuses with 409 when the draft has unpublished changes: they would go live with it, unreviewed. `change`
 * gets a copy of the draft document and returns the next one; it may throw an ApiError to refuse.
 */
export async function publishChange(change: (doc: BootstrapDoc) => BootstrapDoc, message: string, actor: string): Promise<Version> {
  const v = await serialized(async () => {
    const [rows, live] = await Promise.all([loadDraftRows(), getLiveVersion()]);
    const current = composeResources(rows);
    const pending = live ? resourceChanges(live.snapshot, current).length : current.listeners.length + current.clusters.length;
    if (pending > 0)
      throw conflict(`the draft has ${pending} unpublished change${pending === 1 ? "" : "s"}: publish ${pending === 1 ? "it" : "them"} (Review & publish) or discard ${pending === 1 ? "it" : "them"} first, so unreviewed work does not go live with this change`);
    const next = change(structuredClone({ static_resources: current }));
    const errors = validateDocument(next);
    if (errors.length) throw new InvalidConfigError(errors);
    // routes get a name and stat_prefix where they have none (route-names.ts), in the draft and the version alike
    const named = nameRoutes(decompose({ static_resources: { listeners: next.static_resources.listeners ?? [], clusters: next.static_resources.clusters ?? [] } }));
    const resources = composeResources(named);
    return transaction(async (tx) => {
      await replaceDraftRows(tx, named);
      await addAudit(tx, { actor, action: "draft.replace", target: "draft", details: { listeners: resources.listeners.length, clusters: resources.clusters.length, hash: hashResources(resources) } });
      const version = await createVersion(tx, { hash: hashResources(resources), author: actor, message, snapshot: resources, parentId: live?.id ?? null, rollbackOfId: null });
      await setLiveVersionId(tx, version.id);
      await addAudit(tx, { actor, action: "version.publish", target: version.id, details: { number: version.number, hash: version.hash, message } });
      return version;
    });
  });
  notify(v);
  return v;
}

export async function diffVersions(fromId: string, toId: string) {
  const [a, b] = await Promise.all([getVersion(fromId), getVersion(toId)]);
  if (!a) throw notFound(`version ${fromId} not found`);
  if (!b) throw notFound(`version ${toId} not found`);
  return {
    from: { id: a.id, number: a.number, hash: a.hash },
    to: { id: b.id, number: b.number, hash: b.hash },
    identical: a.hash === b.hash,
    changes: resourceChanges(a.snapshot, b.snapshot),
    unified: unifiedDiff(`v${a.number}`, `v${b.number}`, a.snapshot, b.snapshot),
  };
}

/** On an empty database: the starter document becomes the draft and version 1 (author "system"). */
export async function ensureStarterVersion(): Promise<Version | null> {
  if ((await countVersions()) > 0) return null;
  await replaceDraft(starterDocument(), "system");
  return publish("Starter configuration", "system");
}

// ------------------------------------------------------------------ draft status

export async function draftStatus() {
  const [rows, live, nodes] = await Promise.all([loadDraftRows(), getLiveVersion(), listNodes()]);
  const draft = composeResources(rows);
  const empty: Resources = { listeners: [], clusters: [] };
  const connected = nodes.filter((n) => n.connected);
  return {
    live: live ? { id: live.id, number: live.number, hash: live.hash } : null,
    draftHash: hashResources(draft),
    changes: resourceChanges(live?.snapshot ?? empty, draft),
    nodes: {
      total: nodes.length,
      connected: connected.length,
      applied: live ? connected.filter((n) => n.appliedVersionId === live.id).length : 0,
      rejected: connected.filter((n) => n.lastError !== null).length,
    },
  };
}
