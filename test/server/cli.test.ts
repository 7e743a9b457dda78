// The `pi-vscode-server` CLI as a real process: help, refused unsafe bind, a credential required
// by default (a one-time login link) unless --no-auth says otherwise, JSON logs without secrets,
// and a graceful SIGTERM (shutdown event to clients, every pi stopped, exit 0).
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "../../src/server/cli";
import { processesInCwd } from "../support/processes";
import { waitFor } from "../support/piFixture";
import { request, SseClient } from "./support";

const ROOT = path.join(__dirname, "..", "..");
const CLI = path.join(ROOT, "src", "server", "cli.ts");

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", API_KEY: "", UI_PASSWORD: "", HOST: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

describe("server: CLI", function () {
  this.timeout(90_000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pi-cli-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("parses its arguments", () => {
    assert.deepEqual(parseArgs(["ws", "-p", "8080", "--host=::1", "--demo", "--open"]), {
      workspace: "ws",
      port: 8080,
      host: "::1",
      open: true,
      demo: true,
      help: false,
      noAuth: false,
    });
    assert.equal(parseArgs(["--no-auth"]).noAuth, true);
    assert.throws(() => parseArgs(["--port", "x"]), /--port/);
    assert.throws(() => parseArgs(["--nope"]), /Unknown option/);
    assert.throws(() => parseArgs(["a", "b"]), /Only one workspace/);
    assert.throws(() => parseArgs(["--host"]), /needs a value/);
  });

  it("prints help", async () => {
    const r = run(["--help"]);
    assert.equal(await r.exit, 0);
    assert.match(r.stdout(), /Usage: pi-vscode-server/);
  });

  it("refuses a non-loopback bind without credentials, with a clear message", async () => {
    const r = run([tmp, "--host", "0.0.0.0", "--data-dir", path.join(tmp, "data")]);
    assert.equal(await r.exit, 1);
    assert.match(r.stderr(), /Refusing to listen on 0\.0\.0\.0.*API_KEY/s);
  });

  it("requires a credential by default: anonymous requests get 401, the printed one-time link signs in once", async () => {
    const r = run([tmp, "--data-dir", path.join(tmp, "data")]);
    try {
      const listening = await waitFor("the listening line", () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(r.stdout())?.[1], 20_000);
      const port = Number(new URL(listening).port);
      for (const [method, p] of [
        ["GET", "/api/v1/chats"],
        ["POST", "/api/v1/chats"],
      ]) {
        const anonymous = await request(port, p, { method });
        assert.equal(anonymous.status, 401, `a local process cannot drive the agent anonymously (${method} ${p})`);
      }
      const link = await waitFor("the login link", () => /(http:\/\/127\.0\.0\.1:\d+\/#ticket=[\w%-]+)/.exec(r.stderr())?.[1], 5_000);
      const url = new URL(link);
      assert.equal(Number(url.port), port);
      const ticket = decodeURIComponent(new URLSearchParams(url.hash.slice(1)).get("ticket") ?? "");
      const redeemed = await request(port, "/api/v1/auth/ticket", { method: "POST", body: { ticket } });
      assert.equal(redeemed.status, 200);
      const token = (redeemed.json as { token: string }).token;
      assert.equal((await request(port, "/api/v1/chats", { headers: { authorization: `Bearer ${token}` } })).status, 200);
      assert.equal((await request(port, "/api/v1/auth/ticket", { method: "POST", body: { ticket } })).status, 401, "the link works once");
      assert.ok(!r.stdout().includes(ticket), "the ticket is not in the JSON log");
    } finally {
      r.child.kill("SIGTERM");
    }
    assert.equal(await r.exit, 0);
  });

  it("--no-auth serves loopback without a credential, with a loud warning on stderr", async () => {
    const r = run([tmp, "--no-auth", "--data-dir", path.join(tmp, "data")]);
    try {
      const url = await waitFor("the listening line", () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(r.stdout())?.[1], 20_000);
      assert.match(r.stderr(), /WARNING.*--no-auth.*any (local )?user or process/is);
      assert.doesNotMatch(r.stderr(), /#ticket=/);
      assert.equal((await request(Number(new URL(url).port), "/api/v1/chats")).status, 200);
    } finally {
      r.child.kill("SIGTERM");
    }
    assert.equal(await r.exit, 0);
    const refused = run([tmp, "--no-auth", "--host", "0.0.0.0", "--data-dir", path.join(tmp, "data")]);
    assert.equal(await refused.exit, 1, "--no-auth never opens a non-loopback bind");
  });

  it("serves the demo and shuts down gracefully on SIGTERM", async () => {
    const ws = path.join(tmp, "ws");
    fs.mkdirSync(ws);
    const secret = "cli-test-api-key-0123456789";
    const r = run([ws, "--demo", "--data-dir", path.join(tmp, "data")], { API_KEY: secret });
    const url = await waitFor("the listening line", () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(r.stdout())?.[1], 20_000);
    const port = Number(new URL(url).port);
    const auth = { authorization: `Bearer ${secret}` };
    const created = await request(port, "/api/v1/chats", { method: "POST", headers: auth });
    assert.equal(created.status, 201);
    const id = (created.json as { chatId: string }).chatId;
    let ready = false;
    for (let i = 0; i < 200 && !ready; i++) {
      const st = await request(port, `/api/v1/chats/${id}`, { headers: auth });
      ready = (st.json as { status: string }).status === "ready";
      if (!ready) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(ready, "the demo chat is ready");
    assert.ok(processesInCwd(ws).length >= 1, "pi runs in the workspace");
    const sse = new SseClient(port, `/api/v1/chats/${id}/events`, auth);
    await sse.open();
    await sse.until("snapshot", () => sse.events.length >= 1);
    r.child.kill("SIGTERM");
    await sse.until("shutdown event and end", () => sse.events.some((e) => e.event === "shutdown") && sse.ended);
    assert.equal(await r.exit, 0);
    assert.deepEqual(processesInCwd(ws), [], "no pi left running");
    const logs = r.stdout().trim().split("\n");
    for (const line of logs) assert.doesNotThrow(() => JSON.parse(line), `JSON log line: ${line.slice(0, 100)}`);
    assert.ok(!r.stdout().includes(secret), "the API key never appears in the logs");
    assert.match(r.stdout(), /shutting down/);
  });
});
