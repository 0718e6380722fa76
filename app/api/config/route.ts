import { z } from "zod";
import { withHandler, json, readText } from "@/lib/http";
import { compose } from "@/lib/config/draft-mapper";
import { readDraft } from "@/lib/config/draft-read";
import { replaceDraft } from "@/lib/config/draft-write";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { formatOf, parseConfigText, renderYaml } from "@/lib/config/config-format";

const Query = z.object({ format: z.enum(["json", "yaml"]).optional() });

function render(doc: unknown, format: string | undefined, accept: string | null, revision: number) {
  if (format === "yaml" || (format === undefined && /\byaml\b/.test(accept ?? "")))
    return new Response(renderYaml(doc), { headers: { "content-type": "application/yaml; charset=utf-8", "cache-control": "no-store", ...etagHeaders(revision) } });
  return json(doc, 200, etagHeaders(revision));
}

/** The draft as an Envoy v3 bootstrap document (?format=yaml for YAML); ETag: its revision. */
export const GET = withHandler({ query: Query }, async ({ query, req }) => {
  const { rows, revision } = await readDraft();
  return render(compose(rows), query.format, req.headers.get("accept"), revision);
});

/** Replace the draft with a bootstrap document (application/json or application/yaml). 422 lists every problem; 409 on a stale If-Match. */
export const PUT = withHandler({ query: Query }, async ({ req, query, actor }) => {
  const ifMatch = ifMatchOf(req);
  const text = await readText(req);
  const doc = parseConfigText(text, formatOf(req.headers.get("content-type"), text));
  const { value, revision } = await replaceDraft(doc, actor.name, { ifMatch });
  return render(value, query.format, req.headers.get("accept"), revision);
});
