// The warm-up of pi's model API (src/piGuard/providerWarmUp.ts): it runs the API's real request
// path against its own stub and never reaches the model's provider — here a server on
// 127.0.0.1 standing where the provider would be, counting requests. Then with a real pi and
// the guard: nothing reaches the scripted model before the first message, and that message
// is answered as before.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Api, Model } from "@earendil-works/pi-ai";
import { WARM_APIS, WARM_DELAY_ENV, WARM_PIECES, warmProvider } from "../../src/piGuard/providerWarmUp";
import { openGuard } from "../support/guardBundle";
import { assistantText, type PiFixture, startPiFixture, waitFor, waitForStatus } from "../support/piFixture";

describe("the model API warm-up in pi's guard", function () {
  this.timeout(60_000);
  let provider: http.Server;
  let requests = 0;
  let baseUrl = "";
  let fx: PiFixture | undefined;

  before(async () => {
    provider = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => provider.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  });
  after(() => new Promise<void>((r) => provider.close(() => r())));
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
  });

  for (const api of WARM_APIS) {
    it(`${api}: runs the request path against its own stub, never the model's provider`, async () => {
      requests = 0;
      const model = { id: "m", name: "m", api, provider: "p", baseUrl, reasoning: false, input: ["text"], cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, contextWindow: 8000, maxTokens: 100 } as Model<Api>;
      assert.deepEqual(await warmProvider(model), { reached: true, pieces: WARM_PIECES }, "the stub got the API's request and wrote its refusal in pieces");
      assert.equal(requests, 0, "nothing reached the provider");
    });
  }

  it("with a real pi: warms once started, sends the model nothing before the first message, which is answered", async () => {
    fx = await startPiFixture({}, { guard: openGuard });
    const chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready", 30_000);
    const current = fx;
    await waitFor("the warm-up", () => current.logs.some((l) => /openai-completions loaded ahead of the first message/.test(l)), 10_000);
    assert.equal(current.model.requests.length, 0, "the warm-up never reached the model");
    await chat.prompt("hello after the warm-up");
    await waitFor("the answer", () => assistantText(chat.snapshot().items).includes("hello after the warm-up"));
    assert.equal(current.model.requests.length, 1, "one request: the message's");
  });

  it("a session replaced before the warm-up's moment leaves pi running (its old context is not used)", async () => {
    fx = await startPiFixture({}, { guard: openGuard });
    const first = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(first, "ready", 30_000);
    await first.prompt("a session to go back to");
    const current = fx;
    await waitFor("the answer", () => assistantText(first.snapshot().items).includes("a session to go back to"));
    const file = first.piSessionFile;
    assert.ok(file);
    // The warm-up comes 2 s after this pi's session starts: the session is replaced before that.
    const chat = fx.host.createChat({ cwd: fx.workspace, env: { [WARM_DELAY_ENV]: "2000" } });
    await waitForStatus(chat, "ready", 30_000);
    await chat.history.resume(file);
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(chat.status, "ready", "pi is still running");
    await chat.prompt("still here after the switch");
    await waitFor("the answer", () => assistantText(chat.snapshot().items).includes("still here after the switch"));
    assert.ok(!current.logs.some((l) => /exited|crash/i.test(l) && l.includes(chat.id)), current.logs.join("\n"));
  });
});
