// Which streams the health_check filter marked as health checks (Envoy's StreamInfo::healthCheck()), for the
// access log's not_health_check_filter. A module of its own so the access log can read it without importing
// the filter (and through it the router).
const healthChecks = new WeakSet<object>();

export function markHealthCheck(stream: object) {
  healthChecks.add(stream);
}

export function isHealthCheck(stream: object): boolean {
  return healthChecks.has(stream);
}
