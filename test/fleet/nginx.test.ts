// deploy/nginx.conf run by Debian's real nginx in front of three local upstreams: plain
// round-robin spreads requests, SSE passes unbuffered, a dead instance is skipped for safe
// requests, and the optional `hash $pi_chat consistent` keeps a chat on one instance.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Nginx } from "./support";

interface Upstream {
  name: string;
  port: number;
  server: http.Server;
}

async function upstream(name: string): Promise<Upstream> {
  const server = http.createServer((req, res) => {
    if (req.url?.endsWith("/events")) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let n = 0;
      const t = setInterval(() => {
        res.write(`id: 1-${n}\nevent: patches\ndata: {"from":"${name}","n":${n}}\n\n`);
        if (++n === 4) {
          clearInterval(t);
          res.end();
        }
      }, 200);
      res.on("close", () => clearInterval(t));
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "x-upstream": name }).end(JSON.stringify({ name, host: req.headers.host, xff: req.headers["x-forwarded-for"] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { name, port: (server.address() as AddressInfo).port, server };
}

function get(port: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; chunks: number[] }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const chunks: number[] = [];
    const req = http.request({ host: "127.0.0.1", port, path, headers: { host: "pi.example.lan" }, agent: false }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => {
        text += d.toString();
        chunks.push(Date.now() - started);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, chunks }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("fleet: nginx in front of the fleet (deploy/nginx.conf)", function () {
  this.timeout(30_000);
  let ups: Upstream[] = [];
  const nginxes: Nginx[] = [];
  before(async () => {
    ups = await Promise.all(["pi-1", "pi-2", "pi-3"].map(upstream));
  });
  after(async () => {
    await Promise.all(nginxes.map((n) => n.stop()));
    for (const u of ups) {
      u.server.close();
      u.server.closeAllConnections();
    }
  });

  it("round-robin over the instances; Host and X-Forwarded-For are passed on", async () => {
    const nginx = await Nginx.start(ups.map((u) => u.port));
    nginxes.push(nginx);
    const hits = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const r = await get(nginx.port, "/api/v1/health");
      assert.equal(r.status, 200);
      const body = JSON.parse(r.text) as { name: string; host: string; xff: string };
      assert.equal(body.host, "pi.example.lan");
      assert.equal(body.xff, "127.0.0.1");
      hits.set(body.name, (hits.get(body.name) ?? 0) + 1);
    }
    assert.deepEqual([...hits.values()], [10, 10, 10], JSON.stringify([...hits]));
  });

  it("SSE goes through unbuffered: events arrive as they are sent", async () => {
    const nginx = nginxes[0];
    const r = await get(nginx.port, "/api/v1/chats/abc/events");
    assert.equal(r.status, 200);
    assert.equal((r.text.match(/^id: /gm) ?? []).length, 4);
    assert.ok(r.chunks.length >= 4, `one chunk per event, not one buffered body (${r.chunks.length})`);
    assert.ok(r.chunks[r.chunks.length - 1] - r.chunks[0] >= 500, `spread over time: ${r.chunks.join(", ")}`);
  });

  it("a dead instance is skipped for safe requests", async () => {
    const nginx = nginxes[0];
    const dead = ups[1];
    dead.server.close();
    dead.server.closeAllConnections();
    const names = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await get(nginx.port, "/api/v1/health");
      assert.equal(r.status, 200, nginx.errorLog);
      names.add((JSON.parse(r.text) as { name: string }).name);
    }
    assert.deepEqual([...names].sort(), ["pi-1", "pi-3"]);
    ups[1] = await upstream("pi-2"); // a new one on another port, for the next test's config
  });

  it("optional routing by chat id (hash $pi_chat consistent): one chat, one instance", async () => {
    const nginx = await Nginx.start(
      ups.map((u) => u.port),
      { hashByChat: true },
    );
    nginxes.push(nginx);
    const owners = new Map<string, Set<string>>();
    for (let chat = 0; chat < 12; chat++) {
      for (const p of [`/api/v1/chats/chat-${chat}`, `/api/v1/chats/chat-${chat}/prompt`, `/?chat=chat-${chat}`]) {
        const name = (await get(nginx.port, p)).headers["x-upstream"] as string;
        if (!owners.has(`chat-${chat}`)) owners.set(`chat-${chat}`, new Set());
        owners.get(`chat-${chat}`)?.add(name);
      }
    }
    for (const [chat, names] of owners) assert.equal(names.size, 1, `${chat} went to ${[...names].join(", ")}`);
    const used = new Set([...owners.values()].flatMap((s) => [...s]));
    assert.ok(used.size >= 2, "chats are still spread over instances");
  });
});
