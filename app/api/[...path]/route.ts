import { withHandler } from "@/lib/http";
import { notFound } from "@/lib/errors";

// Unknown /api paths: JSON 404 (after the auth check) instead of Next's HTML page.
const handler = withHandler({}, async ({ req }) => {
  throw notFound(`no API endpoint ${req.method} ${new URL(req.url).pathname}`);
});
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
