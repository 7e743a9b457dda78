// Thousands of malformed requests (bad methods, paths, headers, bodies) and raw garbage over
// TCP: the server answers each with a 4xx (never a 5xx, never a file it should not serve) and
// stays healthy and usable afterwards.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import * as net from "node:net";
import { assistantText, waitFor } from "../support/piFixture";
import { createReadyChat, request, startServerFixture, type ServerFixture } from "./support";

/** mulberry32: deterministic, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function raw(port: number, data: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const timer = setTimeout(done, waitMs);
    sock.on("data", (c: Buffer) => chunks.push(c));
    sock.on("end", done);
    sock.on("error", done);
    sock.on("connect", () => sock.end(data));
  });
}

describe("server: HTTP fuzz", function () {
  this.timeout(180_000);
  let f: ServerFixture;
  let chatId: string;
  before(async () => {
    f = await startServerFixture();
    chatId = await createReadyChat(f);
  });
  after(async () => {
    await f.cleanup();
  });

  it("answers 3000 malformed requests with 4xx only, and never leaks a file", async () => {
    const next = rng(20260601);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const methods = ["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "MKCOL", "LOCK", "PURGE"];
    const paths = [
      "/assets/../../etc/passwd",
      "/assets/%2e%2e/%2e%2e/etc/passwd",
      "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/assets/..%5c..%5cpackage.json",
      "/%2e%2e/package.json",
      "/../../../../etc/passwd",
      "/assets//webview.js",
      "/assets/webview.js%00.png",
      "/assets/chat.css?../../x",
      "/api/v1/../../package.json",
      "/api/v1/chats/../../../etc/passwd",
      `/api/v1/chats/${"a".repeat(300)}`,
      "/api/v1/chats/%ZZ",
      "/api/v1/chats/%00/models",
      "/api/v1/chats/\u00e9\u00e8/models",
      "/api/v1/chats/x/events",
      "/api/v1/health/..",
      "/api//v1/health",
      "/API/V1/HEALTH",
      `/${"x/".repeat(1500)}`,
      "/api/v1/chats/SID/prompt",
      "/api/v1/chats/SID/abort",
      "/api/v1/chats/SID/dialog-answer",
      "/api/v1/chats/SID/model",
      "/api/v1/chats/SID/thinking",
      "/api/v1/chats/SID/steer",
      "/api/v1/chats/SID/resume",
      "/api/v1/chats/SID/files",
      "/api/v1/auth/login",
      "/api/v1/chats",
      "/index.html",
      "/favicon.ico",
      "/.env",
      "/etc/passwd",
    ];
    const bodies: Array<{ raw: string; type?: string }> = [
      { raw: "{", type: "application/json" },
      { raw: "[]", type: "application/json" },
      { raw: "null", type: "application/json" },
      { raw: '"str"', type: "application/json" },
      { raw: "123", type: "application/json" },
      { raw: '{"text":5}', type: "application/json" },
      { raw: '{"text":null}', type: "application/json" },
      { raw: '{"text":""}', type: "application/json" },
      { raw: '{"text":{"$gt":""}}', type: "application/json" },
      { raw: '{"file":"/etc/passwd"}', type: "application/json" },
      { raw: '{"password":["a"]}', type: "application/json" },
      { raw: '{"id":1,"value":2}', type: "application/json" },
      { raw: '{"provider":"","modelId":""}', type: "application/json" },
      { raw: `{"level":${"[".repeat(5000)}${"]".repeat(5000)}}`, type: "application/json" },
      { raw: '{"__proto__":{"polluted":true},"cwd":"/"}', type: "application/json" },
      { raw: "\u0000\u0001\u0002garbage\uffff", type: "application/json" },
      { raw: "message=hi", type: "application/x-www-form-urlencoded" },
      { raw: '{"text":"hi"}', type: "text/plain" },
      { raw: '{"text":"hi"}' },
      { raw: "x".repeat(1024 * 1024 + 1), type: "application/json" },
    ];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const statuses = new Map<number, number>();
    let leaked = 0;
    const one = (i: number) => {
      const method = pick(methods);
      let p = pick(paths).replace("SID", next() < 0.5 ? chatId : "00000000-0000-0000-0000-000000000000");
      if (next() < 0.1) p += `?${"q=".repeat(50)}`;
      const body = method === "GET" || method === "HEAD" ? undefined : pick(bodies);
      // Never a valid chat-creating or pi-driving request: the bodies above are all invalid.
      const headers: Record<string, string> = { host: `127.0.0.1:${f.port}` };
      if (body?.type) headers["content-type"] = body.type;
      if (next() < 0.1) headers["x-junk"] = "y".repeat(Math.floor(next() * 8000));
      if (next() < 0.05) headers.authorization = pick(["Bearer", "Bearer \u00ff", "Basic x", `Bearer ${"a".repeat(5000)}`]);
      if (next() < 0.05) headers["last-event-id"] = pick(["-1", "9".repeat(40), "x"]);
      return new Promise<void>((resolve) => {
        const req = http.request({ host: "127.0.0.1", port: f.port, method, path: p, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const s = res.statusCode ?? 0;
            statuses.set(s, (statuses.get(s) ?? 0) + 1);
            const text = Buffer.concat(chunks).toString("utf8");
            if (/root:x:0:0|"devDependencies"/.test(text)) leaked++;
            resolve();
          });
          res.on("error", () => resolve());
        });
        req.on("error", () => resolve());
        req.setTimeout(10_000, () => req.destroy());
        if (body) req.write(body.raw);
        req.end();
      }).then(() => void i);
    };
    const total = 3000;
    let started = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (started < total) await one(started++);
      }),
    );
    agent.destroy();
    const counts = Object.fromEntries(statuses);
    assert.equal(leaked, 0, "no file outside the allowlist was served");
    for (const s of statuses.keys()) assert.ok(s < 500 && s !== 0, `status ${s} in ${JSON.stringify(counts)}`);
    const served = [...statuses.entries()].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0);
    assert.ok(served < total / 4, `mostly rejected: ${JSON.stringify(counts)}`);
  });

  it("survives raw garbage, oversized headers, smuggling attempts and missing Host over TCP", async () => {
    const next = rng(7);
    const host = `Host: 127.0.0.1:${f.port}\r\n`;
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ["HTTP/1.0 without Host", "GET /api/v1/health HTTP/1.0\r\n\r\n", /^HTTP\/1\.1 421/],
      ["HTTP/1.1 without Host", "GET /api/v1/health HTTP/1.1\r\n\r\n", /^HTTP\/1\.1 (400|421)/],
      ["huge header", `GET /api/v1/health HTTP/1.1\r\n${host}X-A: ${"a".repeat(40_000)}\r\n\r\n`, /^HTTP\/1\.1 431/],
      ["many headers", `GET /api/v1/health HTTP/1.1\r\n${host}${"X-B: b\r\n".repeat(3000)}\r\n`, /^HTTP\/1\.1 4\d\d/],
      ["CL + TE", `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /etc/passwd HTTP/1.1\r\n\r\n`, /^HTTP\/1\.1 400/],
      ["bad chunk", `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n`, /^HTTP\/1\.1 400/],
      ["absolute-form target", `GET http://evil.example/api/v1/health HTTP/1.1\r\n${host}\r\n`, /^HTTP\/1\.1 400/],
      ["asterisk target", `OPTIONS * HTTP/1.1\r\n${host}\r\n`, /^HTTP\/1\.1 400/],
      ["bad version", `GET / HTTP/9.9\r\n${host}\r\n`, /^HTTP\/1\.1 (400|505)/],
      ["lowercase method", `get / HTTP/1.1\r\n${host}\r\n`, /^HTTP\/1\.1 400/],
      ["binary", Buffer.from(Array.from({ length: 4096 }, () => Math.floor(next() * 256))), /^(HTTP\/1\.1 400|)/],
      ["TLS hello", Buffer.from("16030100a5010000a10303", "hex"), /^(HTTP\/1\.1 400|)/],
    ];
    for (const [name, data, expect] of cases) {
      const reply = await raw(f.port, data);
      assert.match(reply, expect, `${name}: ${JSON.stringify(reply.slice(0, 80))}`);
    }
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(next() * 600);
      const junk = Buffer.from(Array.from({ length: len }, () => Math.floor(next() * 256)));
      const prefix = next() < 0.5 ? Buffer.from(`POST /api/v1/chats/${chatId}/prompt HTTP/1.1\r\n${host}`) : Buffer.alloc(0);
      const reply = await raw(f.port, Buffer.concat([prefix, junk]), 300);
      assert.doesNotMatch(reply, /^HTTP\/1\.1 5/, `junk ${i}`);
    }
    // Slowloris-style: a connection that never finishes its headers does not block others.
    const slow = net.connect(f.port, "127.0.0.1");
    slow.write(`GET /api/v1/health HTTP/1.1\r\n${host}`);
    assert.equal((await request(f.port, "/api/v1/health")).status, 200);
    slow.destroy();
  });

  it("is still healthy and usable afterwards", async () => {
    const health = await request(f.port, "/api/v1/health");
    assert.equal(health.status, 200);
    assert.equal((health.json as { status: string }).status, "ok");
    assert.equal(f.fx.host.chats().length, 1, "the fuzz created no chats");
    const r = await request(f.port, `/api/v1/chats/${chatId}/prompt`, { method: "POST", body: { text: "still alive?" } });
    assert.equal(r.status, 200);
    await waitFor("the reply", () => assistantText(f.fx.host.get(chatId)?.snapshot().items ?? []).includes("still alive?"));
    assert.ok(!Object.hasOwn({}, "polluted"));
  });
});
