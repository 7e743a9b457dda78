// Every REST route and its error statuses, over real HTTP against a real pi.
import * as assert from "node:assert/strict";
import { CONTENT_SECURITY_POLICY } from "../../src/server/security";
import { IMAGES_BODY_ALLOWANCE } from "../../src/server/routes";
import { assistantText, waitFor } from "../support/piFixture";
import { createReadySession, errorCode, request, startServerFixture, type ServerFixture } from "./support";

describe("server: REST API", function () {
  this.timeout(90_000);
  let f: ServerFixture;
  before(async () => {
    f = await startServerFixture();
  });
  after(async () => {
    await f.cleanup();
  });

  it("GET /health is public and counts sessions", async () => {
    const r = await request(f.port, "/api/v1/health");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: "ok", activeSessions: f.fx.host.chats().length });
  });

  it("puts the security headers on every response, errors included", async () => {
    for (const p of ["/api/v1/health", "/nope", "/", "/api/v1/sessions"]) {
      const r = await request(f.port, p);
      assert.equal(r.headers["content-security-policy"], CONTENT_SECURITY_POLICY, p);
      assert.equal(r.headers["x-content-type-options"], "nosniff", p);
      assert.equal(r.headers["referrer-policy"], "no-referrer", p);
      assert.equal(r.headers["access-control-allow-origin"], undefined, `${p}: no CORS by default`);
    }
  });

  it("serves the page and its two assets from a fixed list only", async () => {
    const page = await request(f.port, "/");
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.match(page.text, /<script src="assets\/webview.js"><\/script>/);
    assert.match(page.text, /href="assets\/chat.css"/);
    assert.doesNotMatch(page.text, /<script>|nonce|style=/, "nothing inline: the CSP allows only 'self'");
    const css = await request(f.port, "/assets/chat.css");
    assert.equal(css.status, 200);
    assert.match(String(css.headers["content-type"]), /^text\/css/);
    const js = await request(f.port, "/assets/webview.js");
    assert.ok(js.status === 200 || js.status === 404, "built or not, never something else");
    for (const evil of ["/assets/../package.json", "/assets/%2e%2e/package.json", "/assets/..%2fpackage.json", "/assets/", "/media/chat.css", "/dist/webview.js", "/assets/chat.css/", "/ASSETS/chat.css"]) {
      const r = await request(f.port, evil);
      assert.equal(r.status, 404, evil);
      assert.equal(errorCode(r), "not_found", evil);
    }
  });

  it("404 unknown route, 405 wrong method (with Allow), JSON error bodies", async () => {
    const r404 = await request(f.port, "/api/v1/nope");
    assert.equal(r404.status, 404);
    assert.deepEqual(Object.keys((r404.json as { error: object }).error).sort(), ["code", "message"]);
    const r405 = await request(f.port, "/api/v1/health", { method: "POST" });
    assert.equal(r405.status, 405);
    assert.equal(r405.headers.allow, "GET");
    assert.equal(errorCode(await request(f.port, "/api/v1/sessions", { method: "PUT" })), "method_not_allowed");
    assert.equal((await request(f.port, "/api/v1/sessions", { method: "PATCH" })).status, 405);
    assert.equal((await request(f.port, "/api/v1/health", { method: "HEAD" })).status, 200);
  });

  it("rejects malformed, mistyped, oversized and non-JSON bodies", async () => {
    const id = await createReadySession(f);
    const p = `/api/v1/sessions/${id}/prompt`;
    const bad = await request(f.port, p, { method: "POST", raw: "{not json", headers: { "content-type": "application/json" } });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), "invalid_json");
    for (const body of [{}, { message: 5 }, { message: "" }, { message: "   " }, [], "text", null, { message: ["a"] }]) {
      const r = await request(f.port, p, { method: "POST", body });
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    const text = await request(f.port, p, { method: "POST", raw: "message=hi", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(text.status, 415);
    // A message's body has room for its images (routes.ts); beyond that it is refused unread.
    const long = await request(f.port, p, { method: "POST", body: { message: "x".repeat(1024 * 1024 + 10) } });
    assert.equal(long.status, 400, "too long a message, within the body limit");
    const huge = await request(f.port, p, { method: "POST", body: { message: "x".repeat(f.config.bodyLimitBytes + IMAGES_BODY_ALLOWANCE + 10) } });
    assert.equal(huge.status, 413);
    assert.equal(errorCode(huge), "body_too_large");
    const lying = await request(f.port, p, { method: "POST", raw: "{}", headers: { "content-type": "application/json", "content-length": "99999999" } }).catch(() => undefined);
    assert.ok(!lying || lying.status === 413);
    assert.equal((await request(f.port, "/api/v1/sessions", { method: "POST", body: { cwd: "/etc" } })).status, 400, "the cwd is always the workspace");
  });

  it("creates, lists, prompts, reads, aborts and deletes a session", async () => {
    const created = await request(f.port, "/api/v1/sessions", { method: "POST" });
    assert.equal(created.status, 201);
    const id = (created.json as { chatId: string }).chatId;
    const list = await request(f.port, "/api/v1/sessions");
    const row = (list.json as { sessions: Array<{ id: string; cwd: string; title: string; status: string }> }).sessions.find((s) => s.id === id);
    assert.ok(row);
    assert.equal(row.cwd, f.fx.workspace);
    assert.equal(typeof row.title, "string");
    assert.ok(["starting", "ready"].includes(row.status));
    await waitFor("ready", () => f.fx.host.get(id)?.status === "ready", 30_000);

    const prompt = await request(f.port, `/api/v1/sessions/${id}/prompt`, { method: "POST", body: { message: "hello api" } });
    assert.equal(prompt.status, 202);
    await waitFor("the reply", () => f.fx.host.get(id)?.status === "ready" && assistantText(f.fx.host.get(id)?.snapshot().items ?? []).includes("hello api"));
    const messages = await request(f.port, `/api/v1/sessions/${id}/messages`);
    assert.equal(messages.status, 200);
    const items = (messages.json as { items: Array<{ kind: string }>; seq: number }).items;
    assert.deepEqual(items.map((i) => i.kind), ["user", "assistant"]);
    const state = await request(f.port, `/api/v1/sessions/${id}/state`);
    const st = state.json as { status: string; info: { chatId: string; model: string }; seq: number };
    assert.equal(st.status, "ready");
    assert.equal(st.info.chatId, id);
    assert.equal(st.info.model, "pi-demo/pi-demo");
    const stats = await request(f.port, `/api/v1/sessions/${id}/stats`);
    assert.equal(stats.status, 200);
    assert.ok((stats.json as { usage: { totalTokens: number } }).usage.totalTokens > 0);
    const models = await request(f.port, `/api/v1/sessions/${id}/models`);
    assert.equal(models.status, 200);
    assert.ok((models.json as { models: unknown[] }).models.length >= 1);
    assert.equal((await request(f.port, `/api/v1/sessions/${id}/thinking`, { method: "POST", body: { level: "ultra-mega" } })).status, 409);
    assert.equal((await request(f.port, `/api/v1/sessions/${id}/model`, { method: "POST", body: { provider: "nope", modelId: "x" } })).status, 409);
    assert.equal((await request(f.port, `/api/v1/sessions/${id}/ui-response`, { method: "POST", body: { id: "nope", cancelled: true } })).status, 404);
    assert.equal((await request(f.port, `/api/v1/sessions/${id}/ui-response`, { method: "POST", body: { id: "x" } })).status, 400);

    await request(f.port, `/api/v1/sessions/${id}/prompt`, { method: "POST", body: { message: "slow 400" } });
    await waitFor("streaming", () => assistantText(f.fx.host.get(id)?.snapshot().items ?? []).includes("w3"));
    const abort = await request(f.port, `/api/v1/sessions/${id}/abort`, { method: "POST" });
    assert.equal(abort.status, 200);
    await waitFor("ready after abort", () => f.fx.host.get(id)?.status === "ready", 15_000);

    // The past sessions of the workspace are listed; a live chat switches to one, only from that list.
    await request(f.port, "/api/v1/sessions", { method: "POST" });
    const other = (await request(f.port, "/api/v1/sessions")).json as { sessions: Array<{ id: string }>; past: Array<{ file: string; title: string }> };
    const pastFile = other.past.find((p) => p.title.includes("hello api"))?.file;
    assert.ok(pastFile, `the first chat is a past session now: ${JSON.stringify(other.past.map((p) => p.title))}`);
    const second = other.sessions.find((s) => s.id !== id)?.id as string;
    await waitFor("the second chat", () => f.fx.host.get(second)?.status === "ready", 30_000);
    assert.equal((await request(f.port, `/api/v1/sessions/${second}/resume`, { method: "POST", body: { file: "/etc/passwd" } })).status, 400);
    assert.equal((await request(f.port, `/api/v1/sessions/${second}/resume`, { method: "POST", body: { file: pastFile } })).status, 204);
    assert.ok(f.fx.host.get(second)?.snapshot().items.some((i) => i.kind === "user" && i.text === "hello api"), "the resumed transcript is shown");

    const del = await request(f.port, `/api/v1/sessions/${id}`, { method: "DELETE" });
    assert.equal(del.status, 204);
    assert.equal(f.fx.host.get(id), undefined);
    for (const [method, p] of [
      ["DELETE", ""],
      ["GET", "/state"],
      ["GET", "/messages"],
      ["POST", "/prompt"],
      ["POST", "/abort"],
    ] as const) {
      const r = await request(f.port, `/api/v1/sessions/${id}${p}`, { method, body: method === "POST" ? { message: "x" } : undefined });
      assert.equal(r.status, 404, `${method} ${p}`);
      assert.equal(errorCode(r), "session_not_found");
    }
  });

  it("/auth/status reports no auth needed on a loopback server without credentials", async () => {
    const r = await request(f.port, "/api/v1/auth/status");
    assert.deepEqual(r.json, { authRequired: false, authenticated: true, methods: { password: false, apiKey: false } });
    const login = await request(f.port, "/api/v1/auth/login", { method: "POST", body: { password: "x" } });
    assert.equal(login.status, 400);
    assert.equal(errorCode(login), "login_disabled");
  });
});
