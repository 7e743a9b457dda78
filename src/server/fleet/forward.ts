// Forwarding a request to the instance that owns the chat, over its internal URL. The user's
// credentials are checked once, at the edge, and never travel further (Authorization and
// ?access_token are removed); the hop is authenticated by an HMAC of FLEET_SECRET over the
// method, path, time, sender and body, checked in constant time, each signature usable once.
// Responses (status, headers, body) come back unchanged, streamed: an SSE stream is piped
// chunk by chunk, never buffered.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import * as http from "node:http";

export const FLEET_AUTH_HEADER = "x-pi-fleet-auth";
/** Set on every forwarded request: its receiver must answer, never forward again (no loops). */
export const FLEET_HOP_HEADER = "x-pi-fleet-from";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"]);
/** Request headers worth passing on; everything else (cookies, Authorization, …) stays at the edge. */
const PASS_ON = ["content-type", "accept", "last-event-id", "user-agent", "accept-language", "x-request-id"];

export class FleetAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FleetAuthError";
  }
}

/** Signs and checks instance-to-instance requests with the shared FLEET_SECRET. */
export class FleetAuth {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly secret: string,
    /** How far a signature's time may be from ours (clock skew plus transit). */
    private readonly windowMs = 30_000,
  ) {
    if (secret.length < 32) throw new Error("FLEET_SECRET must be at least 32 characters (it lets one instance act for any user).");
  }

  sign(method: string, path: string, from: string, body: Buffer, now = Date.now()): string {
    const nonce = randomBytes(12).toString("base64url");
    return `v1.${now}.${nonce}.${this.mac(method, path, from, body, now, nonce)}`;
  }

  /** Throws FleetAuthError unless the request carries a fresh, unused, valid signature. */
  verify(method: string, path: string, headers: http.IncomingHttpHeaders, body: Buffer, now = Date.now()): string {
    const header = one(headers[FLEET_AUTH_HEADER]);
    const from = one(headers[FLEET_HOP_HEADER]);
    if (!header || !from) throw new FleetAuthError("missing fleet signature");
    const m = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(header);
    if (!m) throw new FleetAuthError("malformed fleet signature");
    const ts = Number(m[1]);
    if (Math.abs(now - ts) > this.windowMs) throw new FleetAuthError("fleet signature expired");
    const expected = Buffer.from(this.mac(method, path, from, body, ts, m[2]), "base64url");
    const given = Buffer.from(m[3], "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new FleetAuthError("bad fleet signature");
    this.sweep(now);
    if (this.seen.has(m[3])) throw new FleetAuthError("fleet signature replayed");
    this.seen.set(m[3], ts + this.windowMs);
    return from;
  }

  private mac(method: string, path: string, from: string, body: Buffer, ts: number, nonce: string): string {
    const bodyHash = createHash("sha256").update(body).digest("hex");
    return createHmac("sha256", this.secret).update(`v1\n${ts}\n${nonce}\n${method.toUpperCase()}\n${path}\n${from}\n${bodyHash}`).digest("base64url");
  }

  private sweep(now: number): void {
    if (this.seen.size < 1024) return;
    for (const [sig, until] of this.seen) if (until < now) this.seen.delete(sig);
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The request target without ?access_token (a user's token must not reach internal hops or their logs). */
export function internalPath(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  params.delete("access_token");
  const rest = params.toString();
  return rest ? `${url.slice(0, q)}?${rest}` : url.slice(0, q);
}

/** Reads a request body of at most `limit` bytes (forwarding signs it, so it is read first). */
export async function readRawBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RangeError(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export type ForwardResult = { ok: true; status: number } | { ok: false; reason: "unreachable"; error: string };

export interface ForwardOptions {
  auth: FleetAuth;
  /** This instance's id (the receiver logs it, and refuses to forward again). */
  from: string;
  /** The owner's internal URL, e.g. http://pi-2:3000. */
  target: string;
  body: Buffer;
  /** No connection within this time: the owner is unreachable (default 2 s). */
  connectTimeoutMs?: number;
  agent?: http.Agent;
  /** The client's address, appended to X-Forwarded-For. */
  clientIp?: string;
}

const sharedAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Forwards `req` to the owner and streams the answer into `res`. Resolves when the answer has
 * ended (or the client went away). `unreachable` only when nothing was sent to the client yet:
 * the caller may then take the chat over.
 */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, options: ForwardOptions): Promise<ForwardResult> {
  const path = internalPath(req.url ?? "/");
  const method = req.method ?? "GET";
  const target = new URL(options.target);
  const headers: http.OutgoingHttpHeaders = {};
  for (const name of PASS_ON) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
  headers[FLEET_HOP_HEADER] = options.from;
  headers[FLEET_AUTH_HEADER] = options.auth.sign(method, path, options.from, options.body);
  const forwardedFor = [req.headers["x-forwarded-for"], options.clientIp].filter(Boolean).join(", ");
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  headers["content-length"] = options.body.length;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ForwardResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const upstream = http.request({ protocol: target.protocol, hostname: target.hostname, port: target.port, method, path, headers, agent: options.agent ?? sharedAgent });
    const connectTimer = setTimeout(
      () => upstream.destroy(new Error(`no connection to ${options.target} within ${options.connectTimeoutMs ?? 2_000} ms`)),
      options.connectTimeoutMs ?? 2_000,
    );
    upstream.on("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once("connect", () => clearTimeout(connectTimer));
      socket.setNoDelay(true);
    });
    upstream.on("response", (answer) => {
      clearTimeout(connectTimer);
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
      res.writeHead(answer.statusCode ?? 502, out);
      if (String(answer.headers["content-type"] ?? "").startsWith("text/event-stream")) {
        res.flushHeaders();
        req.socket.setTimeout(0);
        req.socket.setNoDelay(true);
      }
      answer.pipe(res);
      answer.on("end", () => done({ ok: true, status: answer.statusCode ?? 502 }));
      answer.on("error", () => {
        res.destroy();
        done({ ok: true, status: answer.statusCode ?? 502 });
      });
    });
    upstream.on("error", (err) => {
      clearTimeout(connectTimer);
      if (!res.headersSent) done({ ok: false, reason: "unreachable", error: err.message });
      else {
        res.destroy();
        done({ ok: true, status: res.statusCode });
      }
    });
    // The client went away (an SSE tab closed): stop the stream at the owner too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
      done({ ok: true, status: res.statusCode });
    });
    upstream.end(options.body);
  });
}
