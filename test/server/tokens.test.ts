// Credentials that can be taken away: the event stream opens with a short-lived token for one
// chat (never the session token in the URL), logout revokes a token, a new UI_PASSWORD revokes
// all of them, and the data dir that holds the secret must be the user's own.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pino from "pino";
import { configFromEnv, type ServerConfig } from "../../src/server/config";
import { createPiServer, type PiServer } from "../../src/server/httpServer";
import { type PiFixture, startPiFixture } from "../support/piFixture";
import { errorCode, request, SseClient } from "./support";

const API_KEY = "tokens-test-api-key-0123456789";
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe("server: stream tokens, logout, password changes, data dir permissions", function () {
  this.timeout(60_000);
  let fx: PiFixture;
  let tmp: string;
  const running: PiServer[] = [];

  before(async () => {
    fx = await startPiFixture();
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pi-tokens-"));
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  after(async () => {
    await fx?.cleanup();
  });

  const serve = async (env: NodeJS.ProcessEnv, overrides: Partial<ServerConfig> = {}, dataDir = path.join(tmp, "data")): Promise<PiServer> => {
    const config = configFromEnv({ RATE_LIMIT_LOGIN_MAX: "100", ...env }, { port: 0, host: "127.0.0.1", dataDir, ...overrides });
    const server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log: pino({ level: "silent" }), ownsChats: false });
    await server.listen();
    running.push(server);
    return server;
  };
  const stop = async (server: PiServer) => {
    running.splice(running.indexOf(server), 1);
    await server.close();
  };
  const login = async (server: PiServer, password: string): Promise<string> => {
    const r = await request(server.port, "/api/v1/auth/login", { method: "POST", body: { password } });
    assert.equal(r.status, 200, `login: ${r.text}`);
    return (r.json as { token: string }).token;
  };
  const chat = async (server: PiServer, token: string): Promise<string> => {
    const r = await request(server.port, "/api/v1/chats", { method: "POST", headers: bearer(token) });
    assert.equal(r.status, 201);
    return (r.json as { chatId: string }).chatId;
  };
  const mint = (server: PiServer, token: string | undefined, chatId: unknown) =>
    request(server.port, "/api/v1/auth/stream-token", { method: "POST", body: { chatId }, headers: token ? bearer(token) : {} });
  const stream = async (server: PiServer, chatId: string, query: string): Promise<number> => {
    const sse = new SseClient(server.port, `/api/v1/chats/${chatId}/events?${query}`);
    await sse.open();
    if (sse.status === 200) await sse.until("the snapshot", () => sse.events.find((e) => e.event === "snapshot"));
    sse.close();
    return sse.status;
  };

  it("opens the event stream only with a fresh stream token for that chat; never with the session token in the URL", async () => {
    const server = await serve({ UI_PASSWORD: "stream password", API_KEY }, { streamTokenTtlMs: 3_000 });
    const token = await login(server, "stream password");
    const a = await chat(server, token);
    const b = await chat(server, token);

    assert.equal(await stream(server, a, `access_token=${encodeURIComponent(token)}`), 401, "the session token in the URL is refused");
    assert.equal((await mint(server, undefined, a)).status, 401, "minting needs a credential");
    assert.equal((await mint(server, "forged-token-0123456789", a)).status, 401);
    assert.equal((await mint(server, token, "no-such-chat")).status, 404);
    for (const bad of [5, "", "x".repeat(300)]) assert.equal((await mint(server, token, bad)).status, 400, JSON.stringify(bad).slice(0, 20));

    const minted = await mint(server, token, a);
    assert.equal(minted.status, 200);
    const { token: st, expiresAt } = minted.json as { token: string; expiresAt: number };
    assert.ok(expiresAt * 1000 <= Date.now() + 3_000, "it lives seconds, not days");
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(st) })).status, 401, "a stream token is no API credential");
    assert.equal((await request(server.port, `/api/v1/chats/${a}?stream_token=${encodeURIComponent(st)}`)).status, 401, "nor a query credential elsewhere");
    assert.equal(await stream(server, b, `stream_token=${encodeURIComponent(st)}`), 401, "it opens only its own chat's stream");
    assert.equal(await stream(server, a, `stream_token=${encodeURIComponent(st)}`), 200);
    assert.equal(await stream(server, a, `stream_token=${encodeURIComponent(st)}`), 401, "once");

    const late = (await mint(server, token, a)).json as { token: string };
    await new Promise((r) => setTimeout(r, 3_200));
    assert.equal(await stream(server, a, `stream_token=${encodeURIComponent(late.token)}`), 401, "expired");

    const byKey = (await mint(server, API_KEY, b)).json as { token: string };
    assert.equal(await stream(server, b, `stream_token=${encodeURIComponent(byKey.token)}`), 200, "the API key mints them too");
  });

  it("logout revokes the presented token (its stream tokens too), survives a restart, and leaves other sign-ins alone", async () => {
    const env = { UI_PASSWORD: "logout password", API_KEY };
    let server = await serve(env);
    const one = await login(server, "logout password");
    const two = await login(server, "logout password");
    const a = await chat(server, two);
    const pending = ((await mint(server, one, a)).json as { token: string }).token;

    assert.equal((await request(server.port, "/api/v1/auth/logout", { method: "POST" })).status, 401, "logout needs the token it ends");
    const out = await request(server.port, "/api/v1/auth/logout", { method: "POST", headers: bearer(one) });
    assert.equal(out.status, 200);
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(one) })).status, 401, "the token is dead");
    assert.equal(((await request(server.port, "/api/v1/auth/status", { headers: bearer(one) })).json as { authenticated: boolean }).authenticated, false);
    assert.equal(await stream(server, a, `stream_token=${encodeURIComponent(pending)}`), 401, "a stream token it minted dies with it");
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(two) })).status, 200, "another sign-in is untouched");
    const key = await request(server.port, "/api/v1/auth/logout", { method: "POST", headers: bearer(API_KEY) });
    assert.equal(key.status, 400, "an API key is not signed out (rotate API_KEY)");
    assert.equal(errorCode(key), "not_revocable");

    await stop(server);
    server = await serve(env);
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(one) })).status, 401, "still dead after a restart");
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(two) })).status, 200);
  });

  it("a new UI_PASSWORD invalidates every token signed before it, password and ticket alike", async () => {
    let server = await serve({ UI_PASSWORD: "first password" });
    const old = await login(server, "first password");
    const ticket = (await request(server.port, "/api/v1/auth/ticket", { method: "POST", body: { ticket: server.issueLoginTicket() } })).json as { token: string };
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(old) })).status, 200);
    await stop(server);

    server = await serve({ UI_PASSWORD: "first password" });
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(old) })).status, 200, "the same password keeps sign-ins across a restart");
    await stop(server);

    server = await serve({ UI_PASSWORD: "second password" });
    for (const t of [old, ticket.token]) assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(t) })).status, 401, "signed before the change: refused");
    assert.equal((await request(server.port, "/api/v1/auth/login", { method: "POST", body: { password: "first password" } })).status, 401);
    const fresh = await login(server, "second password");
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(fresh) })).status, 200);
    await stop(server);

    server = await serve({ UI_PASSWORD: "first password" });
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(old) })).status, 401, "going back to an old password does not revive its tokens");
    assert.equal((await request(server.port, "/api/v1/chats", { headers: bearer(fresh) })).status, 401);
  });

  it("refuses a data dir or secret file that other users can write or read, or that is not the user's, naming the fix", async () => {
    const dataDir = path.join(tmp, "data");
    const env = { UI_PASSWORD: "permissions password" };
    await stop(await serve(env));
    const secret = path.join(dataDir, "jwt-secret");
    assert.ok(fs.existsSync(secret));
    const refused = async (pattern: RegExp) => {
      await assert.rejects(serve(env), pattern);
    };

    fs.chmodSync(dataDir, 0o777);
    await refused(new RegExp(`${dataDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*writable by other users.*chmod 700`, "s"));
    fs.chmodSync(dataDir, 0o770);
    await refused(/writable by other users/);
    fs.chmodSync(dataDir, 0o700);

    fs.chmodSync(secret, 0o666);
    await refused(/jwt-secret.*other users.*chmod 600/s);
    fs.chmodSync(secret, 0o644);
    await refused(/jwt-secret.*other users.*chmod 600/s);
    fs.chmodSync(secret, 0o600);

    if (process.getuid?.() === 0) {
      // As root the test can hand the file and the dir to another user, as an attacker's would be.
      fs.chownSync(secret, 65534, 65534);
      await refused(/jwt-secret.*owned by uid 65534/s);
      fs.chownSync(secret, 0, 0);
      fs.chownSync(dataDir, 65534, 65534);
      await refused(/owned by uid 65534/);
      fs.chownSync(dataDir, 0, 0);
    }
    await stop(await serve(env));
  });
});
