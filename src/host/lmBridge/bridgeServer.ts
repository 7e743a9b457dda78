// The bridge: an OpenAI-compatible chat-completions endpoint on 127.0.0.1 (random port) that
// pi talks to as a custom provider, answered by VS Code's language models through an
// LmBackend. Every request needs the per-session bearer secret; the Host header must be the
// loopback address itself (a web page reaching the port through DNS rebinding is refused).
// pi's abort closes the connection, which aborts the backend's request.
import { randomBytes, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { LmBridgeError, lmError } from "./errors";
import { parseChatRequest } from "./openaiRequest";
import { ChunkEncoder, CompletionCollector } from "./openaiStream";
import { requestText, tokenCounter, type TokenCounter } from "./usage";
import { bridgeModelId, type LmBackend, type LmModelInfo, type LmRequest } from "./types";

/** Requests carry whole conversations and pasted images; beyond this something is wrong. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** How long a stream may wait for its first part before the headers go out (see stream()). */
export const KEEPALIVE_MS = 10_000;

export interface BridgeServerOptions {
  backend: LmBackend;
  log?: (level: "debug" | "info" | "warn" | "error", message: string) => void;
  /** Default KEEPALIVE_MS. */
  keepAliveMs?: number;
}

export interface BridgeServer {
  /** http://127.0.0.1:PORT/v1 */
  readonly baseUrl: string;
  /** The bearer secret pi sends (its provider's apiKey). */
  readonly apiKey: string;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * An HTTP error as plain text. pi's OpenAI client shows a text body as "<status> <text>", but
 * an OpenAI JSON error object as raw JSON ("403: {"message":…}"); in-stream errors, which it
 * reads by their message, use the JSON object (ChunkEncoder.error).
 */
function sendError(res: http.ServerResponse, error: LmBridgeError): void {
  res.writeHead(error.status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(error.message), "x-lm-bridge-error": error.code });
  res.end(error.message);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the client still gets a clean 413.
    req.on("data", (d: Buffer) => {
      size += d.length;
      if (size <= MAX_BODY_BYTES) parts.push(d);
      else parts.length = 0;
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) reject(new LmBridgeError("PayloadTooLarge", `the request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`));
      else resolve(Buffer.concat(parts).toString("utf8"));
    });
    req.on("error", reject);
  });
}

/** Writes respecting back-pressure; resolves false when the client went away. */
function write(res: http.ServerResponse, text: string): Promise<boolean> | boolean {
  if (!text || res.destroyed) return !res.destroyed;
  if (res.write(text)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}

export async function startBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  const { backend } = options;
  const log = options.log ?? (() => undefined);
  const apiKey = randomBytes(32).toString("base64url");
  const expected = Buffer.from(`Bearer ${apiKey}`);
  let port = 0;

  const authorized = (req: http.IncomingMessage) => {
    const given = Buffer.from(req.headers.authorization ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const hostAllowed = (req: http.IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;

  async function findModel(request: LmRequest): Promise<LmModelInfo> {
    const models = await backend.models();
    if (models.length === 0) throw lmError("NoModels", request.modelId);
    const model = models.find((m) => bridgeModelId(m) === request.modelId);
    if (!model) throw lmError("NotFound", request.modelId, "no such model in vscode.lm.selectChatModels()");
    if (request.tools.length && model.supportsTools === false) throw lmError("ToolsUnsupported", model.name);
    return model;
  }

  async function complete(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      throw err instanceof LmBridgeError ? err : new LmBridgeError("BadRequest", "the request body is not valid JSON");
    }
    const request = parseChatRequest(body);
    const model = await findModel(request);
    const abort = new AbortController();
    // pi's abort (or pi exiting) closes the connection: cancel the model's request.
    res.on("close", () => abort.abort());
    const usage = request.includeUsage || !request.stream ? tokenCounter(backend, model, requestText(request), abort.signal) : undefined;
    if (request.stream) return stream(res, request, model, usage, abort.signal);
    const collector = new CompletionCollector(request.modelId);
    let reported = false;
    for await (const part of await backend.send(model, request, abort.signal)) {
      collector.add(part);
      if (part.kind === "text" || part.kind === "thinking") usage?.output(part.text);
      reported ||= part.kind === "usage";
    }
    const counted = reported ? undefined : await usage?.finish();
    if (counted) collector.add(counted);
    sendJson(res, 200, collector.body());
  }

  async function stream(res: http.ServerResponse, request: LmRequest, model: LmModelInfo, usage: TokenCounter | undefined, signal: AbortSignal): Promise<void> {
    const encoder = new ChunkEncoder(request.modelId);
    let started = false;
    let reported = false;
    const start = () => {
      if (started) return;
      started = true;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    };
    // Headers wait for the first part, so an early failure is a real HTTP error. But a consent
    // prompt or a slow model must not run into pi's header timeout: after a while the stream
    // starts with SSE comments (which clients skip) until the first part.
    const keepAlive = setInterval(() => {
      start();
      res.write(": waiting for the VS Code model\n\n");
    }, options.keepAliveMs ?? KEEPALIVE_MS);
    try {
      for await (const part of await backend.send(model, request, signal)) {
        clearInterval(keepAlive);
        if (signal.aborted) return;
        start();
        if (part.kind === "text" || part.kind === "thinking") usage?.output(part.text);
        reported ||= part.kind === "usage";
        if (!(await write(res, encoder.part(part)))) return;
      }
    } catch (err) {
      if (!started) throw err;
      const error = err instanceof LmBridgeError ? err : lmError("Unknown", model.name, err instanceof Error ? err.message : String(err));
      log("warn", `lm bridge: ${bridgeModelId(model)} failed mid-stream: ${error.message}`);
      res.end(encoder.error(error.toBody()));
      return;
    } finally {
      clearInterval(keepAlive);
    }
    if (signal.aborted) return;
    start();
    const counted = reported ? undefined : await usage?.finish();
    if (counted) encoder.part(counted);
    res.end(encoder.end(request.includeUsage));
  }

  async function listModels(res: http.ServerResponse): Promise<void> {
    const models = await backend.models();
    sendJson(res, 200, {
      object: "list",
      data: models.map((m) => ({ id: bridgeModelId(m), object: "model", created: 0, owned_by: m.vendor, name: m.name, family: m.family })),
    });
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!hostAllowed(req)) throw new LmBridgeError("Unauthorized", "this endpoint answers only requests addressed to 127.0.0.1");
      if (!authorized(req)) throw new LmBridgeError("Unauthorized", "missing or wrong bearer token for the VS Code model bridge");
      const url = req.url?.split("?")[0] ?? "";
      if (req.method === "POST" && url === "/v1/chat/completions") return complete(req, res);
      if (req.method === "GET" && url === "/v1/models") return listModels(res);
      sendError(res, new LmBridgeError("BadRequest", `no route ${req.method} ${url}`));
    })().catch((err: unknown) => {
      const error = err instanceof LmBridgeError ? err : lmError("Unknown", "(bridge)", err instanceof Error ? err.message : String(err));
      if (error.code !== "Unauthorized") log(error.status >= 500 ? "warn" : "info", `lm bridge: ${req.method} ${req.url}: ${error.status} ${error.message}`);
      if (res.headersSent) res.end();
      else sendError(res, error);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
