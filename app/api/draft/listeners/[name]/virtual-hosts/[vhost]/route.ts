import { withHandler, reply } from "@/lib/http";
import { DeletedVirtualHost, DraftListenerItem, PutVirtualHostBody } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { deleteDraftVirtualHost, putDraftVirtualHost } from "@/lib/config/draft-virtual-hosts";

/** Create (201) or replace (200) a virtual host's name and domains, keeping its routes; answers its listener. */
export const PUT = withHandler({ body: PutVirtualHostBody, response: DraftListenerItem }, async ({ req, params, body, actor }) => {
  const { value, revision } = await putDraftVirtualHost(params.name, params.vhost, body, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value.item, value.created ? 201 : 200, etagHeaders(revision));
});

/** Remove a virtual host with its routes; answers how many routes went with it. */
export const DELETE = withHandler({ response: DeletedVirtualHost }, async ({ req, params, actor }) => {
  const { value, revision } = await deleteDraftVirtualHost(params.name, params.vhost, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value, 200, etagHeaders(revision));
});
