// Real services for the fleet tests, all on 127.0.0.1: Debian's redis-server (no persistence,
// a scratch dir) and nginx (deploy/nginx.conf with its upstream pointed at local ports).
// test/env/ensure-tools.sh installs both.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One raw RESP round trip, with no client library (so the harness does not test itself). */
export function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let data = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      data += d.toString();
      if (data.includes("\r\n")) done(data.startsWith("+PONG"));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-redis-"));
  log = "";

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()));
    await server.startProcess();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async startProcess(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir, "--protected-mode", "yes"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => (this.log = (this.log + d.toString()).slice(-8000)));
    child.stderr?.on("data", (d: Buffer) => (this.log = (this.log + d.toString()).slice(-8000)));
    this.child = child;
    await waitUntil(`redis-server on port ${this.port} (log: ${this.log})`, () => redisPing(this.port), 10_000);
  }

  /** kill -9: every key is gone (no persistence), clients see the connection drop. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill("SIGKILL");
    await exited(child);
  }

  async restart(downMs = 0): Promise<void> {
    await this.kill();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.startProcess();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && this.running) {
      child.kill("SIGTERM");
      await exited(child);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** deploy/nginx.conf, made runnable in a scratch prefix: upstream → `ports`, listen → `port`. */
export function nginxConfFor(port: number, upstreamPorts: number[], dir: string, hashByChat = false): string {
  const deploy = fs.readFileSync(path.join(REPO, "deploy", "nginx.conf"), "utf8");
  const servers = upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join("\n");
  const body = deploy
    .replace(/upstream pi_fleet \{[^}]*\}/, `upstream pi_fleet {\n${servers}\n    keepalive 16;\n${hashByChat ? "    hash $pi_chat consistent;\n" : ""}  }`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  if (!body.includes(`127.0.0.1:${port}`) || !body.includes(`127.0.0.1:${upstreamPorts[0]}`))
    throw new Error("deploy/nginx.conf lost its `upstream pi_fleet` block or `listen 8080;`");
  // The deploy file is an `http {}`-level include (as in /etc/nginx/conf.d); wrap it.
  const tmp = (n: string) => path.join(dir, n);
  return [
    "daemon off;",
    "worker_processes 1;",
    `pid ${tmp("nginx.pid")};`,
    `error_log ${tmp("error.log")} warn;`,
    "events { worker_connections 1024; }",
    "http {",
    "  access_log off;",
    `  client_body_temp_path ${tmp("body")}; proxy_temp_path ${tmp("proxy")}; fastcgi_temp_path ${tmp("fastcgi")}; uwsgi_temp_path ${tmp("uwsgi")}; scgi_temp_path ${tmp("scgi")};`,
    body,
    "}",
    "",
  ].join("\n");
}

export class Nginx {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(upstreamPorts: number[], options: { hashByChat?: boolean } = {}): Promise<Nginx> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-nginx-"));
    const conf = path.join(dir, "nginx.conf");
    fs.writeFileSync(conf, nginxConfFor(port, upstreamPorts, dir, options.hashByChat));
    const nginx = new Nginx(port, dir);
    const test = spawnSync("nginx", ["-t", "-q", "-p", dir, "-e", path.join(dir, "error.log"), "-c", conf], { encoding: "utf8" });
    if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr}`);
    nginx.child = spawn("nginx", ["-p", dir, "-e", path.join(dir, "error.log"), "-c", conf], { stdio: "ignore" });
    await waitUntil(`nginx on port ${port}`, () => canConnect(port), 10_000);
    return nginx;
  }

  get errorLog(): string {
    try {
      return fs.readFileSync(path.join(this.dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGQUIT"); // graceful: workers finish, then the master exits
      const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited(child);
      clearTimeout(force);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}
