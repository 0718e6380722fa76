// The router (Envoy's router filter, spec §1.4): route match → direct_response | unknown cluster |
// no healthy host | forward through the cluster's load balancer and the host's connection pool.
import type { Stream } from "../http/stream";
import { LocalBodies, sendLocalReply } from "./local-reply";
import { UpstreamRequest } from "./upstream-request";
import { NO_LB_CONTEXT } from "../lb/load-balancer";

export function routeStream(s: Stream) {
  const hcm = s.hcm;
  const c = hcm.stats.c;
  const route = hcm.routes.route(s.host, s.req.url ?? "/");
  if (route === null) {
    c.no_route.inc();
    return sendLocalReply(s.res, hcm.serverName, 404, "");
  }
  if (route.direct !== null) {
    c.rq_direct_response.inc();
    return sendLocalReply(s.res, hcm.serverName, route.direct.status, route.direct.body);
  }
  const cluster = hcm.clusters.get(route.cluster!);
  if (cluster === undefined) {
    c.no_cluster.inc();
    return sendLocalReply(s.res, hcm.serverName, 503, "");
  }
  c.rq_total.inc();
  const host = cluster.lb.chooseHost(NO_LB_CONTEXT);
  if (host === null) {
    cluster.stats.c.upstream_cx_none_healthy.inc();
    cluster.stats.chargeResponse(503);
    return sendLocalReply(s.res, hcm.serverName, 503, LocalBodies.noHealthyUpstream);
  }
  const up = new UpstreamRequest(s, cluster, host, route.timeoutMs);
  s.upstream = up;
  up.start();
}
