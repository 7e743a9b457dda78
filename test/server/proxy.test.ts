// Behind a real nginx with the README's settings (TRUST_PROXY=true): the limits key on the
// address nginx saw, not on what the client wrote into X-Forwarded-For, and nginx's access log
// never holds a credential that outlives one stream.
import * as assert from "node:assert/strict";
import { waitFor } from "../support/piFixture";
import { Nginx } from "./nginx";
import { capturingLogger, errorCode, request, type RequestOptions, SseClient, startServerFixture, type ServerFixture } from "./support";

const PASSWORD = "proxy test password 42";
const API_KEY = "proxy-test-api-key-0123456789";

describe("server: behind a real nginx (README config, TRUST_PROXY=true)", function () {
  this.timeout(60_000);
  let f: ServerFixture;
  let nginx: Nginx;
  const logs = capturingLogger();
  /** A request to nginx as a browser would send it (Host: the proxy's name). */
  const viaProxy = (pathname: string, options: RequestOptions = {}) => request(nginx.port, pathname, { ...options, headers: { host: "pi.example.lan", ...options.headers } });

  before(async () => {
    f = await startServerFixture({}, { UI_PASSWORD: PASSWORD, API_KEY, TRUST_PROXY: "true", ALLOWED_HOSTS: "pi.example.lan", RATE_LIMIT_LOGIN_MAX: "5" }, { log: logs.log });
    nginx = await Nginx.start(f.port);
  });
  after(async () => {
    await nginx?.stop();
    await f?.cleanup();
  });

  it("rate-limits password guesses by the address nginx saw, whatever X-Forwarded-For the client sends", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await viaProxy("/api/v1/auth/login", { method: "POST", body: { password: `guess ${i}` }, headers: { "x-forwarded-for": `203.0.113.${i}` } });
      statuses.push(r.status);
      if (r.status === 429) assert.ok(Number(r.headers["retry-after"]) >= 1, "429 says when to retry");
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429], "rotated X-Forwarded-For values share one budget");
    const seen = logs.lines.filter((l) => l.msg === "failed login").map((l) => l.ip);
    assert.deepEqual([...new Set(seen)], ["127.0.0.1"], "the server logged the address nginx saw, not the forged ones");
    // Another client behind the same proxy (another loopback source address) has its own budget.
    const other = await viaProxy("/api/v1/auth/login", { method: "POST", body: { password: "guess" }, localAddress: "127.0.0.2" });
    assert.equal(other.status, 401);
  });

  it("rate-limits API-key guesses the same way (/auth/status and the API)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const target = i % 2 ? "/api/v1/auth/status" : "/api/v1/chats";
      const r = await viaProxy(target, { headers: { authorization: `Bearer guess-${i}-0123456789abcdef`, "x-forwarded-for": `198.51.100.${i}` }, localAddress: "127.0.0.4" });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 200, 401, 200, 401], "the first guesses are only wrong (/auth/status answers authenticated: false)");
    assert.deepEqual(statuses.slice(5), [429, 429, 429, 429, 429], "then every guess waits out the window");
    const right = await viaProxy("/api/v1/chats", { headers: { authorization: `Bearer ${API_KEY}` }, localAddress: "127.0.0.4" });
    assert.equal(right.status, 429, "even the right key: a guesser must not learn which guess was right");
    assert.equal(errorCode(right), "rate_limited");
    const elsewhere = await viaProxy("/api/v1/chats", { headers: { authorization: `Bearer ${API_KEY}` }, localAddress: "127.0.0.5" });
    assert.equal(elsewhere.status, 200, "other clients are not locked out");
  });

  it("keeps long-lived credentials out of nginx's access log; a logged stream URL cannot be replayed", async () => {
    const from = { localAddress: "127.0.0.3" };
    const login = await viaProxy("/api/v1/auth/login", { method: "POST", body: { password: PASSWORD }, ...from });
    assert.equal(login.status, 200);
    const { token } = login.json as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const created = await viaProxy("/api/v1/chats", { method: "POST", headers: auth, ...from });
    assert.equal(created.status, 201);
    const chatId = (created.json as { chatId: string }).chatId;

    // Straight to the server: through nginx this very check would write the token into its log.
    const legacy = new SseClient(f.port, `/api/v1/chats/${chatId}/events?access_token=${encodeURIComponent(token)}`);
    await legacy.open();
    assert.equal(legacy.status, 401, "the bearer token is no longer accepted in the URL");
    legacy.close();

    const minted = await viaProxy("/api/v1/auth/stream-token", { method: "POST", body: { chatId }, headers: auth, ...from });
    assert.equal(minted.status, 200);
    const streamToken = (minted.json as { token: string }).token;
    const sse = new SseClient(nginx.port, `/api/v1/chats/${chatId}/events?stream_token=${encodeURIComponent(streamToken)}`, { host: "pi.example.lan" });
    await sse.open();
    assert.equal(sse.status, 200);
    await sse.until("the snapshot through nginx", () => sse.events.find((e) => e.event === "snapshot"));
    sse.close();

    const line = await waitFor("the stream's access-log line", () => nginx.accessLog.split("\n").find((l) => l.includes("stream_token=")), 10_000);
    const logged = /"GET (\S+) HTTP/.exec(line)?.[1];
    assert.ok(logged, line);
    const replay = new SseClient(nginx.port, logged, { host: "pi.example.lan" });
    await replay.open();
    assert.equal(replay.status, 401, "the stream URL in the access log is spent");
    replay.close();

    const log = nginx.accessLog;
    assert.ok(!log.includes(token), "the session token is not in the access log");
    assert.ok(!log.includes(API_KEY) && !log.includes(PASSWORD), "nor the API key or the password");
    assert.ok(!logs.lines.some((l) => JSON.stringify(l).includes(token) || JSON.stringify(l).includes(streamToken)), "nor in the server's own log");
  });
});
