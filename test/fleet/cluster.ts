// A real fleet on 127.0.0.1 for the end-to-end tests and the bench: redis-server, N
// pi-vscode-server processes (the CLI, in fleet mode) sharing one agent dir and workspace, nginx
// round-robin in front, and one scripted model that every instance's pi talks to.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { type ScriptedModelOptions, startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { type Reply, request } from "../server/support";
import { freePort, Nginx, REPO, RedisServer, waitUntil } from "./support";

export const FLEET_SECRET = "e2e-fleet-secret-0123456789abcdef-xyz";
export const API_KEY = "e2e-api-key-0123456789";
export const AUTH = { authorization: `Bearer ${API_KEY}` };
const CLI = path.join(REPO, "src", "server", "cli.ts");

export interface Instance {
  id: string;
  port: number;
  proc: ChildProcess;
  exit: Promise<number | null>;
  output(): string;
  stderr(): string;
}

export interface ClusterOptions {
  instances?: number;
  leaseMs?: number;
  env?: NodeJS.ProcessEnv;
  /** The scripted model's own rules (the bench's). */
  model?: ScriptedModelOptions;
  /** The base URL pi should use instead of the model's (the bench puts a timing proxy there). */
  modelUrl?: (baseUrl: string) => Promise<string>;
}

export class Cluster {
  readonly instances: Instance[] = [];
  nginx: Nginx | undefined;

  private constructor(
    readonly redis: RedisServer,
    readonly model: ScriptedModelServer,
    readonly root: string,
    readonly options: ClusterOptions,
  ) {}

  get agentDir(): string {
    return path.join(this.root, "agent");
  }

  get workspace(): string {
    return path.join(this.root, "workspace");
  }

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const redis = await RedisServer.start();
    const model = await startScriptedModel(options.model);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-e2e-"));
    const cluster = new Cluster(redis, model, root, options);
    fs.mkdirSync(cluster.workspace, { recursive: true });
    writeDemoAgentDir(cluster.agentDir, options.modelUrl ? await options.modelUrl(model.baseUrl) : model.baseUrl);
    const n = options.instances ?? 3;
    const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
    await Promise.all(ports.map((port, i) => cluster.startInstance(`pi-${i + 1}`, port)));
    cluster.instances.sort((a, b) => a.id.localeCompare(b.id));
    cluster.nginx = await Nginx.start(ports);
    return cluster;
  }

  /** The environment of one instance (exported for tests that start a misconfigured one). */
  envFor(id: string, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...offlinePiEnv(this.agentDir),
      REDIS_URL: this.redis.url,
      INSTANCE_ID: id,
      INSTANCE_URL: `http://127.0.0.1:${port}`,
      FLEET_SECRET,
      API_KEY,
      LEASE_MS: String(this.options.leaseMs ?? 6000),
      LOG_LEVEL: process.env.FLEET_LOG ?? "warn",
      PI_VSCODE_SERVER_DATA_DIR: path.join(this.root, `data-${id}`),
      ...this.options.env,
      ...extra,
    };
  }

  /** Spawns the CLI; resolves once it answers its health check (or rejects with its output). */
  async startInstance(id: string, port?: number, extra: NodeJS.ProcessEnv = {}): Promise<Instance> {
    const p = port ?? (await freePort());
    const instance = spawnInstance(this.workspace, p, this.envFor(id, p, extra), id);
    let exited = false;
    void instance.exit.then(() => (exited = true));
    await waitUntil(
      `instance ${id} healthy`,
      async () => {
        if (exited) throw new Error(`instance ${id} exited at start:\n${instance.output()}`);
        return (await request(p, "/api/v1/health").catch(() => undefined))?.status === 200;
      },
      30_000,
      100,
    );
    this.instances.push(instance);
    return instance;
  }

  byId(id: string): Instance {
    const found = this.instances.find((i) => i.id === id);
    if (!found) throw new Error(`no instance ${id}`);
    return found;
  }

  live(): Instance[] {
    return this.instances.filter((i) => i.proc.exitCode === null && i.proc.signalCode === null);
  }

  /** An API call with the API key, through nginx unless a port is given. */
  api(pathname: string, options: { method?: string; body?: unknown; port?: number; headers?: Record<string, string> } = {}): Promise<Reply> {
    const port = options.port ?? this.nginx?.port ?? 0;
    return request(port, pathname, { method: options.method, body: options.body, headers: { ...AUTH, ...options.headers } });
  }

  async stop(): Promise<void> {
    for (const i of this.live()) i.proc.kill("SIGTERM");
    await Promise.all(
      this.instances.map(async (i) => {
        const t = setTimeout(() => i.proc.kill("SIGKILL"), 10_000);
        await i.exit;
        clearTimeout(t);
      }),
    );
    await this.nginx?.stop();
    await this.model.close();
    await this.redis.stop();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The CLI from source (tsx), or a built entry such as dist/server.js. */
export function spawnInstance(workspace: string, port: number, env: NodeJS.ProcessEnv, id = "?", entry?: string): Instance {
  const proc = spawn(process.execPath, [...(entry ? [entry] : ["--import", "tsx", CLI]), workspace, "--port", String(port), "--host", "127.0.0.1"], {
    cwd: REPO,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout?.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  proc.stderr?.on("data", (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
    err = (err + d.toString()).slice(-20_000);
  });
  const exit = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return { id, port, proc, exit, output: () => out, stderr: () => err };
}

/** pi processes (pi sets its process title) whose parent is `ppid`. */
export function piChildren(ppid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === ppid && isPi(Number(name))) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** A live (not zombie) process whose title is pi's. */
export function isPi(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
    return cmd === "pi" || cmd.startsWith("pi ") || cmd === "pi-rpc";
  } catch {
    return false;
  }
}

export interface HealthDetails {
  status: string;
  fleet?: { instanceId: string; instances: Array<{ id: string }>; redis: string; chats: string[] };
}

export async function health(port: number, withAuth = true): Promise<HealthDetails> {
  const reply = await request(port, "/api/v1/health", { headers: withAuth ? AUTH : {} });
  return reply.json as HealthDetails;
}

/** Sends a prompt through nginx, retrying while the fleet answers 503 (a chat changing servers). */
export async function promptUntilAccepted(cluster: Cluster, chatId: string, text: string, timeoutMs: number): Promise<{ reply: Reply; tries: number }> {
  const end = Date.now() + timeoutMs;
  for (let tries = 1; ; tries++) {
    const reply = await cluster.api(`/api/v1/chats/${chatId}/prompt`, { method: "POST", body: { text } }).catch((err: Error) => ({ status: 0, text: err.message }) as Reply);
    if (reply.status === 200) return { reply, tries };
    if ((reply.status !== 503 && reply.status !== 502 && reply.status !== 0) || Date.now() > end) throw new Error(`prompt → ${reply.status} ${reply.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
