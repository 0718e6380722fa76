// POST /api/routes/explain: one request explained against the draft and the live version side by side, by the
// proxy's own router (proxy-core/src/router/explain.ts: the worker's route table, matchers and the filters'
// per-route configs), so the route tester shows exactly what a worker running each version would do.
import { validateResources, type SnapshotResources } from "../../proxy-core/src/config/index";
import { explainSnapshot, type ExplainRequest, type Explanation } from "../../proxy-core/src/router/explain";
import type { ExplainInput, ExplainResponse } from "../contract/explain";
import { getDraftRows, getLiveVersion } from "../config/config-service";
import { composeResources } from "../config/draft-mapper";

const unexplained = (summary: string): Explanation => ({ listener: null, virtualHost: null, route: null, skipped: [], action: null, upstream: null, filters: [], outcome: { status: null, responseFlag: null, summary } });

/** The snapshot as the worker would load it; a version that does not validate here is said so, never a 500. */
function load(resources: unknown, label: string): { ok: true; value: SnapshotResources } | { ok: false; why: Explanation } {
  const v = validateResources(resources);
  if (v.ok) return { ok: true, value: v.value };
  const first = v.errors[0];
  return { ok: false, why: unexplained(`${label} does not validate (${first ? `${first.path}: ${first.message}` : "?"}): nothing to explain`) };
}

export async function explainRequest(body: ExplainInput): Promise<ExplainResponse> {
  const [rows, live] = await Promise.all([getDraftRows(), getLiveVersion()]);
  const req: ExplainRequest = { method: body.method, authority: body.host, path: body.path, headers: body.headers ?? [], tls: body.tls, internal: body.internal, randomValue: body.randomValue };
  const explain = (resources: unknown, label: string) => {
    const s = load(resources, label);
    return s.ok ? explainSnapshot(s.value, req, { listener: body.listener }) : s.why;
  };
  const draft = load(composeResources(rows), "the draft");
  const listeners = draft.ok ? draft.value.listeners.map((l) => ({ name: l.name, address: `${l.address.socket_address.address}:${l.address.socket_address.port_value}` })) : [];
  return {
    draft: draft.ok ? explainSnapshot(draft.value, req, { listener: body.listener }) : draft.why,
    live: live === null ? null : explain(live.snapshot, `version ${live.number}`),
    liveVersion: live === null ? null : { id: live.id, number: live.number },
    listeners,
  };
}
