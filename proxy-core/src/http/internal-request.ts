// Envoy's internal request (source/common/http/conn_manager_utility.cc, mutateRequestHeaders; docs
// configuration/http/http_conn_man/headers.rst "x-envoy-internal"). Signalbox's connection manager works as
// Envoy's does without use_remote_address: the downstream address is the last x-forwarded-for entry, and a request
// is internal only when the x-forwarded-for it arrived with holds exactly one address and that address is internal
// (RFC 1918, 127.0.0.1, RFC 4193 `fd00::/8`, `::1`: Network::Utility::isInternalAddress, the default when
// internal_address_config is unset). Without x-forwarded-for a request is external, even from a private peer.
// An internal request is marked `x-envoy-internal: true` upstream (a client's own x-envoy-internal is always
// dropped first); an external one loses the route configuration's internal_only_headers.
import net from "node:net";

/** Network::Utility::isInternalAddress for an IP literal. */
export function isInternalAddress(ip: string): boolean {
  const v = net.isIP(ip);
  if (v === 4) {
    const [a, b] = ip.split(".").map(Number);
    return a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || ip === "127.0.0.1";
  }
  if (v === 6) {
    const l = ip.toLowerCase();
    return l.startsWith("fd") || l === "::1" || l === "0:0:0:0:0:0:0:1";
  }
  return false;
}

/**
 * Internal status from the x-forwarded-for the request arrived with (repeated headers joined with ","): a single
 * entry that is an internal address (Utility::getLastAddressFromXFF with no trusted hops).
 */
export function isInternalForwardedFor(xff: string | null): boolean {
  return xff !== null && !xff.includes(",") && isInternalAddress(xff.trim());
}

/** Removes every header named in `lowerNames` from a flat [name, value, …] list. */
export function removeHeaders(headers: string[], lowerNames: readonly string[]) {
  for (let i = headers.length - 2; i >= 0; i -= 2) if (lowerNames.includes(headers[i].toLowerCase())) headers.splice(i, 2);
}
