// Fleet mode in one process (createPiServer with a FleetNode, real redis-server, real pi): the
// idle check hands a chat back to the fleet — pi stopped, lease and slot released, the chat
// forgotten here — and the next message continues it on the same pi session file.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pino from "pino";
import type { ChatSnapshot } from "../../src/protocol/transcript";
import { configFromEnv } from "../../src/server/config";
import { fleetConfigFromEnv } from "../../src/server/fleet/fleetConfig";
import { FleetNode } from "../../src/server/fleet/fleetNode";
import { createPiServer, type PiServer } from "../../src/server/httpServer";
import { IMAGES_BODY_ALLOWANCE } from "../../src/server/routes";
import { request } from "../server/support";
import { type PiFixture, startPiFixture } from "../support/piFixture";
import { assistantTexts, userTexts } from "./liveView";
import { freePort, RedisServer, waitUntil } from "./support";

describe("fleet: idle reclaim hands a chat back", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let fx: PiFixture;
  let node: FleetNode;
  let server: PiServer;
  let dataDir: string;

  before(async () => {
    redis = await RedisServer.start();
    let reclaimed: (chat: Parameters<FleetNode["reclaimed"]>[0]) => void = () => undefined;
    // The host's idle hook, wired as the CLI does.
    fx = await startPiFixture({}, { idleMinutes: () => 1, onReclaimed: (chat) => reclaimed(chat) });
    const port = await freePort();
    const fleetConfig = fleetConfigFromEnv({
      REDIS_URL: redis.url,
      INSTANCE_ID: "solo",
      INSTANCE_URL: `http://127.0.0.1:${port}`,
      FLEET_SECRET: "idle-test-secret-idle-test-secret-123",
      LEASE_MS: "3000",
    });
    assert.ok(fleetConfig);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-idle-"));
    const config = configFromEnv({}, { port, host: "127.0.0.1", dataDir });
    const log = pino({ level: "silent" });
    const { bodyLimitBytes, trustProxy, clientBufferBytes, heartbeatMs } = config;
    node = await FleetNode.start({
      config: fleetConfig,
      host: fx.host,
      logger: log,
      server: { bodyLimitBytes, maxBodyBytes: bodyLimitBytes + IMAGES_BODY_ALLOWANCE, trustProxy, clientBufferBytes, heartbeatMs },
      onIdLost: () => undefined,
    });
    reclaimed = (chat) => node.reclaimed(chat);
    server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log, fleet: node });
    await server.listen();
  });
  after(async () => {
    await server?.close();
    await fx?.cleanup();
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("after the idle time: no pi, no lease, no slot here; the next prompt continues the chat with its transcript", async () => {
    const port = server.port;
    const created = await request(port, "/api/v1/chats", { method: "POST" });
    assert.equal(created.status, 201, created.text);
    const chatId = (created.json as { chatId: string }).chatId;
    assert.equal((await request(port, `/api/v1/chats/${chatId}/prompt`, { method: "POST", body: { text: "before idling" } })).status, 200);
    await waitUntil("the first answer", () => fx.host.get(chatId)?.status === "ready" && assistantTexts(fx.host.get(chatId)?.snapshot().items ?? []).length === 1, 30_000);
    assert.equal(await node.fleet.caps.counts().then((c) => c.instance), 1);

    assert.equal(await fx.host.reclaimIdle(Date.now() + 2 * 60_000), 1);
    await waitUntil("the chat handed back", () => !fx.host.get(chatId), 10_000);
    assert.equal(node.fleet.leases.holds(chatId), false);
    assert.equal(await node.fleet.leases.owner(chatId), undefined, "the lease is free for any instance");
    assert.equal((await node.fleet.caps.counts()).instance, 0, "the pi slot is free");
    assert.equal((await node.chats.records.get(chatId))?.status, "stopped");

    assert.equal((await request(port, `/api/v1/chats/${chatId}/prompt`, { method: "POST", body: { text: "after idling" } })).status, 200);
    await waitUntil("the second answer", () => fx.host.get(chatId)?.status === "ready" && assistantTexts(fx.host.get(chatId)?.snapshot().items ?? []).length === 2, 30_000);
    const snap = (await request(port, `/api/v1/chats/${chatId}`)).json as ChatSnapshot;
    assert.deepEqual(userTexts(snap.items), ["before idling", "after idling"], "continued on the same pi session file");
    assert.ok(node.fleet.leases.holds(chatId));
    const metrics = await node.metrics.text();
    assert.match(metrics, /^pi_sessions_reclaimed_total\{instance_id="solo"\} 1$/m);
  });
});
