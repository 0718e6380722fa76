// Environments: groups of nodes with their own draft, versions and live version. A request picks one with the
// `X-Signalbox-Environment` header, the `environment` query parameter or the console's environment cookie
// (in that order); none of them means "default".
import { z } from "zod";
import { ENVIRONMENT_NAME_RE, ENVIRONMENT_NAME_RULE } from "../../proxy-core/src/environment-name";

export const DEFAULT_ENVIRONMENT = "default";
export const ENVIRONMENT_HEADER = "x-signalbox-environment";
export const ENVIRONMENT_COOKIE = "signalbox_environment";

/** The spelling of an environment's name, shared with the worker's --environment flag. */
export const EnvironmentName = z.string().regex(ENVIRONMENT_NAME_RE, `an environment name is ${ENVIRONMENT_NAME_RULE}`);

export const EnvironmentInfo = z.object({
  name: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** the environment's live version number, null: nothing published there yet */
  liveNumber: z.number().int().nullable(),
  /** nodes of the environment, and how many are connected */
  nodes: z.number().int(),
  connected: z.number().int(),
});
export type EnvironmentInfo = z.infer<typeof EnvironmentInfo>;

export const EnvironmentList = z.object({ environments: z.array(EnvironmentInfo), current: z.string() });
export type EnvironmentList = z.infer<typeof EnvironmentList>;

export const CreateEnvironmentBody = z.object({ name: EnvironmentName });

/** POST /api/environments/{name}/promote: version `versionId` of another environment becomes the next version here. */
export const PromoteToEnvironmentBody = z.object({
  versionId: z.string().min(1),
  /** defaults to "Promote <environment> v<n>: <its message>" */
  message: z.string().optional(),
  /** reset a target draft with unpublished changes too (they are lost) */
  discardDraft: z.boolean().optional(),
});
