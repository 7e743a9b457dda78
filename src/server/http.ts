// Small HTTP helpers shared by the routes and the server: JSON responses, errors, bodies.
import type { IncomingMessage, ServerResponse } from "node:http";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "Cache-Control": "no-store", ...headers });
  res.end();
}

/** After an error that ends the connection, how much of the unread body we still read (and drop), and for how long. */
export const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
export const DRAIN_MAX_MS = 5_000;

/**
 * Answers with a JSON error and closes the connection, but first reads (and drops) what the
 * client is still sending, up to DRAIN_MAX_BYTES or DRAIN_MAX_MS: a socket closed with unread
 * data in it is reset, and a reset can destroy the answer before the client reads it.
 */
export function sendErrorAndClose(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
    Connection: "close",
  });
  // The whole answer goes out now; end() — after which Node closes the socket — waits for the body.
  res.write(text);
  if (req.complete || req.destroyed) {
    res.end();
    return;
  }
  let drained = 0;
  const finish = () => {
    clearTimeout(timer);
    req.off("data", count);
    if (!res.writableEnded) res.end();
  };
  const count = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) finish();
  };
  const timer = setTimeout(finish, DRAIN_MAX_MS);
  req.on("data", count);
  req.once("end", finish);
  req.once("error", finish);
  res.once("close", finish);
  req.resume();
}

const tooLarge = (limit: number) => new HttpError(413, "body_too_large", `The request body is larger than ${limit} bytes.`, { Connection: "close" });

/** A declared Content-Length over `limit` (or not a number): refused before a byte is read. */
export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  const declared = req.headers["content-length"];
  return declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > limit);
}

/** Reads a JSON body of at most `limit` bytes; undefined when there is none. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (declaredTooLarge(req, limit)) return Promise.reject(tooLarge(limit));
  return new Promise<unknown>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    // Listeners, not `for await`: leaving that loop early destroys the request and with it the
    // socket, before the 413 could be sent.
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      done();
      req.pause();
      reject(tooLarge(limit));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onEnd = () => {
      done();
      try {
        resolve(parseJson(req, Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
  });
}

function parseJson(req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "unsupported_media_type", "Send the body as Content-Type: application/json.");
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid JSON.");
  }
}

/** The body as an object (an absent body is an empty object). */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "invalid_body", "The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, field: string, max: number): string {
  const v = body[field];
  if (typeof v !== "string") throw new HttpError(400, "invalid_body", `"${field}" must be a string.`);
  if (v.trim().length === 0) throw new HttpError(400, "invalid_body", `"${field}" is empty.`);
  if (v.length > max) throw new HttpError(400, "invalid_body", `"${field}" is longer than ${max} characters.`);
  return v;
}
