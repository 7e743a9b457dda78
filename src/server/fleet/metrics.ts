// /metrics in Prometheus text format (prom-client). The routes and the chat host call the
// record functions; gauges are read at scrape time from `sample()`, so they are never stale.
// Names follow Prometheus conventions: counters end in _total, units in the name (seconds, bytes).
import * as fs from "node:fs";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export interface MetricsSample {
  liveSessions: number;
  sseClients: number;
  /** Process ids of the running pi processes (their resident memory is summed). */
  piPids: number[];
  /** Live instances in the fleet (1 without Redis). */
  instances?: number;
  redisUp?: boolean;
}

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

export interface MetricsOptions {
  instanceId: string;
  sample: () => MetricsSample;
  /** Node's own process metrics too (heap, event loop lag, …); default true. */
  defaultMetrics?: boolean;
}

const PAGE = 4096;

/** Resident memory of a process from /proc (Linux); 0 when it cannot be read. */
export function residentBytes(pid: number): number {
  try {
    const statm = fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
    return Number(statm[1]) * PAGE;
  } catch {
    return 0;
  }
}

export class FleetMetrics {
  readonly registry = new Registry();
  private readonly created: Counter;
  private readonly reclaimed: Counter;
  private readonly crashed: Counter;
  private readonly moved: Counter<"direction">;
  private readonly events: Counter;
  private readonly tokens: Counter<"model" | "kind">;
  private readonly cost: Counter<"model">;
  private readonly http: Histogram<"method" | "route" | "status">;
  /** Last cumulative usage seen per chat, so the counters only grow by what is new. */
  private readonly usageSeen = new Map<string, UsageTotals & { model: string }>();
  /** Events delivered in each of the last 10 seconds, for the per-second gauge. */
  private readonly window: Array<{ second: number; count: number }> = [];

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ instance_id: options.instanceId });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: "pi_server_" });
    const sample = options.sample;
    let current: { at: number; value: MetricsSample } | undefined;
    // One sample per scrape, shared by the gauges below.
    const read = () => {
      if (!current || Date.now() - current.at > 250) current = { at: Date.now(), value: sample() };
      return current.value;
    };
    new Gauge({
      name: "pi_live_sessions",
      help: "Chats with a pi process on this instance.",
      registers,
      collect() {
        this.set(read().liveSessions);
      },
    });
    new Gauge({
      name: "pi_sse_clients",
      help: "Open SSE connections on this instance.",
      registers,
      collect() {
        this.set(read().sseClients);
      },
    });
    new Gauge({
      name: "pi_processes",
      help: "Running pi processes on this instance.",
      registers,
      collect() {
        this.set(read().piPids.length);
      },
    });
    new Gauge({
      name: "pi_processes_resident_memory_bytes",
      help: "Resident memory of this instance's pi processes, summed.",
      registers,
      collect() {
        this.set(read().piPids.reduce((sum, pid) => sum + residentBytes(pid), 0));
      },
    });
    new Gauge({
      name: "pi_fleet_instances",
      help: "Live instances in the fleet as this instance sees them.",
      registers,
      collect() {
        this.set(read().instances ?? 1);
      },
    });
    new Gauge({
      name: "pi_redis_up",
      help: "1 when Redis answers, 0 when the fleet is degraded.",
      registers,
      collect() {
        this.set(read().redisUp === false ? 0 : 1);
      },
    });
    const windowRef = this.window;
    new Gauge({
      name: "pi_sse_events_per_second",
      help: "SSE events delivered per second, averaged over the last 10 seconds.",
      registers,
      collect() {
        const now = Math.floor(Date.now() / 1000);
        const recent = windowRef.filter((w) => w.second > now - 10 && w.second < now);
        this.set(recent.reduce((s, w) => s + w.count, 0) / 10);
      },
    });
    this.created = new Counter({ name: "pi_sessions_created_total", help: "Chats created on this instance.", registers });
    this.reclaimed = new Counter({ name: "pi_sessions_reclaimed_total", help: "pi processes stopped after idling (their lease handed back).", registers });
    this.crashed = new Counter({ name: "pi_sessions_crashed_total", help: "pi processes that exited unexpectedly.", registers });
    this.moved = new Counter({
      name: "pi_sessions_moved_total",
      help: "Chats that moved between instances (in: taken over here; out: handed away).",
      labelNames: ["direction"],
      registers,
    });
    this.events = new Counter({ name: "pi_sse_events_total", help: "SSE events delivered to clients of this instance.", registers });
    this.tokens = new Counter({ name: "pi_tokens_total", help: "Tokens used, from pi's session stats.", labelNames: ["model", "kind"], registers });
    this.cost = new Counter({ name: "pi_cost_dollars_total", help: "Cost in dollars, from pi's session stats.", labelNames: ["model"], registers });
    this.http = new Histogram({
      name: "pi_http_request_duration_seconds",
      help: "HTTP request latency (SSE streams: until the headers are sent).",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  sessionCreated(): void {
    this.created.inc();
  }

  sessionReclaimed(): void {
    this.reclaimed.inc();
  }

  sessionCrashed(): void {
    this.crashed.inc();
  }

  sessionMoved(direction: "in" | "out"): void {
    this.moved.inc({ direction });
  }

  sseEvents(count = 1): void {
    this.events.inc(count);
    const second = Math.floor(Date.now() / 1000);
    const last = this.window[this.window.length - 1];
    if (last && last.second === second) last.count += count;
    else {
      this.window.push({ second, count });
      while (this.window.length > 11) this.window.shift();
    }
  }

  /**
   * pi's cumulative stats for a chat (get_session_stats): the counters grow by the difference to
   * the last report. A restarted pi reports from zero again: then the whole figure is new.
   */
  usage(chatId: string, model: string, totals: UsageTotals): void {
    const prev = this.usageSeen.get(chatId);
    const fresh = !prev || prev.model !== model || totals.inputTokens < prev.inputTokens || totals.outputTokens < prev.outputTokens || totals.cost < prev.cost;
    const base = fresh ? { inputTokens: 0, outputTokens: 0, cost: 0 } : prev;
    this.tokens.inc({ model, kind: "input" }, totals.inputTokens - base.inputTokens);
    this.tokens.inc({ model, kind: "output" }, totals.outputTokens - base.outputTokens);
    this.cost.inc({ model }, totals.cost - base.cost);
    this.usageSeen.set(chatId, { ...totals, model });
  }

  /** The chat is gone: forget its last usage report. */
  forget(chatId: string): void {
    this.usageSeen.delete(chatId);
  }

  /** `route` is the route pattern (/api/v1/sessions/:id/prompt), never the raw path (unbounded labels). */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }
}
