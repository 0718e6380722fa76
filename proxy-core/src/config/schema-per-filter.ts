// The structural shape of a `typed_per_filter_config` (route, virtual host, route configuration): filter name →
// typed config. Its entries are checked against each filter's per-route schema by validate.ts
// (schema-http-filters.ts `perFilterConfigIssues`), so filter schemas may use the route schema's matchers
// without an import cycle.
import { z } from "zod";

export const TypedPerFilterConfigShape = z.record(z.string().min(1), z.looseObject({ "@type": z.string().min(1) }));
