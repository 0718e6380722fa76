// The stream idle timer's handler, shared by the connection manager (HCM stream_idle_timeout) and the router
// (route idle_timeout), which arm it on the same ServerResponse.
import { sendLocalReply } from "../router/local-reply";
import { kStream, type StreamRes } from "./stream";
import { ResponseFlag } from "./response-flags";

/**
 * Stream idle timeout, from the HCM's stream_idle_timeout or a route's idle_timeout: 408 `stream timeout`
 * before the response started, else reset (Envoy's conn_manager_impl.cc).
 */
export function onStreamIdle(this: StreamRes) {
  const s = this[kStream]!;
  s.hcm.stats.c.downstream_rq_idle_timeout.inc();
  s.responseFlags |= ResponseFlag.StreamIdleTimeout;
  s.details = "stream_idle_timeout";
  s.upstream?.onDownstreamReset();
  if (this.headersSent) return void this.destroy();
  this.shouldKeepAlive = false;
  sendLocalReply(this, s.hcm.serverName, 408, "stream timeout");
}

