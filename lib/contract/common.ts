// Shapes shared by every endpoint of the console API. The contract modules import nothing but zod and the
// proxy's config types, so route handlers (which answer with them) and react-query hooks (which parse with
// them) use one definition of each response.
import { z } from "zod";

/**
 * A point in time on the wire: an ISO 8601 string. Handlers may hand it a Date (what Prisma returns); parsing
 * turns it into the string JSON carries, so both ends see `string`.
 */
export const IsoTime = z.union([z.string(), z.date()]).transform((v) => (typeof v === "string" ? v : v.toISOString()));

export const FieldError = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** Every non-2xx JSON body. 422 (invalid config) adds `errors`, one per problem with its field path. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  errors: z.array(FieldError).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
