// Which secrets a listener, a cluster or a snapshot references: the proxy's own walk of their TLS contexts
// (secretRefsOf: `tls_certificate_sds_secret_configs` and `validation_context_sds_secret_config`), over the JSON as
// stored, so a draft the proxy's schema would refuse still shows what it uses.
import { secretRefs, secretRefsOf } from "../../proxy-core/src/config/index";

const names = (refs: { name: string }[]) => new Set(refs.map((r) => r.name));

/** The secret names a listener's filter chains reference. */
export const listenerSecretNames = (listener: unknown): Set<string> => names(secretRefsOf([listener], []));

/** The secret names a cluster's upstream TLS references. */
export const clusterSecretNames = (cluster: unknown): Set<string> => names(secretRefsOf([], [cluster]));

/** Every secret name a snapshot's listeners and clusters reference. */
export const snapshotSecretNames = (snapshot: unknown): Set<string> => secretRefs(snapshot);
