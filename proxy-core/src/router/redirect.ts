// The `location` of a redirect route, after Envoy's RouteEntryImplBase::newUri: fields not
// given keep the request's scheme, host and path; a default port of the old scheme is dropped when the
// scheme changes, and any port is replaced by port_redirect.
import type { CompiledRedirect, CompiledRoute } from "./route-compile";

function stripPort(host: string): [name: string, port: string] {
  const i = host.lastIndexOf(":");
  // an IPv6 literal "[::1]" without a port has its last ':' inside the brackets
  if (i < 0 || host.indexOf("]", i) >= 0) return [host, ""];
  return [host.slice(0, i), host.slice(i)];
}

export function redirectLocation(route: CompiledRoute, rd: CompiledRedirect, scheme: string, host: string, path: string): string {
  const newScheme = rd.scheme ?? scheme;
  let newHost: string;
  if (rd.host !== null) newHost = rd.host;
  else {
    const [name, port] = stripPort(host);
    let removePort = rd.port !== null;
    if (newScheme !== scheme) removePort ||= (scheme === "https" && port === ":443") || (scheme === "http" && port === ":80");
    newHost = removePort ? name : host;
  }
  if (rd.port !== null) newHost = `${stripPort(newHost)[0]}:${rd.port}`;

  const q = path.indexOf("?");
  const query = q < 0 ? "" : path.slice(q);
  let newPath = q < 0 ? path : path.slice(0, q);
  let newQuery = rd.stripQuery ? "" : query;
  if (rd.path !== null) {
    // a query in path_redirect replaces the request's (Envoy)
    const pq = rd.path.indexOf("?");
    if (pq >= 0) {
      newPath = rd.path.slice(0, pq);
      newQuery = rd.path.slice(pq);
    } else newPath = rd.path;
  } else if (rd.prefixRewrite !== null && (route.kind === "prefix" || route.kind === "path" || route.kind === "sep")) {
    newPath = rd.prefixRewrite + newPath.slice(route.value.length);
  }
  return `${newScheme}://${newHost}${newPath}${newQuery}`;
}
