import { z } from "zod";
import { withHandler, json, readText } from "@/lib/http";
import { getDraftDocument, replaceDraft } from "@/lib/config/config-service";
import { formatOf, parseConfigText, renderYaml } from "@/lib/config/config-format";

const Query = z.object({ format: z.enum(["json", "yaml"]).optional() });

function render(doc: unknown, format: string | undefined, accept: string | null) {
  if (format === "yaml" || (format === undefined && /\byaml\b/.test(accept ?? "")))
    return new Response(renderYaml(doc), { headers: { "content-type": "application/yaml; charset=utf-8", "cache-control": "no-store" } });
  return json(doc);
}

/** The draft as an Envoy v3 bootstrap document (?format=yaml for YAML). */
export const GET = withHandler({ query: Query }, async ({ query, req }) => render(await getDraftDocument(), query.format, req.headers.get("accept")));

/** Replace the draft with a bootstrap document (application/json or application/yaml). 422 lists every problem. */
export const PUT = withHandler({ query: Query }, async ({ req, query, actor }) => {
  const text = await readText(req);
  const doc = parseConfigText(text, formatOf(req.headers.get("content-type"), text));
  return render(await replaceDraft(doc, actor), query.format, req.headers.get("accept"));
});
