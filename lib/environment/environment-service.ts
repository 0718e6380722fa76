// GET/POST /api/environments: the environments with their live version and nodes, and creating one. An
// environment starts with an empty draft and nothing live: its nodes serve nothing (or their cached version)
// until something is published or promoted there.
import type { EnvironmentList } from "../contract/environments";
import { ApiError } from "../errors";
import { addAudit } from "../repos/audit-repo";
import { ensureEnvironment, listEnvironments } from "../repos/environment-repo";
import { listNodes } from "../repos/node-repo";
import { transaction } from "../repos/transaction";
import { liveNumber } from "./promote";
import { currentEnvironment } from "./scope";

export async function listEnvironmentInfos(): Promise<EnvironmentList> {
  const [envs, nodes] = await Promise.all([listEnvironments(), listNodes()]);
  const environments = await Promise.all(
    envs.map(async (e) => {
      const mine = nodes.filter((n) => n.environment === e.name);
      return {
        name: e.name, createdAt: e.createdAt.toISOString(), createdBy: e.createdBy,
        liveNumber: await liveNumber(e.name), nodes: mine.length, connected: mine.filter((n) => n.connected).length,
      };
    }),
  );
  return { environments, current: currentEnvironment() };
}

/** 409 when it exists already. */
export async function createEnvironment(name: string, actor: string): Promise<void> {
  await transaction(async (tx) => {
    if (!(await ensureEnvironment(name, actor, tx))) throw new ApiError(409, "conflict", `environment ${name} exists already`);
    await addAudit(tx, { actor, action: "environment.create", target: name, details: {} });
  });
}
