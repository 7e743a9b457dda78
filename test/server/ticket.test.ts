// One-time login tickets (VS Code's "Open Session in Browser") and requireAuth: a loopback
// server that still wants a credential, which only a ticket exchange provides.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pino from "pino";
import { Authenticator, LoginTickets, verifyJwt } from "../../src/server/auth";
import { configFromEnv } from "../../src/server/config";
import { createPiServer } from "../../src/server/httpServer";
import { chatPageUrl } from "../../src/server/links";
import { startPiFixture, waitFor } from "../support/piFixture";
import { errorCode, request, SseClient, startServerFixture, type ServerFixture } from "./support";

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe("server: login tickets on a requireAuth loopback server", function () {
  this.timeout(60_000);
  let f: ServerFixture;
  before(async () => {
    f = await startServerFixture({ requireAuth: true, loginTicketTtlMs: 1_500 }, { RATE_LIMIT_LOGIN_MAX: "20" });
  });
  after(async () => {
    await f?.cleanup();
  });

  it("refuses anonymous requests on loopback even with no API_KEY or UI_PASSWORD", async () => {
    const status = await request(f.port, "/api/v1/auth/status");
    assert.deepEqual(status.json, { authRequired: true, authenticated: false, methods: { password: false, apiKey: false } });
    for (const [method, p] of [
      ["GET", "/api/v1/chats"],
      ["POST", "/api/v1/chats"],
      ["GET", "/api/v1/chats/x/events"],
      ["GET", "/api/v1/chats/x"],
      ["POST", "/api/v1/chats/x/prompt"],
      ["DELETE", "/api/v1/chats/x"],
    ]) {
      const r = await request(f.port, p, { method, body: method === "POST" ? {} : undefined });
      assert.equal(r.status, 401, `${method} ${p}`);
      assert.equal(errorCode(r), "unauthorized");
    }
    assert.equal((await request(f.port, "/api/v1/health")).status, 200, "health stays public");
    assert.equal((await request(f.port, "/")).status, 200, "the page stays public (it shows how to sign in)");
    const login = await request(f.port, "/api/v1/auth/login", { method: "POST", body: { password: "anything" } });
    assert.equal(errorCode(login), "login_disabled", "no password login without UI_PASSWORD");
  });

  it("exchanges a ticket once for a token that opens the API and the event stream", async () => {
    const ticket = f.server.issueLoginTicket();
    assert.match(ticket, /^[A-Za-z0-9_-]{43}$/, "256 random bits, URL-safe");
    const first = await request(f.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket } });
    assert.equal(first.status, 200);
    const { token, expiresAt } = first.json as { token: string; expiresAt: number };
    assert.ok(expiresAt > Date.now() / 1000);
    assert.equal((await request(f.port, "/api/v1/chats", { headers: bearer(token) })).status, 200);
    const status = await request(f.port, "/api/v1/auth/status", { headers: bearer(token) });
    assert.equal((status.json as { authenticated: boolean }).authenticated, true);

    const created = await request(f.port, "/api/v1/chats", { method: "POST", headers: bearer(token) });
    assert.equal(created.status, 201);
    const id = (created.json as { chatId: string }).chatId;
    const minted = await request(f.port, "/api/v1/auth/stream-token", { method: "POST", body: { chatId: id }, headers: bearer(token) });
    assert.equal(minted.status, 200);
    const sse = new SseClient(f.port, `/api/v1/chats/${id}/events?stream_token=${encodeURIComponent((minted.json as { token: string }).token)}`);
    await sse.open();
    assert.equal(sse.status, 200);
    await sse.until("the snapshot", () => sse.events.length >= 1);
    sse.close();

    const second = await request(f.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket } });
    assert.equal(second.status, 401, "a ticket works once");
    assert.equal(errorCode(second), "invalid_ticket");
    const closed = await request(f.port, `/api/v1/chats/${id}`, { method: "DELETE", headers: bearer(token) });
    assert.equal(closed.status, 200);
    assert.deepEqual(closed.json, {});
  });

  it("refuses an expired, unknown or malformed ticket", async () => {
    const stale = f.server.issueLoginTicket();
    await new Promise((r) => setTimeout(r, 1_700));
    const expired = await request(f.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket: stale } });
    assert.equal(expired.status, 401, "expired");
    assert.equal(errorCode(expired), "invalid_ticket");

    const live = f.server.issueLoginTicket();
    for (const ticket of [`${live}x`, live.slice(1), "A".repeat(43), "nope"]) {
      const r = await request(f.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket } });
      assert.equal(r.status, 401, ticket);
    }
    for (const body of [{}, { ticket: "" }, { ticket: 5 }, { ticket: "x".repeat(201) }, []]) {
      const r = await request(f.port, "/api/v1/auth/ticket", { method: "POST", body });
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 40));
    }
    // The wrong guesses did not spend the live ticket.
    assert.equal((await request(f.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket: live } })).status, 200);
    const forged = await request(f.port, "/api/v1/chats", { headers: bearer(live) });
    assert.equal(forged.status, 401, "a ticket itself is no credential");
  });

  it("keeps no secret on disk when no password is configured", () => {
    assert.equal(fs.existsSync(path.join(f.dataDir, "jwt-secret")), false);
  });

  it("counts ticket attempts against the login rate limit", async () => {
    let limited: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      const r = await request(f.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket: `guess-${i}` } });
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 401);
    }
    assert.ok(limited, "guessing is rate-limited");
    assert.equal(errorCode(limited), "rate_limited");
    const ticket = f.server.issueLoginTicket();
    assert.equal((await request(f.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket } })).status, 429, "even a real ticket waits out the window");
  });
});

describe("server: started by VS Code (ownsChats: false)", function () {
  this.timeout(60_000);

  it("stops serving on close but leaves the host's chats running", async () => {
    const fx = await startPiFixture();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-owned-"));
    try {
      const config = configFromEnv({}, { port: 0, host: "127.0.0.1", dataDir, requireAuth: true });
      const server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log: pino({ level: "silent" }), ownsChats: false });
      await server.listen();
      const chat = fx.host.createChat({ cwd: fx.workspace });
      await waitFor("the chat to be ready", () => chat.status === "ready", 30_000);
      const sse = new SseClient(server.port, `/api/v1/chats/${chat.id}/events`);
      await sse.open();
      assert.equal(sse.status, 401, "the VS Code chat is not open to anonymous local processes");
      const token = (await request(server.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket: server.issueLoginTicket() } })).json as { token: string };
      const auth = { authorization: `Bearer ${token.token}` };
      const del = await request(server.port, `/api/v1/chats/${chat.id}`, { method: "DELETE", headers: auth });
      assert.equal(del.status, 403, "a browser cannot close a chat that VS Code owns");
      assert.equal(errorCode(del), "forbidden");
      assert.equal(chat.status, "ready");
      const own = (await request(server.port, "/api/v1/chats", { method: "POST", body: {}, headers: auth })).json as { chatId: string };
      assert.equal((await request(server.port, `/api/v1/chats/${own.chatId}`, { method: "DELETE", headers: auth })).status, 200, "but it can close what it opened");
      await server.close();
      assert.equal(fx.host.get(chat.id), chat);
      assert.equal(chat.status, "ready");
    } finally {
      await fx.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("server: login tickets (unit)", () => {
  it("are single-use, expire, and stay bounded", () => {
    const tickets = new LoginTickets(1_000, 3);
    const a = tickets.issue(0);
    assert.equal(tickets.redeem(a, 999), true);
    assert.equal(tickets.redeem(a, 999), false, "spent");
    const b = tickets.issue(0);
    assert.equal(tickets.redeem(b, 1_000), false, "expired at the TTL");
    const many = [tickets.issue(0), tickets.issue(0), tickets.issue(0), tickets.issue(0)];
    assert.ok(tickets.size <= 3);
    assert.equal(tickets.redeem(many[0], 1), false, "the oldest was dropped at the bound");
    assert.equal(tickets.redeem(many[3], 1), true);
    tickets.issue(5_000);
    assert.equal(tickets.size, 1, "expired ones are swept");
  });

  it("mint tokens only the issuing server accepts", () => {
    const options = { jwtExpiresInSeconds: 60, requireAuth: true };
    const one = new Authenticator({ ...options, jwtSecret: "a".repeat(48) });
    const other = new Authenticator({ ...options, jwtSecret: "b".repeat(48) });
    assert.equal(one.required, true);
    assert.deepEqual(one.check(undefined).ok, false);
    const redeemed = one.redeemTicket(one.issueTicket());
    assert.ok(redeemed);
    assert.equal(verifyJwt(redeemed.token, "a".repeat(48))?.sub, "ticket");
    assert.deepEqual([one.check(redeemed.token).ok, (one.check(redeemed.token) as { subject: string }).subject], [true, "ui"]);
    assert.equal(other.check(redeemed.token).ok, false);
    assert.equal(other.redeemTicket(one.issueTicket()), undefined, "tickets are per server");
    assert.equal(new Authenticator({ jwtSecret: "c".repeat(48), jwtExpiresInSeconds: 60 }).required, false, "off by default");
  });

  it("chatPageUrl puts the chat in the query and the ticket in the fragment", () => {
    const url = new URL(chatPageUrl("http://127.0.0.1:3000", "abc-123", "t/k+n="));
    assert.equal(url.origin, "http://127.0.0.1:3000");
    assert.equal(url.pathname, "/");
    assert.equal(url.searchParams.get("chat"), "abc-123");
    assert.equal(url.searchParams.get("session"), null, "the old ?session= is gone");
    assert.equal(new URLSearchParams(url.hash.slice(1)).get("ticket"), "t/k+n=");
    assert.equal(chatPageUrl("http://[::1]:8080/?x=1#y", "s 1"), "http://[::1]:8080/?x=1&chat=s+1", "a forwarder's query stays");
    assert.equal(chatPageUrl("http://h:1/?chat=old", "new", "t"), "http://h:1/?chat=new#ticket=t");
  });
});
