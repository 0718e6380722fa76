// The changes between two versions (GET /api/versions/{id}/diff).
import { notFound } from "../errors";
import { getVersion } from "../repos/version-repo";
import { resourceChanges, unifiedDiff } from "./diff";

export async function diffVersions(fromId: string, toId: string) {
  const [a, b] = await Promise.all([getVersion(fromId), getVersion(toId)]);
  if (!a) throw notFound(`version ${fromId} not found`);
  if (!b) throw notFound(`version ${toId} not found`);
  return {
    from: { id: a.id, number: a.number, hash: a.hash },
    to: { id: b.id, number: b.number, hash: b.hash },
    identical: a.hash === b.hash,
    changes: resourceChanges(a.snapshot, b.snapshot),
    unified: unifiedDiff(`v${a.number}`, `v${b.number}`, a.snapshot, b.snapshot),
  };
}
