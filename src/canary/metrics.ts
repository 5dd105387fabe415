import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';

/** Prometheus client_golang's DefBuckets, which loki-canary's request histograms use. */
const DEF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** loki-canary's metrics, same names and help, in a registry of their own. */
export class CanaryMetrics {
  readonly registry = new Registry();
  private readonly reg = [this.registry];

  readonly entries = new Counter({ name: 'loki_canary_entries_total', help: 'counts log entries written to the file', registers: this.reg });
  readonly outOfOrder = new Counter({ name: 'loki_canary_out_of_order_entries_total', help: 'counts log entries received with a timestamp more recent than the others in the queue', registers: this.reg });
  readonly wsMissing = new Counter({ name: 'loki_canary_websocket_missing_entries_total', help: 'counts log entries not received within the wait duration via the websocket connection', registers: this.reg });
  readonly missing = new Counter({ name: 'loki_canary_missing_entries_total', help: 'counts log entries not received within the maxWait duration via both websocket and direct query', registers: this.reg });
  readonly spotCheckMissing = new Counter({ name: 'loki_canary_spot_check_missing_entries_total', help: 'counts log entries not received when directly queried as part of spot checking', registers: this.reg });
  readonly spotCheckEntries = new Counter({ name: 'loki_canary_spot_check_entries_total', help: 'total count of entries pot checked', registers: this.reg });
  readonly unexpected = new Counter({ name: 'loki_canary_unexpected_entries_total', help: 'counts a log entry received which was not expected (e.g. received after reported missing)', registers: this.reg });
  readonly duplicate = new Counter({ name: 'loki_canary_duplicate_entries_total', help: 'counts a log entry received more than one time', registers: this.reg });
  readonly metricTestExpected = new Gauge({ name: 'loki_canary_metric_test_expected', help: 'How many counts were expected by the metric test query', registers: this.reg });
  readonly metricTestActual = new Gauge({ name: 'loki_canary_metric_test_actual', help: 'How many counts were actually received by the metric test query', registers: this.reg });
  readonly metricTestLatency = new Histogram({ name: 'loki_canary_metric_test_request_duration_seconds', help: 'how long the metric test query execution took in seconds.', buckets: DEF_BUCKETS, registers: this.reg });
  readonly spotTestLatency = new Histogram({ name: 'loki_canary_spot_check_request_duration_seconds', help: 'how long the spot check test query execution took in seconds.', buckets: DEF_BUCKETS, registers: this.reg });
  readonly cacheResultsDiff = new Counter({ name: 'loki_canary_cache_test_query_results_diff_count', help: 'counts number of times the query results was different with and without cache ', registers: this.reg });
  readonly wsReconnects = new Counter({ name: 'loki_canary_ws_reconnects_total', help: 'counts every time the websocket connection has to reconnect', registers: this.reg });
  readonly wsPings = new Counter({ name: 'loki_canary_ws_pings_total', help: 'counts every time the websocket receives a ping message', registers: this.reg });
  readonly responseLatency: Histogram;

  constructor(buckets = 10, defaultMetrics = true) {
    this.responseLatency = new Histogram({
      name: 'loki_canary_response_latency_seconds',
      help: 'is how long it takes for log lines to be returned from Loki in seconds.',
      buckets: exponentialBuckets(0.5, 2, buckets),
      registers: this.reg,
    });
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
