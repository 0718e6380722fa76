import { withHandler } from "@/lib/http";
import { notFound } from "@/lib/errors";
import { VersionDetail } from "@/lib/contract";
import { getVersion } from "@/lib/repos/version-repo";

/** One version with its snapshot ({listeners, clusters}). */
export const GET = withHandler({ response: VersionDetail }, async ({ params }) => {
  const v = await getVersion(params.id);
  if (!v) throw notFound(`version ${params.id} not found`);
  return v;
});
