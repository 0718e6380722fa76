// Draft rows keep their ids across a whole-draft write (PUT /api/config, rollback, discard, automated
// publishes): a freshly decomposed document gets new ids, and each row takes the id of the row it replaces
// when their natural keys match, so only what really changed is written (lib/repos/draft-repo.ts) and the
// route ids the console shows stay valid. Pure: mutates and returns `next`.
import type { DraftRows } from "./draft-mapper";

type Row = { id: string };

/**
 * Gives each row of `next` whose id is unknown in `old` the id of the unclaimed old row with the same key.
 * Returns new id → adopted id, for the children's parent references.
 */
function adopt<R extends Row>(next: R[], old: R[], key: (r: R) => string): Map<string, string> {
  const oldIds = new Set(old.map((r) => r.id));
  const claimed = new Set(next.filter((r) => oldIds.has(r.id)).map((r) => r.id));
  const free = new Map<string, string>();
  for (const o of old) {
    const k = key(o);
    if (!claimed.has(o.id) && !free.has(k)) free.set(k, o.id);
  }
  const moved = new Map<string, string>();
  for (const r of next) {
    if (oldIds.has(r.id)) continue;
    const id = free.get(key(r));
    if (id === undefined) continue;
    free.delete(key(r));
    moved.set(r.id, id);
    r.id = id;
  }
  return moved;
}

const follow = (moved: Map<string, string>, id: string) => moved.get(id) ?? id;

export function adoptIds(old: DraftRows, next: DraftRows): DraftRows {
  const listeners = adopt(next.listeners, old.listeners, (l) => l.name);
  for (const v of next.virtualHosts) v.listenerId = follow(listeners, v.listenerId);
  const vhosts = adopt(next.virtualHosts, old.virtualHosts, (v) => `${v.listenerId}\u0000${v.filterChainIndex}\u0000${v.name}`);
  for (const r of next.routes) r.virtualHostId = follow(vhosts, r.virtualHostId);
  // routes are named before they are stored (route-names.ts); an unnamed one can only keep its id by position
  adopt(next.routes, old.routes, (r) => `${r.virtualHostId}\u0000${r.name ?? `#${r.position}`}`);

  const clusters = adopt(next.clusters, old.clusters, (c) => c.name);
  for (const e of next.endpoints) e.clusterId = follow(clusters, e.clusterId);
  for (const c of next.circuitBreakers) c.clusterId = follow(clusters, c.clusterId);
  adopt(next.endpoints, old.endpoints, (e) => `${e.clusterId}\u0000${e.localityIndex}\u0000${e.position}`);
  adopt(next.circuitBreakers, old.circuitBreakers, (c) => `${c.clusterId}\u0000${c.position}`);
  return next;
}
