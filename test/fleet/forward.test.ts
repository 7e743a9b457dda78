// Forwarding between instances over real HTTP on 127.0.0.1: status, headers and body arrive
// unchanged, SSE is streamed chunk by chunk (not buffered), the user's credentials stay at the
// edge, and every forged, tampered, replayed or stale inter-instance request gets 401.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { FLEET_AUTH_HEADER, FLEET_HOP_HEADER, FleetAuth, FleetAuthError, forward, readRawBody } from "../../src/server/fleet/forward";
import { freePort } from "./support";

const SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret-0123";

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function get(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: init.method ?? "GET", headers: init.headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("fleet: forwarding between instances", function () {
  this.timeout(20_000);
  const ownerAuth = new FleetAuth(SECRET);
  const edgeAuth = new FleetAuth(SECRET);
  let seen: Seen[] = [];
  let sseClosed = false;
  let ownerPort = 0;
  let edgePort = 0;
  const owner = http.createServer((req, res) => {
    void (async () => {
      const body = await readRawBody(req, 1 << 20);
      try {
        ownerAuth.verify(req.method ?? "", req.url ?? "", req.headers, body);
      } catch (err) {
        assert.ok(err instanceof FleetAuthError);
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "unauthorized", message: err.message } }));
        return;
      }
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString() });
      if (req.url?.startsWith("/events")) {
        res.writeHead(200, { "content-type": "text/event-stream", "x-accel-buffering": "no", "cache-control": "no-cache" });
        let n = 0;
        const t = setInterval(() => {
          res.write(`id: 1-${n}\nevent: patches\ndata: {"n":${n}}\n\n`);
          if (++n === 5) {
            clearInterval(t);
            res.end();
          }
        }, 150);
        res.on("close", () => {
          clearInterval(t);
          sseClosed = true;
        });
        return;
      }
      res.writeHead(201, { "content-type": "application/json", "x-owner": "pi-2", "set-cookie": "a=b" }).end(JSON.stringify({ echo: body.toString() }));
    })();
  });
  const edge = http.createServer((req, res) => {
    void (async () => {
      const body = await readRawBody(req, 1 << 20);
      const result = await forward(req, res, { auth: edgeAuth, from: "pi-1", target: `http://127.0.0.1:${ownerPort}`, body, clientIp: "10.9.8.7" });
      if (!result.ok) res.writeHead(502).end(result.error);
    })();
  });

  before(async () => {
    ownerPort = await listen(owner);
    edgePort = await listen(edge);
  });
  after(() => {
    owner.close();
    edge.close();
    owner.closeAllConnections();
    edge.closeAllConnections();
  });
  beforeEach(() => (seen = []));

  it("status, headers and body come back unchanged; credentials stay at the edge", async () => {
    const r = await get(edgePort, "/api/v1/sessions/abc/prompt?access_token=USER-TOKEN&x=1", {
      method: "POST",
      headers: { authorization: "Bearer USER-KEY", "content-type": "application/json", cookie: "sid=1" },
      body: '{"text":"hi"}',
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers["x-owner"], "pi-2");
    assert.deepEqual(JSON.parse(r.text), { echo: '{"text":"hi"}' });
    const s = seen[0];
    assert.equal(s.method, "POST");
    assert.equal(s.url, "/api/v1/sessions/abc/prompt?x=1", "access_token removed");
    assert.equal(s.headers.authorization, undefined);
    assert.equal(s.headers.cookie, undefined);
    assert.equal(s.headers[FLEET_HOP_HEADER], "pi-1");
    assert.equal(s.headers["x-forwarded-for"], "10.9.8.7");
  });

  it("SSE is streamed as it comes, not after the owner ends it; Last-Event-ID is passed on", async () => {
    const arrivals: number[] = [];
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: edgePort, path: "/events", headers: { accept: "text/event-stream", "last-event-id": "1-2" }, agent: false }, (res) => {
        assert.equal(res.headers["content-type"], "text/event-stream");
        res.on("data", (d: Buffer) => {
          for (const _ of d.toString().matchAll(/^id: /gm)) arrivals.push(Date.now() - started);
        });
        res.on("end", () => resolve());
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(arrivals.length, 5);
    assert.ok(arrivals[0] < 400, `first event after ${arrivals[0]} ms`);
    assert.ok(arrivals[4] - arrivals[0] >= 450, `events spread over time (${arrivals.join(", ")})`);
    assert.equal(seen[0].headers["last-event-id"], "1-2");
  });

  it("a client that goes away ends the stream at the owner too", async () => {
    sseClosed = false;
    await new Promise<void>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port: edgePort, path: "/events", agent: false }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    const end = Date.now() + 2_000;
    while (!sseClosed && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(sseClosed);
  });

  it("forged requests get 401: none, wrong secret, tampered path or body, replayed, stale", async () => {
    const body = Buffer.from('{"text":"rm -rf"}');
    const sign = (auth: FleetAuth, path: string, b = body, now = Date.now()) => ({
      [FLEET_AUTH_HEADER]: auth.sign("POST", path, "pi-9", b, now),
      [FLEET_HOP_HEADER]: "pi-9",
      "content-type": "application/json",
    });
    const post = (path: string, headers: Record<string, string>, b = body) => get(ownerPort, path, { method: "POST", headers, body: b.toString() });
    const target = "/api/v1/sessions/abc/prompt";

    const none = await post(target, { "content-type": "application/json" });
    const wrong = await post(target, sign(new FleetAuth("another-secret-another-secret-another"), target));
    const tamperedPath = await post("/api/v1/sessions/OTHER/prompt", sign(edgeAuth, target));
    const tamperedBody = await post(target, sign(edgeAuth, target), Buffer.from('{"text":"ls"}'));
    const stale = await post(target, sign(edgeAuth, target, body, Date.now() - 120_000));
    const good = sign(edgeAuth, target);
    const first = await post(target, good);
    const replay = await post(target, good);
    const garbage = await post(target, { [FLEET_AUTH_HEADER]: "v1.1.x.y", [FLEET_HOP_HEADER]: "pi-9" });
    assert.deepEqual(
      [none, wrong, tamperedPath, tamperedBody, stale, replay, garbage].map((r) => [r.status, JSON.parse(r.text).error.message]),
      [
        [401, "missing fleet signature"],
        [401, "bad fleet signature"],
        [401, "bad fleet signature"],
        [401, "bad fleet signature"],
        [401, "fleet signature expired"],
        [401, "fleet signature replayed"],
        [401, "malformed fleet signature"],
      ],
    );
    assert.equal(first.status, 201, "the genuine request passes");
    assert.equal(seen.length, 1, "only the genuine request reached the handler");
  });

  it("an unreachable owner is reported before anything is sent (the caller may take over)", async () => {
    const port = await freePort();
    const server = http.createServer((req, res) => {
      void forward(req, res, { auth: edgeAuth, from: "pi-1", target: `http://127.0.0.1:${port}`, body: Buffer.alloc(0) }).then((r) => {
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify(r));
      });
    });
    const p = await listen(server);
    const r = await get(p, "/x");
    server.close();
    assert.equal(r.status, 503);
    const result = JSON.parse(r.text);
    assert.equal(result.ok, false);
    assert.equal(result.reason, "unreachable");
    assert.match(result.error, /ECONNREFUSED/);
  });

  it("FLEET_SECRET shorter than 32 characters is refused", () => {
    assert.throws(() => new FleetAuth("short"), /FLEET_SECRET must be at least 32 characters/);
  });
});
