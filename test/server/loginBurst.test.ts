// A burst of password guesses must not stall the server: scrypt runs off the event loop, a
// bounded number at a time, and guesses beyond the queue are refused at once.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { errorCode, request, startServerFixture, type Reply, type ServerFixture } from "./support";

const PASSWORD = "burst test password 7";

describe("server: a burst of logins", function () {
  this.timeout(60_000);
  let f: ServerFixture;
  before(async () => {
    // A limit high enough that every guess reaches the password check: the burst is what is tested.
    f = await startServerFixture({}, { UI_PASSWORD: PASSWORD, RATE_LIMIT_LOGIN_MAX: "1000" });
  });
  after(async () => {
    await f?.cleanup();
  });

  it("40 parallel wrong passwords leave /health fast; guesses beyond the queue get 503 at once", async () => {
    // Guessers and the /health probe are another process, as they would be: this process's
    // event loop is the server's alone, and a blocked loop cannot hide its own delay.
    const { idle, during, guesses, openAtFirstHealth } = await runBurst(f.port, 40);
    const busy = guesses.filter((r) => r.status === 503);
    const wrong = guesses.filter((r) => r.status === 401);
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(", ");
    console.log(
      `      /health idle: ${fmt(idle)} ms; during the burst: ${fmt(during)} ms; ${wrong.length}×401, ${busy.length}×503; ` +
        `${openAtFirstHealth} guesses still open at the first /health; last answer after ${Math.max(...guesses.map((r) => r.ms)).toFixed(0)} ms`,
    );

    assert.ok(openAtFirstHealth > 0, "the guesses were still being checked when /health answered");
    // The first probe waits behind the 40 requests that arrived before it (their parsing, not
    // their scrypt); on this shared 2-core machine that alone can take 100-250 ms under load. A
    // blocked loop makes it wait for every scrypt: seconds.
    const median = [...during].sort((a, b) => a - b)[2];
    assert.ok(median < 100, `/health answered within 100 ms during the burst: ${fmt(during)}`);
    assert.ok(Math.max(...during) < 500, `and never waited for the password checks: ${fmt(during)}`);
    assert.equal(wrong.length + busy.length, 40, `every guess got 401 (checked) or 503 (queue full): ${JSON.stringify(guesses.map((r) => r.status))}`);
    assert.ok(busy.length >= 20, `most of the burst was refused without a scrypt: ${busy.length}`);
    for (const b of busy) {
      assert.equal(b.code, "login_busy");
      assert.ok(b.retryAfter >= 1);
      assert.ok(b.ms < 1_000, `refused at once (${b.ms.toFixed(0)} ms)`);
    }
    const right = await request(f.port, "/api/v1/auth/login", { method: "POST", body: { password: PASSWORD } });
    assert.equal(right.status, 200, "the queue drains: the right password works afterwards");
  });
});

interface Guess {
  status: number;
  code?: string;
  retryAfter: number;
  /** ms after the burst was sent. */
  ms: number;
}

interface Burst {
  /** /health latencies (ms) before the burst and right after it was sent. */
  idle: number[];
  during: number[];
  guesses: Guess[];
  /** Guesses not yet answered when the first /health during the burst was. */
  openAtFirstHealth: number;
}

/** In a child process: 5 × /health, then `n` wrong-password logins at once and 5 × /health. */
function runBurst(port: number, n: number): Promise<Burst> {
  const script = `
    const http = require("node:http");
    const [port, n] = process.argv.slice(1).map(Number);
    const call = (method, path, body) => new Promise((resolve) => {
      const headers = { host: "127.0.0.1:" + port };
      if (body) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      const req = http.request({ host: "127.0.0.1", port, method, path, agent: false, headers }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, text, retryAfter: Number(res.headers["retry-after"] ?? 0) }));
      });
      req.on("error", (e) => resolve({ status: 0, text: String(e.code) }));
      req.end(body);
    });
    const health = async (times) => {
      const out = [];
      for (let i = 0; i < times; i++) { const t = performance.now(); await call("GET", "/api/v1/health"); out.push(performance.now() - t); }
      return out;
    };
    (async () => {
      const idle = await health(5);
      const t0 = performance.now();
      let answered = 0;
      const guesses = Array.from({ length: n }, (_, i) => call("POST", "/api/v1/auth/login", JSON.stringify({ password: "wrong " + i })).then((r) => {
        answered++;
        let code;
        try { code = JSON.parse(r.text).error.code; } catch {}
        return { status: r.status, code, retryAfter: r.retryAfter, ms: performance.now() - t0 };
      }));
      await new Promise((r) => setTimeout(r, 20));
      let openAtFirstHealth = -1;
      const during = [];
      for (let i = 0; i < 5; i++) {
        during.push(...(await health(1)));
        if (openAtFirstHealth < 0) openAtFirstHealth = n - answered;
      }
      process.stdout.write(JSON.stringify({ idle, during, guesses: await Promise.all(guesses), openAtFirstHealth }));
    })();`;
  return new Promise<Burst>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script, String(port), String(n)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout) as Burst) : reject(new Error(`the burst exited ${code}: ${stderr}`))));
  });
}

describe("server: API-key guessing", function () {
  this.timeout(60_000);
  const API_KEY = "burst-test-api-key-0123456789";
  let f: ServerFixture;
  before(async () => {
    f = await startServerFixture({}, { API_KEY, RATE_LIMIT_LOGIN_MAX: "10" });
  });
  after(async () => {
    await f?.cleanup();
  });

  it("300 guesses at /auth/status get 10 answers, then 429s; the valid key waits too", async () => {
    const started = performance.now();
    const replies: Reply[] = [];
    for (let batch = 0; batch < 30; batch++) {
      replies.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) => request(f.port, "/api/v1/auth/status", { headers: { authorization: `Bearer guess-${batch}-${i}-abcdefghijklmnop` } })),
        )),
      );
    }
    const checked = replies.filter((r) => r.status === 200);
    const limited = replies.filter((r) => r.status === 429);
    console.log(`      300 guesses in ${(performance.now() - started).toFixed(0)} ms: ${checked.length} checked, ${limited.length}×429`);
    assert.equal(checked.length, 10, "only the budget's worth of guesses were checked");
    for (const r of checked) assert.equal((r.json as { authenticated: boolean }).authenticated, false);
    assert.equal(limited.length, 290);
    assert.equal(errorCode(limited[0]), "rate_limited");
    assert.ok(Number(limited[0].headers["retry-after"]) >= 1);
    const right = await request(f.port, "/api/v1/chats", { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(right.status, 429, "a right guess is not told apart from a wrong one");
    const none = await request(f.port, "/api/v1/auth/status");
    assert.equal(none.status, 200, "asking without a credential is no guess");
  });
});
