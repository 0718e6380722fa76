// Setting the owner of a draft resource (PUT /api/draft/ownership, admin). Ownership is console metadata: the
// Envoy snapshot does not change, so it moves no draft revision and is no DraftChange; it is audited.
import type { Actor } from "../actor";
import type { Ownership, OwnershipBody } from "../contract/teams";
import { ApiError, notFound } from "../errors";
import { addAudit } from "../repos/audit-repo";
import { loadDraftRows, setDraftOwner } from "../repos/draft-repo";
import { existingTeams } from "../repos/team-repo";
import { transaction } from "../repos/transaction";
import { forgetDraftReads } from "../config/draft-read";
import { serialized } from "../config/draft-lock";
import { currentEnvironment } from "../environment/scope";
import { routeLabel } from "./ownership-rules";

export async function setOwnership(body: OwnershipBody, by: Actor): Promise<Ownership> {
  const env = currentEnvironment();
  // under the config lock: a draft write in flight carries the owners it read
  const out = await serialized(() =>
    transaction(async (tx) => {
      if (body.team !== null && (await existingTeams([body.team], tx)).length === 0)
        throw new ApiError(400, "bad_request", `team: there is no team ${body.team}`, { errors: [{ path: "team", message: `there is no team ${body.team}` }] });
      const rows = await loadDraftRows(env, tx);
      let found: { id: string; name: string } | undefined;
      if (body.kind === "route") {
        const r = rows.routes.find((x) => x.id === body.id);
        found = r && { id: r.id, name: routeLabel(r) };
      } else if (body.kind === "virtual_host") {
        const l = rows.listeners.find((x) => x.name === body.listener);
        const v = l && rows.virtualHosts.find((x) => x.listenerId === l.id && x.name === body.name);
        found = v && { id: v.id, name: `${l.name}/${v.name}` };
      } else {
        const c = rows.clusters.find((x) => (body.name !== undefined ? x.name === body.name : x.id === body.id));
        found = c && { id: c.id, name: c.name };
      }
      const label = body.kind.replace("_", " ");
      if (!found) throw notFound(`there is no ${label} ${body.kind === "virtual_host" ? `${body.listener}/${body.name}` : (body.id ?? body.name)} in the draft`);
      await setDraftOwner(body.kind, found.id, body.team, tx);
      await addAudit(tx, { actor: by, action: "draft.ownership", target: `${label} ${found.name}`, details: { environment: env, kind: body.kind, id: found.id, team: body.team } });
      return { kind: body.kind, id: found.id, name: found.name, owner: body.team };
    }),
  );
  forgetDraftReads();
  return out;
}
