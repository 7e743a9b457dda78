// Who may talk to the server: credentials, tokens, rate limits, Host and Origin checks, binds.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pino from "pino";
import { constantTimeEqual, loadOrCreateJwtSecret, signJwt, verifyJwt } from "../../src/server/auth";
import { ConfigError, configFromEnv, unsafeBindReason } from "../../src/server/config";
import { createPiServer } from "../../src/server/httpServer";
import { RateLimiter } from "../../src/server/rateLimit";
import { parseHostHeader } from "../../src/server/security";
import { startPiFixture } from "../support/piFixture";
import { errorCode, request, SseClient, startServerFixture, type ServerFixture } from "./support";

const API_KEY = "test-api-key-0123456789abcdef";
const PASSWORD = "correct horse battery staple";

describe("server: authentication", function () {
  this.timeout(60_000);
  let f: ServerFixture;
  before(async () => {
    f = await startServerFixture({}, { API_KEY, UI_PASSWORD: PASSWORD, RATE_LIMIT_LOGIN_MAX: "10" });
  });
  after(async () => {
    await f.cleanup();
  });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it("requires a credential on the API but not on /health, /auth/* or the page", async () => {
    assert.equal((await request(f.port, "/api/v1/health")).status, 200);
    assert.equal((await request(f.port, "/")).status, 200);
    const status = await request(f.port, "/api/v1/auth/status");
    assert.deepEqual(status.json, { authRequired: true, authenticated: false, methods: { password: true, apiKey: true } });
    for (const [method, p] of [
      ["GET", "/api/v1/chats"],
      ["POST", "/api/v1/chats"],
      ["GET", "/api/v1/chats/x"],
      ["GET", "/api/v1/chats/x/events"],
      ["DELETE", "/api/v1/chats/x"],
      ["POST", "/api/v1/chats/x/prompt"],
    ]) {
      const r = await request(f.port, p, { method });
      assert.equal(r.status, 401, `${method} ${p}`);
      assert.equal(errorCode(r), "unauthorized");
      assert.match(String(r.headers["www-authenticate"]), /^Bearer/);
    }
  });

  it("rejects bad, malformed, forged and expired tokens", async () => {
    const secret = fs.readFileSync(path.join(f.dataDir, "jwt-secret"), "utf8").trim();
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt({ sub: "ui", iat: now - 100, exp: now - 1 }, secret);
    const forged = signJwt({ sub: "ui", iat: now, exp: now + 3600 }, "some-other-secret-of-enough-length-000");
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "ui", iat: now, exp: now + 3600 })).toString("base64url")}.`;
    for (const header of [
      bearer("nope"),
      bearer(API_KEY.slice(0, -1)),
      bearer(`${API_KEY}x`),
      bearer(expired),
      bearer(forged),
      bearer(none),
      { authorization: API_KEY },
      { authorization: `Basic ${Buffer.from(`u:${PASSWORD}`).toString("base64")}` },
      { authorization: "Bearer " },
    ]) {
      const r = await request(f.port, "/api/v1/chats", { headers: header });
      assert.equal(r.status, 401, JSON.stringify(header).slice(0, 80));
    }
  });

  it("accepts the API key and a token from /auth/login", async () => {
    assert.equal((await request(f.port, "/api/v1/chats", { headers: bearer(API_KEY) })).status, 200);
    const wrong = await request(f.port, "/api/v1/auth/login", { method: "POST", body: { password: "wrong" } });
    assert.equal(wrong.status, 401);
    assert.equal(errorCode(wrong), "invalid_credentials");
    const login = await request(f.port, "/api/v1/auth/login", { method: "POST", body: { password: PASSWORD } });
    assert.equal(login.status, 200);
    const { token, expiresAt } = login.json as { token: string; expiresAt: number };
    assert.ok(expiresAt > Date.now() / 1000);
    assert.equal((await request(f.port, "/api/v1/chats", { headers: bearer(token) })).status, 200);
    const status = await request(f.port, "/api/v1/auth/status", { headers: bearer(token) });
    assert.equal((status.json as { authenticated: boolean }).authenticated, true);
    // EventSource cannot send headers: the stream takes a stream token minted with the bearer.
    const created = await request(f.port, "/api/v1/chats", { method: "POST", headers: bearer(token) });
    const id = (created.json as { chatId: string }).chatId;
    const streamToken = ((await request(f.port, "/api/v1/auth/stream-token", { method: "POST", body: { chatId: id }, headers: bearer(token) })).json as { token: string }).token;
    const sse = new SseClient(f.port, `/api/v1/chats/${id}/events?stream_token=${encodeURIComponent(streamToken)}`);
    await sse.open();
    assert.equal(sse.status, 200);
    await sse.until("snapshot", () => sse.events.length >= 1);
    sse.close();
    const withHeader = new SseClient(f.port, `/api/v1/chats/${id}/events`, bearer(token));
    await withHeader.open();
    assert.equal(withHeader.status, 200, "a client that can send headers streams with its bearer");
    withHeader.close();
  });

  it("keeps the generated JWT secret in the data dir, mode 0600, and reuses it", () => {
    const file = path.join(f.dataDir, "jwt-secret");
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const secret = fs.readFileSync(file, "utf8").trim();
    assert.equal(loadOrCreateJwtSecret(f.dataDir), secret);
    assert.equal(loadOrCreateJwtSecret(f.dataDir, "explicit-secret-explicit-secret-000"), "explicit-secret-explicit-secret-000");
  });

  it("rate-limits logins per IP (429 + Retry-After), ignoring X-Forwarded-For unless TRUST_PROXY", async () => {
    let limited: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      const r = await request(f.port, "/api/v1/auth/login", { method: "POST", body: { password: "guess" }, headers: { "x-forwarded-for": `10.0.0.${i}` } });
      if (r.status === 429) limited = r;
    }
    assert.ok(limited, "the limit was hit despite varying X-Forwarded-For");
    assert.equal(errorCode(limited), "rate_limited");
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
    const right = await request(f.port, "/api/v1/auth/login", { method: "POST", body: { password: PASSWORD } });
    assert.equal(right.status, 429, "even the right password waits out the window");
  });
});

describe("server: Host, Origin and CORS checks", function () {
  this.timeout(60_000);
  let f: ServerFixture;
  before(async () => {
    f = await startServerFixture({}, { CORS_ORIGIN: "https://pi.example.lan", ALLOWED_HOSTS: "pi.example.lan" });
  });
  after(async () => {
    await f.cleanup();
  });

  it("rejects a foreign Host (DNS rebinding) with 421, even on public routes", async () => {
    for (const host of ["evil.example", `evil.example:${f.port}`, "[::1", `localhost.evil.example:${f.port}`, "a b", "127.0.0.2", `pi.example.lan.evil:${f.port}`]) {
      const r = await request(f.port, "/api/v1/health", { headers: { host } }).catch(() => undefined);
      assert.ok(!r || r.status === 421 || r.status === 400, `Host ${JSON.stringify(host)} → ${r?.status}`);
    }
    // Loopback literals on any port: no DNS can rebind them, and a forwarded port (Remote-SSH,
    // code-server's proxy) reaches the server under another number.
    for (const host of [`127.0.0.1:${f.port}`, `localhost:${f.port}`, `[::1]:${f.port}`, `LOCALHOST:${f.port}`, "pi.example.lan", "pi.example.lan:443", `127.0.0.1:${f.port + 1}`, "localhost"]) {
      assert.equal((await request(f.port, "/api/v1/health", { headers: { host } })).status, 200, host);
    }
  });

  it("accepts the Host and Origin of a forwarded address once told about it (VS Code asExternalUri)", async () => {
    const forwarded = "https://octo-3000.app.github.dev";
    const before = await request(f.port, "/api/v1/chats", { headers: { host: "octo-3000.app.github.dev" } });
    assert.equal(before.status, 421);
    f.server.allowForwarded(`${forwarded}/`);
    assert.equal((await request(f.port, "/api/v1/chats", { headers: { host: "octo-3000.app.github.dev" } })).status, 200);
    assert.equal((await request(f.port, "/api/v1/chats", { headers: { host: "localhost:9", origin: forwarded } })).status, 200, "the forwarded origin is same-site");
    assert.equal((await request(f.port, "/api/v1/chats", { headers: { host: "localhost:9", origin: "https://evil-3000.app.github.dev" } })).status, 403);
  });

  it("rejects foreign Origins (403) and answers the pinned CORS origin", async () => {
    for (const origin of ["http://evil.example", "null", `http://127.0.0.1:${f.port + 1}`, "https://pi.example.lan.evil"]) {
      for (const method of ["POST", "DELETE", "GET"]) {
        const r = await request(f.port, method === "DELETE" ? "/api/v1/chats/x" : "/api/v1/chats", { method, headers: { origin } });
        assert.equal(r.status, 403, `${method} from ${origin}`);
        assert.equal(errorCode(r), "cross_origin");
        assert.equal(r.headers["access-control-allow-origin"], undefined);
      }
    }
    const crossSite = await request(f.port, "/api/v1/chats", { method: "POST", headers: { "sec-fetch-site": "cross-site" } });
    assert.equal(crossSite.status, 403);
    const same = await request(f.port, "/api/v1/chats", { headers: { origin: `http://127.0.0.1:${f.port}` } });
    assert.equal(same.status, 200);
    assert.equal(same.headers["access-control-allow-origin"], undefined, "same-origin needs no CORS headers");
    const pre = await request(f.port, "/api/v1/chats", { method: "OPTIONS", headers: { origin: "https://pi.example.lan", "access-control-request-method": "POST" } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers["access-control-allow-origin"], "https://pi.example.lan");
    assert.match(String(pre.headers["access-control-allow-headers"]), /Authorization/);
    const get = await request(f.port, "/api/v1/chats", { headers: { origin: "https://pi.example.lan" } });
    assert.equal(get.status, 200);
    assert.equal(get.headers["access-control-allow-origin"], "https://pi.example.lan");
  });
});

describe("server: binding and config", function () {
  this.timeout(60_000);

  it("refuses a non-loopback bind without API_KEY or UI_PASSWORD, with a clear message", async () => {
    const fx = await startPiFixture();
    try {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-bind-"));
      const log = pino({ level: "silent" });
      for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) {
        const config = configFromEnv({}, { host, port: 0, dataDir });
        assert.match(unsafeBindReason(config) ?? "", /Set API_KEY and\/or UI_PASSWORD/);
        assert.throws(() => createPiServer({ host: fx.host, workspace: fx.workspace, config, log }), /Refusing to listen on/);
      }
      for (const host of ["127.0.0.1", "localhost", "::1", "127.1.2.3"]) assert.equal(unsafeBindReason(configFromEnv({}, { host })), undefined, host);
      // With a key it listens on every interface, and 127.0.0.1:port still works.
      const config = configFromEnv({ API_KEY }, { host: "0.0.0.0", port: 0, dataDir });
      const server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log });
      await server.listen();
      assert.equal((await request(server.port, "/api/v1/health")).status, 200);
      assert.equal((await request(server.port, "/api/v1/chats", { headers: { authorization: `Bearer ${API_KEY}` } })).status, 200);
      assert.equal((await request(server.port, "/api/v1/health", { headers: { host: `attacker.example:${server.port}` } })).status, 421);
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    } finally {
      await fx.cleanup();
    }
  });

  it("validates environment values", () => {
    assert.throws(() => configFromEnv({ PORT: "abc" }), ConfigError);
    assert.throws(() => configFromEnv({ PORT: "70000" }), ConfigError);
    assert.throws(() => configFromEnv({ API_KEY: "short" }), /at least 16/);
    assert.throws(() => configFromEnv({ JWT_SECRET: "short" }), /at least 32/);
    assert.throws(() => configFromEnv({ CORS_ORIGIN: "*" }), ConfigError);
    assert.throws(() => configFromEnv({ CORS_ORIGIN: "https://a.example/path" }), ConfigError);
    assert.throws(() => configFromEnv({ BASH_APPROVAL: "yolo" }), ConfigError);
    const c = configFromEnv({ PORT: "8080", HOST: "::1", TRUST_PROXY: "true", RATE_LIMIT_LOGIN_MAX: "3", CORS_ORIGIN: "https://a.example/" });
    assert.equal(c.port, 8080);
    assert.equal(c.trustProxy, 1);
    assert.equal(configFromEnv({ TRUST_PROXY: "2" }).trustProxy, 2, "two proxies in front");
    assert.equal(configFromEnv({ TRUST_PROXY: "false" }).trustProxy, 0);
    assert.throws(() => configFromEnv({ TRUST_PROXY: "yes" }), /TRUST_PROXY/);
    assert.deepEqual(
      [configFromEnv({}).maxConnections, configFromEnv({ MAX_CONNECTIONS_PER_IP: "7" }).maxConnectionsPerIp, configFromEnv({ MAX_STREAMS: "9", MAX_STREAMS_PER_IP: "3" }).maxStreamsPerIp],
      [1024, 7, 3],
    );
    assert.throws(() => configFromEnv({ MAX_STREAMS: "0" }), /MAX_STREAMS/);
    assert.equal(c.rateLimitLoginMax, 3);
    assert.equal(c.corsOrigin, "https://a.example");
  });
});

describe("server: auth primitives (unit)", () => {
  it("JWT HS256 round-trips and rejects tampering and expiry", () => {
    const secret = "s".repeat(40);
    const t = signJwt({ sub: "ui", iat: 1000, exp: 2000 }, secret);
    assert.deepEqual(verifyJwt(t, secret, 1500), { sub: "ui", iat: 1000, exp: 2000 });
    assert.equal(verifyJwt(t, secret, 2000), undefined, "expired at exp");
    assert.equal(verifyJwt(t, `${secret}x`, 1500), undefined);
    const [h, p, s] = t.split(".");
    const evil = Buffer.from(JSON.stringify({ sub: "ui", iat: 1000, exp: 99999999999 })).toString("base64url");
    assert.equal(verifyJwt(`${h}.${evil}.${s}`, secret, 1500), undefined);
    assert.equal(verifyJwt(`${h}.${p}`, secret, 1500), undefined);
    assert.equal(verifyJwt(`${h}.${p}.${s}x`, secret, 1500), undefined);
    assert.equal(verifyJwt("...", secret, 1500), undefined);
  });

  it("compares in constant time, and the rate limiter stays bounded", () => {
    assert.equal(constantTimeEqual("abc", "abc"), true);
    assert.equal(constantTimeEqual("abc", "abd"), false);
    assert.equal(constantTimeEqual("abc", "abcd"), false);
    let now = 0;
    const rl = new RateLimiter(2, 1000, 100, () => now);
    assert.equal(rl.hit("a").allowed, true);
    assert.equal(rl.hit("a").allowed, true);
    assert.equal(rl.hit("a").allowed, false);
    now = 1001;
    assert.equal(rl.hit("a").allowed, true);
    for (let i = 0; i < 1000; i++) rl.hit(`ip${i}`);
    assert.ok(rl.size <= 100);
  });

  it("parses Host headers strictly", () => {
    assert.deepEqual(parseHostHeader("127.0.0.1:3000"), { name: "127.0.0.1", port: 3000 });
    assert.deepEqual(parseHostHeader("[::1]:3000"), { name: "::1", port: 3000 });
    assert.deepEqual(parseHostHeader("Example.COM"), { name: "example.com" });
    for (const bad of ["", "a:b", "a:99999", "[::1", "a b", "a/b", "a:1:2x", "[zz]:1"]) assert.equal(parseHostHeader(bad), undefined, bad);
  });
});
