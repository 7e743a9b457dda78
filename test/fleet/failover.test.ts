// Fleet mode when things fail, end to end (real CLI instances, nginx, redis-server, pi): an owner
// killed -9, an owner stopped with SIGTERM, Redis unreachable and restarted empty under load, and
// the start-up refusals (Redis unreachable, INSTANCE_ID taken, settings missing).
import * as assert from "node:assert/strict";
import type { ChatSnapshot } from "../../src/protocol/transcript";
import { CONTINUED_NOTICE } from "../../src/server/fleet/fleetChats";
import { Cluster, health, isPi, piChildren, promptUntilAccepted, spawnInstance } from "./cluster";
import { assistantTexts, LiveView, notices, userTexts } from "./liveView";
import { freePort, waitUntil } from "./support";

const LEASE_MS = 6000;

describe("fleet end to end: failures", function () {
  this.timeout(180_000);
  let cluster: Cluster;
  const views: LiveView[] = [];

  before(async () => {
    cluster = await Cluster.start({ instances: 3, leaseMs: LEASE_MS });
  });
  after(async () => {
    for (const v of views) v.close();
    await cluster?.stop();
  });

  const snapshot = async (chatId: string): Promise<ChatSnapshot> => {
    const reply = await cluster.api(`/api/v1/chats/${chatId}`);
    assert.equal(reply.status, 200, reply.text);
    return reply.json as ChatSnapshot;
  };
  const chatOn = async (port: number): Promise<string> => {
    const reply = await cluster.api("/api/v1/chats", { method: "POST", port });
    assert.equal(reply.status, 201, reply.text);
    return (reply.json as { chatId: string }).chatId;
  };
  const answered = (view: LiveView, text: string) =>
    waitUntil(`the answer to "${text}"`, () => view.state.status === "ready" && assistantTexts(view.state.items).some((t) => t.includes(text)), 30_000, 20);
  const watch = async (port: number, chatId: string) => {
    const view = new LiveView(port, chatId);
    views.push(view);
    await view.connect();
    return view;
  };

  it("kill -9 of an owner: the next prompt is answered elsewhere within the lease time, the transcript kept, a notice shown", async () => {
    const [owner, other] = cluster.live();
    const chatId = await chatOn(owner.port);
    const view = await watch(other.port, chatId);
    assert.equal((await cluster.api(`/api/v1/chats/${chatId}/prompt`, { method: "POST", body: { text: "first turn" } })).status, 200);
    await answered(view, "first turn");
    const oldPi = piChildren(owner.proc.pid ?? -1);
    assert.equal(oldPi.length, 1, "the owner runs one pi");
    owner.proc.kill("SIGKILL");
    const killedAt = Date.now();
    await owner.exit;
    const { reply } = await promptUntilAccepted(cluster, chatId, "second turn", LEASE_MS + 20_000);
    assert.notEqual(reply.headers["x-pi-instance"], owner.id);
    await answered(view, "second turn");
    const took = Date.now() - killedAt;
    assert.ok(took < LEASE_MS + 8_000, `answered ${took} ms after the kill (lease ${LEASE_MS} ms)`);
    const snap = await snapshot(chatId);
    assert.deepEqual(userTexts(snap.items), ["first turn", "second turn"], "the earlier turn is still there (same pi session file)");
    assert.equal(assistantTexts(snap.items).length, 2);
    assert.ok(notices(view.state.items).includes(CONTINUED_NOTICE), "the view shows that the chat continued on another server");
    // The killed instance's pi lost its stdin and exits by itself: no second pi on the session file.
    await waitUntil("the orphaned pi to exit", () => oldPi.every((pid) => !isPi(pid)), 15_000, 100);
  });

  it("SIGTERM: the instance hands its chats over at once and leaves no pi running", async () => {
    const [leaving, staying] = cluster.live();
    const chatId = await chatOn(leaving.port);
    const view = await watch(staying.port, chatId);
    assert.equal((await cluster.api(`/api/v1/chats/${chatId}/prompt`, { method: "POST", port: leaving.port, body: { text: "before the restart" } })).status, 200);
    await answered(view, "before the restart");
    const pis = piChildren(leaving.proc.pid ?? -1);
    assert.ok(pis.length >= 1, "it runs pi (also for the chat it took over in the test before)");
    leaving.proc.kill("SIGTERM");
    assert.equal(await leaving.exit, 0, leaving.output());
    const exitedAt = Date.now();
    assert.deepEqual(
      pis.filter((pid) => isPi(pid)),
      [],
      "no pi of the stopped instance survives",
    );
    const { reply } = await promptUntilAccepted(cluster, chatId, "after the restart", 10_000);
    const took = Date.now() - exitedAt;
    assert.ok(took < LEASE_MS - 1_000, `taken over ${took} ms after the exit, not after the ${LEASE_MS} ms lease`);
    assert.equal(reply.headers["x-pi-instance"] !== leaving.id, true);
    await answered(view, "after the restart");
    assert.deepEqual(userTexts((await snapshot(chatId)).items), ["before the restart", "after the restart"]);
    // The stopped instance left the fleet at once.
    assert.ok(!(await health(staying.port)).fleet?.instances.some((i) => i.id === leaving.id));
  });

  it("replacements may reuse departed INSTANCE_IDs (killed, stopped); a second live one with an id refuses to start", async () => {
    // The two that left (one killed, one stopped), on their old ports: nginx's upstream list names those.
    const departed = cluster.instances.filter((i) => !cluster.live().includes(i));
    assert.equal(departed.length, 2);
    for (const old of departed) await cluster.startInstance(old.id, old.port);
    assert.deepEqual(
      cluster
        .live()
        .map((i) => i.id)
        .sort(),
      ["pi-1", "pi-2", "pi-3"],
    );
    const clash = spawnInstance(cluster.workspace, await freePort(), cluster.envFor("pi-1", 1));
    assert.equal(await clash.exit, 1);
    assert.match(clash.stderr(), /^pi-vscode-server: INSTANCE_ID=pi-1 is already used by a live instance/m);
  });

  it("Redis unreachable, then restarted empty, under load: local chats keep streaming, no crash, no chat owned twice", async () => {
    const live = cluster.live();
    assert.ok(live.length >= 3, `three live instances (${live.map((i) => i.id)})`);
    const chats = await Promise.all(live.map((i) => chatOn(i.port)));
    const local = await Promise.all(chats.map((id, k) => watch(live[k].port, id)));
    for (const id of chats) assert.equal((await cluster.api(`/api/v1/chats/${id}/prompt`, { method: "POST", body: { text: "slow 150" } })).status, 200);
    await waitUntil("every answer streaming", () => local.every((v) => (assistantTexts(v.state.items)[0] ?? "").length > 20), 30_000, 20);
    await cluster.redis.kill();
    const lengthAtKill = local.map((v) => (assistantTexts(v.state.items)[0] ?? "").length);
    await waitUntil("health degraded everywhere", async () => (await Promise.all(live.map((i) => health(i.port, false)))).every((h) => h.status === "degraded"), 10_000, 100);
    await waitUntil("local views still streaming without Redis", () => local.every((v, k) => (assistantTexts(v.state.items)[0] ?? "").length > lengthAtKill[k] + 50), 20_000, 20);
    await cluster.redis.startProcess();
    await waitUntil("health ok again", async () => (await Promise.all(live.map((i) => health(i.port, false)))).every((h) => h.status === "ok"), 20_000, 100);
    const expected = Array.from({ length: 150 }, (_, i) => `w${i} `)
      .join("")
      .trim();
    await waitUntil("every answer complete", () => local.every((v) => v.state.status === "ready" && (assistantTexts(v.state.items)[0] ?? "").trim() === expected), 40_000, 50);
    for (const i of live) assert.equal(i.proc.exitCode, null, `${i.id} did not crash:\n${i.output()}`);
    // Each chat is owned by exactly one instance, the one it started on (the grace period gave the leases back to their owners).
    await waitUntil(
      "leases renewed after the restart",
      async () => {
        const held = await Promise.all(live.map(async (i) => (await health(i.port)).fleet?.chats ?? []));
        return chats.every((id, k) => held.filter((h) => h.includes(id)).length === 1 && held[k].includes(id));
      },
      LEASE_MS * 3,
      200,
    );
    for (const id of chats) {
      await promptUntilAccepted(cluster, id, `after redis ${id.slice(0, 4)}`, LEASE_MS * 3);
      await answered(local[chats.indexOf(id)], `after redis ${id.slice(0, 4)}`);
    }
    for (const [k, i] of live.entries()) assert.equal(piChildren(i.proc.pid ?? -1).length, (await health(i.port)).fleet?.chats.length, `${k}: one pi per owned chat`);
  });

  it("start-up refusals: Redis unreachable names REDIS_URL; fleet settings missing name theirs", async () => {
    const port = await freePort();
    const unreachable = spawnInstance(cluster.workspace, port, cluster.envFor("pi-9", port, { REDIS_URL: `redis://127.0.0.1:${await freePort()}` }));
    assert.equal(await unreachable.exit, 1);
    const lines = unreachable.stderr().trim().split("\n");
    assert.equal(lines.length, 1, unreachable.stderr());
    assert.match(lines[0], /^pi-vscode-server: Cannot reach Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:\d+/);
    const noSecret = spawnInstance(cluster.workspace, port, cluster.envFor("pi-9", port, { FLEET_SECRET: "" }));
    assert.equal(await noSecret.exit, 2);
    assert.match(noSecret.stderr(), /^pi-vscode-server: FLEET_SECRET must be set/);
  });
});
