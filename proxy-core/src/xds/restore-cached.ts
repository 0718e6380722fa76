// Start-up from the --cache-dir file: the worker applies the snapshot it last ACKed before it first dials the
// console, as Envoy's xDS subscriptions ask their XdsResourcesDelegate for persisted resources when the
// management server cannot be reached (XdsResourcesDelegate::getResources). Whatever is wrong with the file is a
// warning and the worker starts empty, exactly as it would without a cache.
import { formatIssues, validateResources } from "../config/validate";
import type { ProxyView } from "../server";
import type { Log } from "../log/logger";
import { versionLabel, type CachedSnapshot, type SnapshotCache } from "./snapshot-cache";

const oneLine = (s: string) => s.split("\n").join("; ");

/** Applies the cached snapshot; returns it once it serves, or null (no file, an unusable one, or a refused apply). */
export async function restoreCachedSnapshot(proxy: ProxyView, cache: SnapshotCache, log: Log): Promise<CachedSnapshot | null> {
  const loaded = cache.load();
  if (loaded.kind === "none") {
    log.debug(`no cached snapshot in ${cache.dir} yet`);
    return null;
  }
  if (loaded.kind === "unusable") {
    log.warn(`ignoring the snapshot cache ${cache.file}: ${loaded.reason}`);
    return null;
  }
  const s = loaded.snapshot;
  const label = versionLabel(s);
  // checked first, so that a cache written by another build and refused by this one is only a warning: no
  // update attempt in control_plane.update_rejected, no error_state in /config_dump
  const v = validateResources(s.resources);
  if (!v.ok) {
    log.warn(`ignoring cached version ${label} in ${cache.file}: this build does not accept it: ${oneLine(formatIssues(v.errors))}`);
    return null;
  }
  try {
    await proxy.apply(s.resources, s.versionId);
  } catch (err) {
    // what depends on this host (a port taken, a certificate file gone); the console's next snapshot may apply
    log.warn(`ignoring cached version ${label} in ${cache.file}: it did not apply: ${oneLine((err as Error).message)}`);
    return null;
  }
  log.info(`applied cached version ${label} (id ${s.versionId}, cached ${s.writtenAt}) from ${cache.file}`);
  return s;
}
