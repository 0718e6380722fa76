import { withHandler } from "@/lib/http";
import { notFound } from "@/lib/errors";
import { BootstrapExportQuery } from "@/lib/contract";
import { renderVersionBootstrap } from "@/lib/backup/bootstrap";
import { getVersion } from "@/lib/repos/version-repo";

/** Version {id} as an Envoy v3 bootstrap file ({static_resources, admin}) that `proxy-core -c` runs; YAML unless ?format=json. */
export const GET = withHandler({ query: BootstrapExportQuery }, async ({ params, query }) => {
  const v = await getVersion(params.id);
  if (!v) throw notFound(`version ${params.id} not found`);
  const r = renderVersionBootstrap(v, query.format);
  return new Response(r.body, {
    headers: { "content-type": r.contentType, "content-disposition": `attachment; filename="${r.fileName}"`, "cache-control": "no-store" },
  });
});
