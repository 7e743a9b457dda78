// Every REST route and its error statuses, over real HTTP against a real pi.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONTENT_SECURITY_POLICY } from "../../src/server/security";
import { IMAGES_BODY_ALLOWANCE } from "../../src/server/routes";
import { assistantText, waitFor } from "../support/piFixture";
import { buildAssetsRoot, staticImports } from "../support/webviewBuild";
import { createReadyChat, errorCode, request, startServerFixture, type ServerFixture } from "./support";

describe("server: REST API", function () {
  this.timeout(90_000);
  let f: ServerFixture;
  let assets: string;
  before(async () => {
    assets = buildAssetsRoot();
    f = await startServerFixture({}, {}, { assetsRoot: assets });
  });
  after(async () => {
    await f.cleanup();
    fs.rmSync(assets, { recursive: true, force: true });
  });

  it("GET /health is public and counts chats", async () => {
    const r = await request(f.port, "/api/v1/health");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: "ok", activeChats: f.fx.host.chats().length });
  });

  it("puts the security headers on every response, errors included", async () => {
    for (const p of ["/api/v1/health", "/nope", "/", "/api/v1/chats"]) {
      const r = await request(f.port, p);
      assert.equal(r.headers["content-security-policy"], CONTENT_SECURITY_POLICY, p);
      assert.equal(r.headers["x-content-type-options"], "nosniff", p);
      assert.equal(r.headers["referrer-policy"], "no-referrer", p);
      assert.equal(r.headers["access-control-allow-origin"], undefined, `${p}: no CORS by default`);
    }
  });

  it("serves the page, its stylesheet and its modules (entry and chunks), nothing else", async () => {
    const page = await request(f.port, "/");
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.match(page.text, /<script type="module" src="assets\/webview\/remote.js"><\/script>/);
    assert.match(page.text, /href="assets\/chat.css"/);
    assert.doesNotMatch(page.text, /<script>|<script type="module">|nonce|style=/, "nothing inline: the CSP allows only 'self'");
    const css = await request(f.port, "/assets/chat.css");
    assert.equal(css.status, 200);
    assert.match(String(css.headers["content-type"]), /^text\/css/);
    // The entry, every chunk it imports, and a chunk loaded on demand (highlight.js's core), byte for byte.
    const built = path.join(assets, "dist", "webview");
    const lazy = fs.readdirSync(built).find((n) => /^core-[A-Z0-9]+\.js$/.test(n));
    assert.ok(lazy, "the build has a highlight.js core chunk");
    const modules = [...staticImports(built, "remote.js"), lazy];
    assert.ok(modules.length > 2, `the page is split into modules: ${modules.join(", ")}`);
    // The entry's static chunks are named for preloading, so they load with it, not after it.
    const preloaded = [...page.text.matchAll(/<link rel="modulepreload" href="assets\/webview\/([^"]+)">/g)].map((m) => m[1]).sort();
    assert.deepEqual(preloaded, staticImports(built, "remote.js").filter((n) => n !== "remote.js").sort());
    for (const name of modules) {
      const js = await request(f.port, `/assets/webview/${name}`);
      assert.equal(js.status, 200, name);
      assert.match(String(js.headers["content-type"]), /^text\/javascript/, name);
      assert.equal(js.text, fs.readFileSync(path.join(built, name), "utf8"), name);
    }
    // Beside the modules: a source map and a license file. Neither is a module name.
    fs.writeFileSync(path.join(built, "main.js.map"), "{}");
    fs.writeFileSync(path.join(assets, "dist", "secret.js"), "secret");
    for (const evil of [
      "/assets/../package.json", "/assets/%2e%2e/package.json", "/assets/..%2fpackage.json", "/assets/", "/media/chat.css", "/dist/webview/main.js",
      "/assets/chat.css/", "/ASSETS/chat.css", "/assets/webview.js", "/assets/webview/", "/assets/webview/main.js.map", "/assets/webview/..%2fsecret.js",
      "/assets/webview/%2e%2e%2fsecret.js", "/assets/webview/../secret.js", "/assets/webview/.main.js", "/assets/webview/main.JS", "/assets/webview/main.js%00",
      "/assets/webview/sub/main.js", "/assets/webview/main.js/", `/assets/webview/${"a".repeat(120)}.js`, "/assets/webview/chunk.LEGAL.txt",
    ]) {
      const r = await request(f.port, evil);
      assert.equal(r.status, 404, evil);
      assert.equal(errorCode(r), "not_found", evil);
      assert.doesNotMatch(r.text, /secret|"version"/, evil);
    }
  });

  it("404 unknown route, 405 wrong method (with Allow), JSON error bodies", async () => {
    const r404 = await request(f.port, "/api/v1/nope");
    assert.equal(r404.status, 404);
    assert.deepEqual(Object.keys((r404.json as { error: object }).error).sort(), ["code", "message"]);
    const r405 = await request(f.port, "/api/v1/health", { method: "POST" });
    assert.equal(r405.status, 405);
    assert.equal(r405.headers.allow, "GET");
    assert.equal(errorCode(await request(f.port, "/api/v1/chats", { method: "PUT" })), "method_not_allowed");
    assert.equal((await request(f.port, "/api/v1/chats", { method: "PATCH" })).status, 405);
    assert.equal((await request(f.port, "/api/v1/health", { method: "HEAD" })).status, 200);
  });

  it("rejects malformed, mistyped, oversized and non-JSON bodies", async () => {
    const id = await createReadyChat(f);
    const p = `/api/v1/chats/${id}/prompt`;
    const bad = await request(f.port, p, { method: "POST", raw: "{not json", headers: { "content-type": "application/json" } });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), "invalid_json");
    for (const body of [{}, { text: 5 }, { text: "" }, { text: "   " }, [], "text", null, { text: ["a"] }, { message: "the old field" }, { text: "hi", extra: 1 }]) {
      const r = await request(f.port, p, { method: "POST", body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(errorCode(r), "invalid_params", JSON.stringify(body));
    }
    const text = await request(f.port, p, { method: "POST", raw: "text=hi", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(text.status, 415);
    // A message's body has room for its images (routes/chats.ts); beyond that it is refused unread.
    const long = await request(f.port, p, { method: "POST", body: { text: "x".repeat(1024 * 1024 + 10) } });
    assert.equal(long.status, 400, "too long a message, within the body limit");
    assert.equal(errorCode(long), "invalid_params");
    const huge = await request(f.port, p, { method: "POST", body: { text: "x".repeat(f.config.bodyLimitBytes + IMAGES_BODY_ALLOWANCE + 10) } });
    assert.equal(huge.status, 413);
    assert.equal(errorCode(huge), "body_too_large");
    const lying = await request(f.port, p, { method: "POST", raw: "{}", headers: { "content-type": "application/json", "content-length": "99999999" } }).catch(() => undefined);
    assert.ok(!lying || lying.status === 413);
    const elsewhere = await request(f.port, "/api/v1/chats", { method: "POST", body: { cwd: "/etc" } });
    assert.equal(elsewhere.status, 400, "the cwd is always the workspace");
    assert.equal(errorCode(elsewhere), "invalid_params");
  });

  it("creates, lists, prompts, reads, aborts and closes a chat", async () => {
    const created = await request(f.port, "/api/v1/chats", { method: "POST" });
    assert.equal(created.status, 201);
    const id = (created.json as { chatId: string }).chatId;
    assert.deepEqual(Object.keys(created.json as object), ["chatId"]);
    const list = await request(f.port, "/api/v1/chats");
    assert.equal(list.status, 200);
    const row = (list.json as { chats: Array<{ chatId: string; cwd: string; title: string; status: string; state: string; waiting: unknown[]; lastActivity: number }> }).chats.find(
      (c) => c.chatId === id,
    );
    assert.ok(row);
    // The summary the sessions page shows: model, cost and viewers only once pi has told them.
    const required = ["chatId", "cwd", "lastActivity", "state", "status", "title", "waiting"];
    assert.deepEqual(required.filter((k) => !(k in row)), []);
    assert.deepEqual(Object.keys(row).filter((k) => !required.includes(k) && !["model", "cost", "viewers"].includes(k)), []);
    assert.equal(row.state, row.status, "nothing waiting: the state is the status");
    assert.deepEqual(row.waiting, []);
    assert.equal(row.cwd, f.fx.workspace);
    assert.equal(typeof row.title, "string");
    assert.equal(typeof row.lastActivity, "number");
    assert.ok(["starting", "ready"].includes(row.status));
    await waitFor("ready", () => f.fx.host.get(id)?.status === "ready", 30_000);

    const prompt = await request(f.port, `/api/v1/chats/${id}/prompt`, { method: "POST", body: { text: "hello api" } });
    assert.equal(prompt.status, 200);
    assert.deepEqual(prompt.json, {});
    await waitFor("the reply", () => f.fx.host.get(id)?.status === "ready" && assistantText(f.fx.host.get(id)?.snapshot().items ?? []).includes("hello api"));
    // pi's usage is asked for once the run settles: it reaches the chat a moment after "ready".
    await waitFor("usage", () => (f.fx.host.get(id)?.info.usage?.totalTokens ?? 0) > 0, 10_000);
    // The snapshot is the whole state: status, info (model, usage) and the items.
    const snapshot = await request(f.port, `/api/v1/chats/${id}`);
    assert.equal(snapshot.status, 200);
    const snap = snapshot.json as { status: string; info: { chatId: string; model: string; usage?: { totalTokens: number } }; items: Array<{ kind: string }>; seq: number };
    assert.deepEqual(snap.items.map((i) => i.kind), ["user", "assistant"]);
    assert.equal(snap.status, "ready");
    assert.equal(snap.info.chatId, id);
    assert.equal(snap.info.model, "pi-demo/pi-demo");
    assert.equal(typeof snap.seq, "number");
    assert.ok((snap.info.usage?.totalTokens ?? 0) > 0, `usage after a turn: ${JSON.stringify(snap.info.usage)}`);
    const models = await request(f.port, `/api/v1/chats/${id}/models`);
    assert.equal(models.status, 200);
    assert.ok((models.json as { models: unknown[] }).models.length >= 1);
    assert.ok(Array.isArray((models.json as { thinkingLevels: unknown }).thinkingLevels));
    const level = await request(f.port, `/api/v1/chats/${id}/thinking`, { method: "POST", body: { level: "ultra-mega" } });
    assert.equal(level.status, 400, "a level the model does not have is a bad request");
    assert.equal(errorCode(level), "invalid_params");
    const model = await request(f.port, `/api/v1/chats/${id}/model`, { method: "POST", body: { provider: "nope", modelId: "x" } });
    assert.equal(model.status, 409);
    assert.equal(errorCode(model), "refused");
    const unknownDialog = await request(f.port, `/api/v1/chats/${id}/dialog-answer`, { method: "POST", body: { id: "nope", cancelled: true } });
    assert.equal(unknownDialog.status, 404);
    assert.equal(errorCode(unknownDialog), "not_found");
    const noAnswer = await request(f.port, `/api/v1/chats/${id}/dialog-answer`, { method: "POST", body: { id: "x" } });
    assert.equal(noAnswer.status, 400);
    assert.equal(errorCode(noAnswer), "invalid_params");

    await request(f.port, `/api/v1/chats/${id}/prompt`, { method: "POST", body: { text: "slow 400" } });
    await waitFor("streaming", () => assistantText(f.fx.host.get(id)?.snapshot().items ?? []).includes("w3"));
    const abort = await request(f.port, `/api/v1/chats/${id}/abort`, { method: "POST" });
    assert.equal(abort.status, 200);
    assert.deepEqual(abort.json, {});
    await waitFor("ready after abort", () => f.fx.host.get(id)?.status === "ready", 15_000);

    // The folder's pi sessions are listed per chat; a live chat switches to one, only from that list.
    const second = (await request(f.port, "/api/v1/chats", { method: "POST" })).json as { chatId: string };
    const chats = (await request(f.port, "/api/v1/chats")).json as { chats: Array<{ chatId: string }> };
    assert.ok(chats.chats.some((c) => c.chatId === second.chatId));
    assert.deepEqual(Object.keys(chats), ["chats"], "the folder's pi sessions are the chat's, not in the chat list");
    await waitFor("the second chat", () => f.fx.host.get(second.chatId)?.status === "ready", 30_000);
    const sessions = await request(f.port, `/api/v1/chats/${second.chatId}/pi-sessions`);
    assert.equal(sessions.status, 200);
    const piSessions = (sessions.json as { piSessions: Array<{ file: string; title: string; modified: number }> }).piSessions;
    const pastFile = piSessions.find((p) => p.title.includes("hello api"))?.file;
    assert.ok(pastFile, `the first chat's pi session is listed: ${JSON.stringify(piSessions.map((p) => p.title))}`);
    const notListed = await request(f.port, `/api/v1/chats/${second.chatId}/resume`, { method: "POST", body: { file: "/etc/passwd" } });
    assert.equal(notListed.status, 400);
    assert.equal(errorCode(notListed), "invalid_params");
    const resumed = await request(f.port, `/api/v1/chats/${second.chatId}/resume`, { method: "POST", body: { file: pastFile } });
    assert.equal(resumed.status, 200);
    assert.deepEqual(resumed.json, {});
    assert.ok(f.fx.host.get(second.chatId)?.snapshot().items.some((i) => i.kind === "user" && i.text === "hello api"), "the resumed transcript is shown");

    const del = await request(f.port, `/api/v1/chats/${id}`, { method: "DELETE" });
    assert.equal(del.status, 200);
    assert.deepEqual(del.json, {});
    assert.equal(f.fx.host.get(id), undefined);
    for (const [method, p] of [
      ["DELETE", ""],
      ["GET", ""],
      ["GET", "/pi-sessions"],
      ["POST", "/prompt"],
      ["POST", "/abort"],
    ] as const) {
      const r = await request(f.port, `/api/v1/chats/${id}${p}`, { method, body: method === "POST" ? { text: "x" } : undefined });
      assert.equal(r.status, 404, `${method} ${p}`);
      assert.equal(errorCode(r), "not_found");
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
