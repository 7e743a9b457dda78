// /metrics text parsed by a real Prometheus text-format parser (parse-prometheus-text-format),
// its figures checked against what the test did (a real child process for the memory gauge);
// lifecycle lines checked for their stable JSON field names.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import parsePrometheusTextFormat, { type PromFamily } from "parse-prometheus-text-format";
import pino from "pino";
import { LifecycleLog, STDERR_TAIL_CHARS } from "../../src/server/fleet/lifecycleLog";
import { FleetMetrics, residentBytes } from "../../src/server/fleet/metrics";
import { waitUntil } from "./support";

function family(all: PromFamily[], name: string): PromFamily {
  const f = all.find((x) => x.name === name);
  assert.ok(f, `metric ${name} is exposed`);
  return f;
}

function value(all: PromFamily[], name: string, labels: Record<string, string> = {}): number {
  const f = family(all, name);
  const m = f.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  assert.ok(m, `${name}${JSON.stringify(labels)} has a sample`);
  return Number(m.value ?? m.count);
}

describe("fleet: metrics and lifecycle log", function () {
  this.timeout(20_000);

  it("/metrics parses as Prometheus text and its figures match what happened", async () => {
    // A process holding ~64 MB stands in for a pi process's memory.
    const child = spawn(process.execPath, ["-e", "const b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => b[0]++, 1000)"], { stdio: "ignore" });
    try {
      await waitUntil("the child to hold its memory", () => residentBytes(child.pid ?? 0) > 60 * 1024 * 1024, 5_000);
      let clients = 3;
      const metrics = new FleetMetrics({ instanceId: "pi-7", sample: () => ({ liveSessions: 2, sseClients: clients, piPids: [child.pid ?? 0], instances: 3, redisUp: false }) });
      for (let i = 0; i < 4; i++) metrics.sessionCreated();
      metrics.sessionReclaimed();
      metrics.sessionCrashed();
      metrics.sessionMoved("in");
      metrics.sessionMoved("in");
      metrics.sessionMoved("out");
      metrics.sseEvents(120);
      metrics.usage("c1", "demo/fast", { inputTokens: 100, outputTokens: 50, cost: 0.01 });
      metrics.usage("c1", "demo/fast", { inputTokens: 150, outputTokens: 80, cost: 0.02 });
      metrics.usage("c1", "demo/fast", { inputTokens: 10, outputTokens: 5, cost: 0.001 }); // pi restarted: counts from zero
      metrics.usage("c2", "demo/slow", { inputTokens: 7, outputTokens: 3, cost: 0 });
      metrics.observeHttp("POST", "/api/v1/sessions/:id/prompt", 202, 0.004);
      metrics.observeHttp("POST", "/api/v1/sessions/:id/prompt", 202, 0.2);
      clients = 5;
      const text = await metrics.text();
      assert.equal(metrics.contentType.split(";")[0], "text/plain");
      const all = parsePrometheusTextFormat(text);

      assert.equal(family(all, "pi_sessions_created_total").type, "COUNTER");
      assert.equal(value(all, "pi_sessions_created_total"), 4);
      assert.equal(value(all, "pi_sessions_reclaimed_total"), 1);
      assert.equal(value(all, "pi_sessions_crashed_total"), 1);
      assert.equal(value(all, "pi_sessions_moved_total", { direction: "in" }), 2);
      assert.equal(value(all, "pi_sessions_moved_total", { direction: "out" }), 1);
      assert.equal(value(all, "pi_live_sessions"), 2);
      assert.equal(value(all, "pi_sse_clients"), 5, "sampled at scrape time");
      assert.equal(value(all, "pi_sse_events_total"), 120);
      assert.equal(value(all, "pi_fleet_instances"), 3);
      assert.equal(value(all, "pi_redis_up"), 0);
      assert.equal(value(all, "pi_processes"), 1);
      const rss = value(all, "pi_processes_resident_memory_bytes");
      assert.ok(rss > 60 * 1024 * 1024 && rss < 400 * 1024 * 1024, `pi memory ${rss}`);
      assert.equal(value(all, "pi_tokens_total", { model: "demo/fast", kind: "input" }), 160);
      assert.equal(value(all, "pi_tokens_total", { model: "demo/fast", kind: "output" }), 85);
      assert.ok(Math.abs(value(all, "pi_cost_dollars_total", { model: "demo/fast" }) - 0.021) < 1e-9);
      assert.equal(value(all, "pi_tokens_total", { model: "demo/slow", kind: "input" }), 7);
      const http = family(all, "pi_http_request_duration_seconds");
      assert.equal(http.type, "HISTOGRAM");
      // This parser keeps a histogram's buckets but drops its labels: one label set here.
      assert.ok(text.includes('route="/api/v1/sessions/:id/prompt",status="202"'));
      const h = http.metrics[0];
      assert.equal(h?.buckets?.["+Inf"], "2");
      assert.equal(h?.buckets?.["0.005"], "1");
      assert.equal(h?.buckets?.["0.25"], "2");
      assert.ok(
        all.some((f) => f.name === "pi_server_process_resident_memory_bytes"),
        "node's own process metrics",
      );
      assert.ok(family(all, "pi_live_sessions").metrics[0].labels?.instance_id === "pi-7", "every sample names the instance");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("events per second: the average over the last 10 whole seconds", async () => {
    const metrics = new FleetMetrics({ instanceId: "x", sample: () => ({ liveSessions: 0, sseClients: 0, piPids: [] }), defaultMetrics: false });
    metrics.sseEvents(50);
    await new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1000) + 20)); // into the next second
    const all = parsePrometheusTextFormat(await metrics.text());
    assert.equal(value(all, "pi_sse_events_per_second"), 5);
  });

  it("lifecycle lines: JSON with stable field names; a crash carries the end of pi's stderr", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        cb();
      },
    });
    const log = new LifecycleLog(pino({ base: undefined }, sink), "pi-2");
    log.record({ event: "create", chatId: "c1", cwd: "/w" });
    log.record({ event: "idle_reclaim", chatId: "c1", idleMs: 1_800_000 });
    log.record({ event: "crash", chatId: "c1", exitCode: 1, signal: null, stderrTail: `${"x".repeat(10_000)}\nError: boom` });
    log.record({ event: "moved", chatId: "c1", from: "pi-1", to: "pi-2", reason: "failover" });
    log.record({ event: "retry", chatId: "c1", attempt: 2, delayMs: 4000, error: "overloaded" });
    log.record({ event: "compaction", chatId: "c1", reason: "threshold", tokensBefore: 120_000 });
    log.record({ event: "stop", chatId: "c1", reason: "user" });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      parsed.map((p) => p.event),
      ["create", "idle_reclaim", "crash", "moved", "retry", "compaction", "stop"],
    );
    for (const p of parsed) {
      assert.equal(p.kind, "lifecycle");
      assert.equal(p.instanceId, "pi-2");
      assert.equal(p.chatId, "c1");
      assert.equal(typeof p.time, "number");
      assert.equal(p.msg, `chat ${String(p.event)}`);
    }
    const crash = parsed[2];
    assert.equal(crash.level, 40, "a crash is a warning");
    assert.equal(String(crash.stderrTail).length, STDERR_TAIL_CHARS);
    assert.ok(String(crash.stderrTail).endsWith("Error: boom"));
    assert.deepEqual([parsed[3].from, parsed[3].to, parsed[3].reason], ["pi-1", "pi-2", "failover"]);
  });
});
