// Envoy's tag extraction and Prometheus exposition (src/stats/envoy-tags.ts, src/stats/prometheus.ts), checked
// against Envoy's own examples: the vectors of test/common/stats/tag_extractor_impl_test.cc
// (DefaultTagExtractors, compared there as sets of tags) and the output format of
// source/server/admin/prometheus_stats.cc.
import { describe, expect, it } from "vitest";
import { extractTags } from "../../src/stats/envoy-tags";
import { ENVOY_HISTOGRAM_BUCKETS_MS, prometheusSeries, renderPrometheusText } from "../../src/stats/prometheus";
import { HistogramData, sparseCumulativeAt } from "../../src/stats/histogram";

/** [stat name, tag-extracted name, tags as name=value] from Envoy's DefaultTagExtractors test */
const ENVOY_VECTORS: [string, string, string[]][] = [
  ["cluster.ratelimit.upstream_rq_timeout", "cluster.upstream_rq_timeout", ["envoy.cluster_name=ratelimit"]],
  ["listener.[__1]_0.ssl.ciphers.AES256-SHA", "listener.ssl.ciphers", ["envoy.listener_address=[__1]_0", "envoy.ssl_cipher=AES256-SHA"]],
  ["cluster.ratelimit.ssl.ciphers.ECDHE-RSA-AES128-GCM-SHA256", "cluster.ssl.ciphers", ["envoy.cluster_name=ratelimit", "cipher_suite=ECDHE-RSA-AES128-GCM-SHA256"]],
  [
    "listener.[2001_0db8_85a3_0000_0000_8a2e_0370_7334]_3543.ssl.ciphers.AES256-SHA",
    "listener.ssl.ciphers",
    ["envoy.listener_address=[2001_0db8_85a3_0000_0000_8a2e_0370_7334]_3543", "envoy.ssl_cipher=AES256-SHA"],
  ],
  ["listener.127.0.0.1_0.ssl.ciphers.AES256-SHA", "listener.ssl.ciphers", ["envoy.listener_address=127.0.0.1_0", "envoy.ssl_cipher=AES256-SHA"]],
  ["listener.my_prefix.ssl.ciphers.AES256-SHA", "listener.ssl.ciphers", ["envoy.listener_address=my_prefix", "envoy.ssl_cipher=AES256-SHA"]],
  ["listener.prefix.notmatching.ssl.ciphers.AES256-SHA", "listener.notmatching.ssl.ciphers", ["envoy.listener_address=prefix", "envoy.ssl_cipher=AES256-SHA"]],
  ["listener.admin.ssl.ciphers.AES256-SHA", "listener.admin.ssl.ciphers", ["envoy.ssl_cipher=AES256-SHA"]],
  ["mongo.mongo_filter.op_reply", "mongo.op_reply", ["envoy.mongo_prefix=mongo_filter"]],
  ["mongo.mongo_filter.cmd.foo_cmd.reply_size", "mongo.cmd.reply_size", ["envoy.mongo_prefix=mongo_filter", "envoy.mongo_cmd=foo_cmd"]],
  ["mongo.mongo_filter.collection.bar_collection.query.multi_get", "mongo.collection.query.multi_get", ["envoy.mongo_prefix=mongo_filter", "envoy.mongo_collection=bar_collection"]],
  [
    "mongo.mongo_filter.collection.bar_collection.callsite.baz_callsite.query.scatter_get",
    "mongo.collection.callsite.query.scatter_get",
    ["envoy.mongo_prefix=mongo_filter", "envoy.mongo_collection=bar_collection", "envoy.mongo_callsite=baz_callsite"],
  ],
  ["ratelimit.foo_ratelimiter.over_limit", "ratelimit.over_limit", ["envoy.ratelimit_prefix=foo_ratelimiter"]],
  ["foo_ratelimiter.http_local_rate_limit.ok", "http_local_rate_limit.ok", ["envoy.local_http_ratelimit_prefix=foo_ratelimiter"]],
  ["local_rate_limit.foo_ratelimiter.rate_limited", "local_rate_limit.rate_limited", ["envoy.local_network_ratelimit_prefix=foo_ratelimiter"]],
  ["http.egress_dynamodb_iad.downstream_cx_total", "http.downstream_cx_total", ["envoy.http_conn_manager_prefix=egress_dynamodb_iad"]],
  [
    "http.egress_dynamodb_iad.dynamodb.operation.Query.upstream_rq_time",
    "http.dynamodb.operation.upstream_rq_time",
    ["envoy.http_conn_manager_prefix=egress_dynamodb_iad", "envoy.dynamo_operation=Query"],
  ],
  [
    "http.egress_dynamodb_iad.dynamodb.table.bar_table.capacity.Query.__partition_id=ABC1234",
    "http.dynamodb.table.capacity",
    ["envoy.http_conn_manager_prefix=egress_dynamodb_iad", "envoy.dynamo_table=bar_table", "envoy.dynamo_operation=Query", "envoy.dynamo_partition_id=ABC1234"],
  ],
  [
    "cluster.grpc_cluster.grpc.grpc_service_1.grpc_method_1.success",
    "cluster.grpc.success",
    ["envoy.cluster_name=grpc_cluster", "envoy.grpc_bridge_method=grpc_method_1", "envoy.grpc_bridge_service=grpc_service_1"],
  ],
  ["vhost.vhost_1.vcluster.vcluster_1.upstream_rq_2xx", "vhost.vcluster.upstream_rq_xx", ["envoy.virtual_host=vhost_1", "envoy.virtual_cluster=vcluster_1", "envoy.response_code_class=2"]],
  ["vhost.vhost_1.vcluster.vcluster_1.upstream_rq_200", "vhost.vcluster.upstream_rq", ["envoy.virtual_host=vhost_1", "envoy.virtual_cluster=vcluster_1", "envoy.response_code=200"]],
  [
    "listener.127.0.0.1_3012.http.http_prefix.downstream_rq_5xx",
    "listener.http.downstream_rq_xx",
    ["envoy.http_conn_manager_prefix=http_prefix", "envoy.listener_address=127.0.0.1_3012", "envoy.response_code_class=5"],
  ],
  ["http.egress_dynamodb_iad.user_agent.ios.downstream_cx_total", "http.user_agent.downstream_cx_total", ["envoy.http_user_agent=ios", "envoy.http_conn_manager_prefix=egress_dynamodb_iad"]],
  ["auth.clientssl.clientssl_prefix.auth_ip_allowlist", "auth.clientssl.auth_ip_allowlist", ["envoy.clientssl_prefix=clientssl_prefix"]],
  ["tcp.tcp_prefix.downstream_flow_control_resumed_reading_total", "tcp.downstream_flow_control_resumed_reading_total", ["envoy.tcp_prefix=tcp_prefix"]],
  ["udp.udp_prefix.downstream_flow_control_resumed_reading_total", "udp.downstream_flow_control_resumed_reading_total", ["envoy.udp_prefix=udp_prefix"]],
  [
    "http.fault_connection_manager.fault.fault_cluster.aborts_injected",
    "http.fault.aborts_injected",
    ["envoy.http_conn_manager_prefix=fault_connection_manager", "envoy.fault_downstream_cluster=fault_cluster"],
  ],
  [
    "http.rds_connection_manager.rds.agg/route_config.1-23.update_success",
    "http.rds.update_success",
    ["envoy.http_conn_manager_prefix=rds_connection_manager", "envoy.rds_route_config=agg/route_config.1-23"],
  ],
  ["listener_manager.worker_123.dispatcher.loop_duration_us", "listener_manager.worker_dispatcher.loop_duration_us", ["envoy.worker_id=123"]],
  ["listener.127.0.0.1_3012.worker_123.downstream_cx_active", "listener.worker_downstream_cx_active", ["envoy.listener_address=127.0.0.1_3012", "envoy.worker_id=123"]],
  ["listener.myprefix.worker_123.downstream_cx_active", "listener.worker_downstream_cx_active", ["envoy.listener_address=myprefix", "envoy.worker_id=123"]],
  ["server.worker_123.watchdog_miss", "server.worker_watchdog_miss", ["envoy.worker_id=123"]],
  ["thrift.thrift_prefix.response", "thrift.response", ["envoy.thrift_prefix=thrift_prefix"]],
  ["redis.my_redis_prefix.response", "redis.response", ["envoy.redis_prefix=my_redis_prefix"]],
  ["dns_filter.my_dns_prefix.local_a_record_answers", "dns_filter.local_a_record_answers", ["envoy.dns_filter_prefix=my_dns_prefix"]],
  // ExtAuthzTagExtractors
  ["http.http_prefix.ext_authz.authpfx.denied", "http.ext_authz.denied", ["envoy.http_conn_manager_prefix=http_prefix", "envoy.ext_authz_prefix=authpfx"]],
  ["cluster.grpc_cluster.ext_authz.authpfx.ok", "cluster.ext_authz.ok", ["envoy.cluster_name=grpc_cluster", "envoy.ext_authz_prefix=authpfx"]],
];

const labelText = (statName: string) => {
  const s = prometheusSeries(statName);
  return `${s.metric}{${s.labels.map(([k, v]) => `${k}="${v}"`).join(",")}}`;
};

describe("Envoy's default tag extraction", () => {
  it.each(ENVOY_VECTORS)("%s → %s", (name, extracted, tags) => {
    const got = extractTags(name);
    expect(got.name).toBe(extracted);
    expect(got.tags.map((t) => `${t.name}=${t.value}`).sort()).toEqual([...tags].sort());
  });

  it("labels come in Envoy's extraction order: no-prefix extractors (response code) first, then the stat's own", () => {
    expect(labelText("cluster.c1.upstream_rq_2xx")).toBe('envoy_cluster_upstream_rq_xx{envoy_response_code_class="2",envoy_cluster_name="c1"}');
    expect(labelText("cluster.c1.upstream_rq_503")).toBe('envoy_cluster_upstream_rq{envoy_response_code="503",envoy_cluster_name="c1"}');
    expect(labelText("http.ingress.downstream_rq_time")).toBe('envoy_http_downstream_rq_time{envoy_http_conn_manager_prefix="ingress"}');
    expect(labelText("listener.0.0.0.0_8080.http.ingress.downstream_rq_2xx")).toBe(
      'envoy_listener_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="ingress",envoy_listener_address="0.0.0.0_8080"}',
    );
    expect(labelText("cluster.c1.circuit_breakers.default.rq_open")).toBe('envoy_cluster_circuit_breakers_default_rq_open{envoy_cluster_name="c1"}');
    expect(labelText("cluster.c1.retry.upstream_rq_503")).toBe('envoy_cluster_retry_upstream_rq{envoy_response_code="503",envoy_cluster_name="c1"}');
    expect(labelText("vhost.vh1.route.api.upstream_rq_2xx")).toBe('envoy_vhost_route_upstream_rq_xx{envoy_response_code_class="2",envoy_virtual_host="vh1",envoy_route="api"}');
    expect(labelText("vhost.vh1.route.api.upstream_rq_time")).toBe('envoy_vhost_route_upstream_rq_time{envoy_virtual_host="vh1",envoy_route="api"}');
    expect(labelText("listener.127.0.0.1_8443.ssl.certificate.unnamed_cert_e3b0c442.expiration_unix_time_seconds")).toBe(
      'envoy_listener_ssl_certificate_expiration_unix_time_seconds{envoy_tls_certificate="unnamed_cert_e3b0c442",envoy_listener_address="127.0.0.1_8443"}',
    );
    expect(labelText("listener.127.0.0.1_8443.ssl.versions.TLSv1.3")).toBe('envoy_listener_ssl_versions{envoy_ssl_version="TLSv1.3",envoy_listener_address="127.0.0.1_8443"}');
    expect(prometheusSeries("server.uptime")).toEqual({ metric: "envoy_server_uptime", labels: [] });
  });
});

describe("Prometheus text exposition", () => {
  it("one # TYPE per metric, counters then gauges then histograms, series by stat name; no braces without labels", () => {
    const text = renderPrometheusText({
      counters: { "cluster.b.upstream_rq_200": 2, "cluster.a.upstream_rq_200": 1, "cluster.a.upstream_rq_503": 3, "server.log_dropped_lines": 0 },
      gauges: new Map([["server.uptime", 7]]),
    });
    expect(text).toBe(
      [
        "# TYPE envoy_cluster_upstream_rq counter",
        'envoy_cluster_upstream_rq{envoy_response_code="200",envoy_cluster_name="a"} 1',
        'envoy_cluster_upstream_rq{envoy_response_code="503",envoy_cluster_name="a"} 3',
        'envoy_cluster_upstream_rq{envoy_response_code="200",envoy_cluster_name="b"} 2',
        "# TYPE envoy_server_log_dropped_lines counter",
        "envoy_server_log_dropped_lines 0",
        "# TYPE envoy_server_uptime gauge",
        "envoy_server_uptime 7",
        "",
      ].join("\n"),
    );
    expect(renderPrometheusText({})).toBe("");
  });

  it("histograms: cumulative buckets at Envoy's default bounds, +Inf, _sum in ms, _count", () => {
    const h = new HistogramData();
    for (const ms of [0.3, 2, 2, 40, 70_000]) h.record(ms * 1000);
    const text = renderPrometheusText({ histograms: { "cluster.c1.upstream_cx_connect_ms": h } });
    const line = (le: string) => new RegExp(`^envoy_cluster_upstream_cx_connect_ms_bucket\\{envoy_cluster_name="c1",le="${le.replace("+", "\\+")}"\\} (\\d+)$`, "m").exec(text)?.[1];
    expect(text.startsWith("# TYPE envoy_cluster_upstream_cx_connect_ms histogram\n")).toBe(true);
    expect(ENVOY_HISTOGRAM_BUCKETS_MS).toEqual([0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000]);
    expect([line("0.5"), line("1"), line("5"), line("50"), line("60000"), line("300000"), line("3600000"), line("+Inf")]).toEqual(["1", "1", "3", "4", "4", "5", "5", "5"]);
    expect(text).toContain('envoy_cluster_upstream_cx_connect_ms_sum{envoy_cluster_name="c1"} 70044.3\n');
    expect(text).toContain('envoy_cluster_upstream_cx_connect_ms_count{envoy_cluster_name="c1"} 5\n');
    // the same samples as reported buckets ({b, n, s}: what a worker sends) render the same
    expect(renderPrometheusText({ histograms: { "cluster.c1.upstream_cx_connect_ms": { b: h.sparse(), n: h.count, s: h.sumUs } } })).toBe(text);
  });

  it("a fleet: one family across sources, source labels after the tags sorted by name, a tag wins a clash", () => {
    const text = renderPrometheusText([
      { labels: { zone: "z1", node: "edge-2" }, counters: { "http.ing.downstream_rq_2xx": 5 } },
      { labels: { node: "edge-1", envoy_http_conn_manager_prefix: "ignored" }, counters: { "http.ing.downstream_rq_2xx": 3 } },
    ]);
    expect(text.match(/# TYPE/g)).toHaveLength(1);
    expect(text).toContain('envoy_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="ing",node="edge-2",zone="z1"} 5\n');
    expect(text).toContain('envoy_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="ing",node="edge-1"} 3\n');
  });

  it("escapes label values and sanitises names as the format requires", () => {
    const text = renderPrometheusText({ labels: { "1st-label": 'a"b\\c\nd' }, gauges: { "cluster.we:ird-name.upstream_cx_active": 1 } });
    expect(text).toContain('envoy_cluster_upstream_cx_active{envoy_cluster_name="we:ird-name",_1st_label="a\\"b\\\\c\\nd"} 1\n');
  });

  it("sparse buckets in any order give the same cumulative counts as the histogram", () => {
    const h = new HistogramData();
    for (let i = 1; i <= 500; i++) h.record(i * 137);
    const pairs = h.sparse();
    const shuffled: number[] = [];
    for (let i = pairs.length - 2; i >= 0; i -= 2) shuffled.push(pairs[i], pairs[i + 1]);
    expect(sparseCumulativeAt(shuffled, ENVOY_HISTOGRAM_BUCKETS_MS)).toEqual(h.cumulativeAt(ENVOY_HISTOGRAM_BUCKETS_MS));
  });
});
