import { withHandler, reply, noContent } from "@/lib/http";
import { DraftClusterItem, PutClusterBody } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { deleteDraftCluster, putDraftCluster } from "@/lib/config/draft-clusters";

/** Create (201) or replace (200) a cluster; a different `name` in the body renames it (routes follow). */
export const PUT = withHandler({ body: PutClusterBody, response: DraftClusterItem }, async ({ req, params, body, actor }) => {
  const { value, revision } = await putDraftCluster(params.name, body, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value.item, value.created ? 201 : 200, etagHeaders(revision));
});

export const DELETE = withHandler({}, async ({ req, params, actor }) => {
  const { revision } = await deleteDraftCluster(params.name, actor.name, { ifMatch: ifMatchOf(req) });
  return noContent(etagHeaders(revision));
});
