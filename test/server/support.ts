// A real server on 127.0.0.1:0 in front of a real pi with the scripted model, plus a tiny
// HTTP and SSE client (node:http, so we control headers like Host, Origin and Last-Event-ID).
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import pino, { type Logger } from "pino";
import { configFromEnv, type ServerConfig } from "../../src/server/config";
import { createPiServer, type PiServer } from "../../src/server/httpServer";
import { startPiFixture, waitFor, type PiFixture } from "../support/piFixture";

export interface ServerFixture {
  fx: PiFixture;
  server: PiServer;
  url: string;
  port: number;
  config: ServerConfig;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A logger whose JSON lines a test can read (e.g. to see which client address the server saw). */
export function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

export async function startServerFixture(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = {}, options: { log?: Logger; assetsRoot?: string } = {}): Promise<ServerFixture> {
  const fx = await startPiFixture();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-server-data-"));
  const config = configFromEnv(env, { port: 0, host: "127.0.0.1", dataDir, ...overrides });
  const log = options.log ?? pino({ level: process.env.SERVER_LOG ?? "silent" });
  const server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log, assetsRoot: options.assetsRoot });
  const url = await server.listen();
  return {
    fx,
    server,
    url,
    port: server.port,
    config,
    dataDir,
    async cleanup() {
      await server.close();
      await fx.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw body (sent as is). */
  raw?: string | Buffer;
  /** Source address of the connection (another loopback address is another client). */
  localAddress?: string;
}

/** One HTTP request; Host defaults to the server's own 127.0.0.1:port. */
export function request(port: number, pathname: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...(options.body !== undefined ? { "content-type": "application/json" } : {}), ...options.headers };
    const req = http.request({ host: "127.0.0.1", port, path: pathname, method: options.method ?? "GET", headers, agent: false, localAddress: options.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function errorCode(reply: Reply): string | undefined {
  const j = reply.json as { error?: { code?: string; message?: string } } | undefined;
  return j?.error?.code;
}

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A streaming SSE reader: collects complete events; `close()` kills the connection abruptly. */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  comments = 0;
  private buf = "";
  private req: http.ClientRequest | undefined;
  private readonly waiters = new Set<() => void>();
  /** When each event arrived (performance.now()). */
  readonly arrivals: number[] = [];

  constructor(
    private readonly port: number,
    private readonly pathname: string,
    private readonly headersIn: Record<string, string> = {},
    /** Source address (another loopback address is another client). */
    private readonly localAddress?: string,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.req = http.request(
        { host: "127.0.0.1", port: this.port, path: this.pathname, headers: { host: `127.0.0.1:${this.port}`, accept: "text/event-stream", ...this.headersIn }, agent: false, localAddress: this.localAddress },
        (res) => {
          this.status = res.statusCode ?? 0;
          this.headers = res.headers;
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => this.feed(chunk));
          res.on("end", () => this.finish());
          res.on("close", () => this.finish());
          res.on("error", () => this.finish());
          resolve();
        },
      );
      this.req.on("error", (err) => {
        if (this.status === 0) reject(err);
        this.finish();
      });
      this.req.end();
    });
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private feed(chunk: string): void {
    this.buf += chunk;
    let at: number;
    while ((at = this.buf.indexOf("\n\n")) >= 0) {
      const block = this.buf.slice(0, at);
      this.buf = this.buf.slice(at + 2);
      const ev: SseEvent = { event: "message", data: "" };
      let hasData = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) {
          this.comments++;
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon >= 0 ? line.slice(0, colon) : line;
        const value = colon >= 0 ? line.slice(colon + 1).replace(/^ /, "") : "";
        if (field === "id") ev.id = value;
        else if (field === "event") ev.event = value;
        else if (field === "data") {
          ev.data += (hasData ? "\n" : "") + value;
          hasData = true;
        }
      }
      if (hasData) {
        this.events.push(ev);
        this.arrivals.push(performance.now());
      }
    }
    this.notify();
  }

  /** Waits until `check` passes (re-checked on every chunk). */
  until<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const v = check();
        if (v) {
          cleanup();
          resolve(v);
        } else if (this.ended) {
          cleanup();
          reject(new Error(`SSE stream ended while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.events.length} events)`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
      };
      this.waiters.add(attempt);
      attempt();
    });
  }

  close(): void {
    this.req?.destroy();
    this.ended = true;
  }
}

/** A new chat over the API (POST /chats, the newChat action), once its pi is ready. */
export async function createReadyChat(f: ServerFixture): Promise<string> {
  const created = await request(f.port, "/api/v1/chats", { method: "POST" });
  if (created.status !== 201) throw new Error(`POST /chats → ${created.status} ${created.text}`);
  const id = (created.json as { chatId: string }).chatId;
  await waitFor("the chat to be ready", () => f.fx.host.get(id)?.status === "ready", 30_000);
  return id;
}

export function floodText(n: number): string {
  return Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
}
