// Fleet mode end to end: three real pi-vscode-server processes (REDIS_URL set) behind real
// nginx round-robin, real redis-server, real pi with the scripted model, all on 127.0.0.1.
import * as assert from "node:assert/strict";
import parsePrometheusTextFormat, { type PromFamily } from "parse-prometheus-text-format";
import { FleetAuth } from "../../src/server/fleet/forward";
import type { ChatSnapshot } from "../../src/protocol/transcript";
import { request } from "../server/support";
import { AUTH, Cluster, FLEET_SECRET, health } from "./cluster";
import { assistantTexts, LiveView, userTexts } from "./liveView";
import { waitUntil } from "./support";

const SLOW = Array.from({ length: 400 }, (_, i) => `w${i} `).join("");

async function snapshot(cluster: Cluster, chatId: string, port?: number): Promise<ChatSnapshot> {
  const reply = await cluster.api(`/api/v1/chats/${chatId}`, { port });
  assert.equal(reply.status, 200, reply.text);
  return reply.json as ChatSnapshot;
}

function family(all: PromFamily[], name: string): PromFamily {
  const f = all.find((x) => x.name === name);
  assert.ok(f, `metric ${name} is exposed`);
  return f;
}

const value = (all: PromFamily[], name: string) => Number(family(all, name).metrics[0]?.value ?? Number.NaN);

describe("fleet end to end: three instances behind nginx", function () {
  this.timeout(120_000);
  let cluster: Cluster;
  const views: LiveView[] = [];
  const created: string[] = [];

  before(async () => {
    // A fleet-wide cap of 3 pi processes: the last test fills it.
    cluster = await Cluster.start({ instances: 3, env: { MAX_PROCESSES_FLEET: "3" } });
  });
  after(async () => {
    for (const v of views) v.close();
    await cluster?.stop();
  });

  const newChat = async (port?: number): Promise<{ chatId: string; owner: string }> => {
    const reply = await cluster.api("/api/v1/chats", { method: "POST", port });
    assert.equal(reply.status, 201, reply.text);
    const chatId = (reply.json as { chatId: string }).chatId;
    created.push(chatId);
    return { chatId, owner: String(reply.headers["x-pi-instance"]) };
  };

  it("create through one, prompt through another, stream from the third: the answer arrives, once", async () => {
    const [a, b, c] = cluster.instances;
    const { chatId, owner } = await newChat(a.port);
    assert.equal(owner, a.id);
    const view = new LiveView(c.port, chatId);
    views.push(view);
    await view.connect();
    assert.equal(view.servedBy[0], c.id, "the stream is served by the third instance");
    const prompt = await cluster.api(`/api/v1/chats/${chatId}/prompt`, { method: "POST", port: b.port, body: { text: "hello fleet" } });
    assert.equal(prompt.status, 200, prompt.text);
    assert.equal(prompt.headers["x-pi-instance"], a.id, "the prompt sent to B was answered by the owner A");
    await waitUntil("the answer on C's stream", () => assistantTexts(view.state.items).some((t) => t.includes("hello fleet")) && view.state.status === "ready", 30_000);
    assert.deepEqual(userTexts(view.state.items), ["hello fleet"], "the prompt once");
    assert.equal(assistantTexts(view.state.items).length, 1, "one answer");
    assert.equal(new Set(view.sink.batchSeqs).size, view.sink.batchSeqs.length, "no batch delivered twice");
    // Through nginx: any instance answers the snapshot (forwarded to the owner) with the same transcript.
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const reply = await cluster.api(`/api/v1/chats/${chatId}`);
      assert.equal(reply.status, 200);
      seen.add(String(reply.headers["x-pi-instance"]));
      assert.deepEqual(userTexts((reply.json as ChatSnapshot).items), ["hello fleet"]);
    }
    assert.deepEqual([...seen], [a.id], "every snapshot came from the owner");
    // The chat list is the fleet's, wherever it is asked.
    const list = await cluster.api("/api/v1/chats", { port: c.port });
    assert.ok((list.json as { chats: Array<{ chatId: string }> }).chats.some((x) => x.chatId === chatId));
  });

  it("a slow answer cut mid-stream and resumed through a different instance with Last-Event-ID: exactly the model's text", async () => {
    const [a, b, c] = cluster.instances;
    const { chatId } = await newChat(a.port);
    const view = new LiveView(b.port, chatId);
    views.push(view);
    await view.connect();
    const prompt = await cluster.api(`/api/v1/chats/${chatId}/prompt`, { method: "POST", body: { text: "slow 400" } });
    assert.equal(prompt.status, 200, prompt.text);
    await waitUntil("a quarter of the answer on B", () => (assistantTexts(view.state.items)[0] ?? "").length > SLOW.length / 4, 30_000, 10);
    const cutAt = view.lastEventId;
    view.cut();
    await new Promise((r) => setTimeout(r, 500)); // the model goes on meanwhile
    await view.connect(c.port);
    await waitUntil("the whole answer on C", () => view.state.status === "ready" && (assistantTexts(view.state.items)[0] ?? "").length >= SLOW.trim().length, 30_000, 20);
    assert.equal(assistantTexts(view.state.items)[0].trim(), SLOW.trim(), "nothing lost, nothing repeated");
    assert.deepEqual(view.servedBy, [b.id, c.id]);
    assert.ok(cutAt && /^\d+-\d+$/.test(cutAt), `resumed from a stream id (${cutAt})`);
    assert.equal(new Set(view.sink.batchSeqs).size, view.sink.batchSeqs.length, "no batch delivered twice");
    assert.ok(view.sink.frames.filter((f) => f.event === "snapshot").length === 1, "resumed by replay: the only snapshot is the first");
    assert.equal(assistantTexts((await snapshot(cluster, chatId)).items)[0].trim(), SLOW.trim());
  });

  it("a forged inter-instance request is refused (401); a correctly signed one passes once, its replay does not", async () => {
    const [a] = cluster.instances;
    const target = `/api/v1/chats/${created[0]}`;
    const forged = await request(a.port, target, { headers: { "x-pi-fleet-auth": `v1.${Date.now()}.AAAAAAAAAAAAAAAA.${"A".repeat(43)}`, "x-pi-fleet-from": "pi-2" } });
    assert.equal(forged.status, 401, forged.text);
    const wrongSecret = new FleetAuth("not-the-fleet-secret-not-the-fleet-secret").sign("GET", target, "pi-2", Buffer.alloc(0));
    assert.equal((await request(a.port, target, { headers: { "x-pi-fleet-auth": wrongSecret, "x-pi-fleet-from": "pi-2" } })).status, 401);
    // The internal snapshot route exists only for signed requests: a user's credential is not enough.
    assert.equal((await request(a.port, `/api/v1/fleet/chats/${created[0]}/snapshot`, { headers: AUTH })).status, 404);
    const signature = new FleetAuth(FLEET_SECRET).sign("GET", target, "pi-2", Buffer.alloc(0));
    const headers = { "x-pi-fleet-auth": signature, "x-pi-fleet-from": "pi-2", host: "pi-1.internal:3000" };
    const ok = await request(a.port, target, { headers });
    assert.equal(ok.status, 200, `a signed request needs no user credential and passes the Host check: ${ok.text}`);
    assert.equal((await request(a.port, target, { headers })).status, 401, "a replayed signature");
  });

  it("/metrics parses as Prometheus text; its figures match what the test did", async () => {
    const unauthorized = await request(cluster.instances[0].port, "/metrics");
    assert.equal(unauthorized.status, 401);
    let createdTotal = 0;
    let processes = 0;
    let sse = 0;
    for (const i of cluster.instances) {
      const reply = await request(i.port, "/metrics", { headers: AUTH });
      assert.equal(reply.status, 200);
      const all = parsePrometheusTextFormat(reply.text);
      createdTotal += value(all, "pi_sessions_created_total");
      processes += value(all, "pi_processes");
      sse += value(all, "pi_sse_clients");
      assert.equal(value(all, "pi_fleet_instances"), 3);
      assert.equal(value(all, "pi_redis_up"), 1);
      const details = await health(i.port);
      assert.equal(value(all, "pi_processes"), details.fleet?.chats.length, `${i.id}: one pi per chat it owns`);
    }
    assert.equal(createdTotal, created.length, "chats created, summed over the fleet");
    assert.equal(processes, created.length, "one live pi per chat in the fleet");
    assert.equal(sse, views.filter((v) => v.servedBy.length > 0).length, "open SSE connections");
    const owner = parsePrometheusTextFormat((await request(cluster.instances[0].port, "/metrics", { headers: AUTH })).text);
    assert.ok(value(owner, "pi_sse_events_total") >= 0);
    assert.ok(family(owner, "pi_http_request_duration_seconds").metrics.length > 0, "the latency histogram has observations");
  });

  it("the fleet-wide pi cap: past MAX_PROCESSES_FLEET a new chat gets 503 with Retry-After, on any instance", async () => {
    assert.equal(created.length, 2);
    await newChat();
    for (const i of cluster.instances) {
      const refused = await cluster.api("/api/v1/chats", { method: "POST", port: i.port });
      assert.equal(refused.status, 503, refused.text);
      assert.match(String(refused.headers["retry-after"]), /^\d+$/);
      assert.match(refused.text, /MAX_PROCESSES_FLEET/);
    }
    // Closing a chat (through any instance: forwarded to its owner) frees its slot.
    assert.equal((await cluster.api(`/api/v1/chats/${created[0]}`, { method: "DELETE", port: cluster.instances[2].port })).status, 200);
    assert.equal((await cluster.api(`/api/v1/chats/${created[0]}`)).status, 404, "gone from the fleet");
    await newChat();
  });

  it("health: minimal without a credential, the fleet's instances with one", async () => {
    const port = cluster.instances[1].port;
    const plain = await health(port, false);
    assert.deepEqual(Object.keys(plain).sort(), ["activeChats", "status"]);
    assert.equal(plain.status, "ok");
    const details = await health(port);
    assert.deepEqual(
      details.fleet?.instances.map((i) => i.id),
      ["pi-1", "pi-2", "pi-3"],
    );
    assert.equal(details.fleet?.redis, "ok");
  });
});
