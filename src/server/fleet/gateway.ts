// Fleet mode's hooks into the HTTP server. `inbound` checks a request another instance signed
// (before the Host check: its Host is the instance's internal name); `serve` replaces reading
// the body and calling the route: a chat's request is answered here when this instance owns
// the chat, forwarded once to the owner otherwise, taken over when nobody runs the chat, and
// refused with 503 + Retry-After while a killed owner's lease runs out. `stream` is the SSE
// route: any instance streams any chat (from the chat's Redis Stream).
import type * as http from "node:http";
import { ActionError } from "../../protocol/actionError";
import { HttpError, sendJson } from "../http";
import type { Route, RouteContext } from "../routes/route";
import { clientIp } from "../security";
import { parseStreamId } from "./eventStream";
import type { Fleet, ChatLocation } from "./fleet";
import { ChatTakenError, type FleetChats } from "./fleetChats";
import { FLEET_AUTH_HEADER, FleetAuthError, forward, readRawBody } from "./forward";
import { LeaseLostError, LeaseUnverifiableError } from "./leases";
import type { FleetMetrics } from "./metrics";
import type { FleetLog } from "./redis";

/** A verified request from another instance. */
export interface Inbound {
  from: string;
  body: Buffer;
}

export interface GatewayOptions {
  fleet: Fleet;
  chats: FleetChats;
  metrics: FleetMetrics;
  /** Largest body any route takes (a message with images). */
  maxBodyBytes: number;
  /** The server's default body limit. */
  bodyLimitBytes: number;
  trustProxy: number;
  log: FleetLog;
}

const EMPTY = Buffer.alloc(0);
const unavailable = (message: string, retryAfterMs: number) => new ActionError("unavailable", message, { "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });

export class FleetGateway {
  /** Verified inter-instance requests, for the internal routes. */
  private readonly signed = new WeakMap<http.IncomingMessage, Inbound>();

  constructor(private readonly o: GatewayOptions) {}

  /** Hook 1, before the Host check: undefined for an ordinary request; a signed one is verified now (401) with its raw body. */
  async inbound(req: http.IncomingMessage): Promise<Inbound | undefined> {
    if (req.headers[FLEET_AUTH_HEADER] === undefined) return undefined;
    const body = await this.readBody(req, this.o.maxBodyBytes);
    let from: string;
    try {
      from = this.o.fleet.auth.verify(req.method ?? "GET", req.url ?? "/", req.headers, body);
    } catch (err) {
      if (!(err instanceof FleetAuthError)) throw err;
      this.o.log("warn", "inter-instance request refused", { reason: err.message, ip: req.socket.remoteAddress });
      throw new HttpError(401, "fleet_unauthorized", "The inter-instance signature is missing, wrong, stale or replayed.");
    }
    const inbound = { from, body };
    this.signed.set(req, inbound);
    return inbound;
  }

  /** The verified inter-instance request this is, if any (the internal routes serve only those). */
  inboundOf(req: http.IncomingMessage): Inbound | undefined {
    return this.signed.get(req);
  }

  /** Hook 2, after the user's auth: reads the body, then answers here, forwards, or takes the chat over. */
  async serve(route: Route, ctx: Omit<RouteContext, "body">, inbound: Inbound | undefined): Promise<void> {
    const started = performance.now();
    // Which instance answered (a forwarded answer carries the owner's): for operators and tests.
    ctx.res.setHeader("X-Pi-Instance", this.o.fleet.instanceId);
    ctx.res.once("finish", () => this.o.metrics.observeHttp(route.method, route.path, ctx.res.statusCode, (performance.now() - started) / 1000));
    let raw = inbound?.body;
    if (!raw) {
      if (route.body) raw = await this.readBody(ctx.req, route.bodyLimit ?? this.o.bodyLimitBytes);
      else ctx.req.resume();
    }
    const body = route.body ? jsonFrom(ctx.req, raw ?? EMPTY) : undefined;
    const chatId = ctx.params.chatId;
    // The stream and the internal routes decide for themselves; the others name no chat.
    if (chatId === undefined || route.stream || route.path.includes("/fleet/")) return route.handle({ ...ctx, body });
    return this.routeChat(chatId, route, { ...ctx, body }, raw ?? EMPTY, inbound);
  }

  private async routeChat(chatId: string, route: Route, ctx: RouteContext, raw: Buffer, inbound: Inbound | undefined): Promise<void> {
    const { fleet, chats } = this.o;
    for (let attempt = 0; attempt < 3; attempt++) {
      const where = await this.locate(chatId);
      if (where.kind === "here") {
        try {
          // Before every write to pi: the lease must still be ours (never two instances driving one chat).
          if (route.method !== "GET") await fleet.leases.assertOwned(chatId);
        } catch (err) {
          if (err instanceof LeaseLostError) continue;
          if (err instanceof LeaseUnverifiableError) throw unavailable("Redis is unreachable and this server cannot confirm it still runs this chat; try again shortly.", 2_000);
          throw err;
        }
        return route.handle(ctx);
      }
      if (where.kind === "remote") {
        // A forwarded request is answered where it lands, never forwarded again (no loops).
        if (inbound) throw unavailable("The chat moved to another server just now; try again.", 1_000);
        const result = await forward(ctx.req, ctx.res, {
          auth: fleet.auth,
          from: fleet.instanceId,
          target: where.instance.url,
          body: raw,
          clientIp: clientIp(ctx.req, this.o.trustProxy),
        });
        if (result.ok) return;
        this.o.log("warn", "owner unreachable", { chatId, owner: where.instance.id, err: result.error });
        throw unavailable("The server running this chat does not answer; another one continues it once its lease expires.", fleet.config.leaseMs);
      }
      if (where.kind === "orphaned") throw unavailable("The server running this chat stopped; another one continues it once its lease expires.", where.retryAfterMs);
      // Nobody runs it: closing needs no pi; anything else continues the chat here.
      if (route.method === "DELETE") {
        if (!(await chats.forget(chatId))) throw new ActionError("not_found", `No chat with id "${chatId.slice(0, 100)}".`);
        sendJson(ctx.res, 200, {});
        return;
      }
      if (!(await this.takeOver(chatId))) continue;
    }
    throw unavailable("The chat is changing servers; try again.", 1_000);
  }

  /** Hook 3, the SSE route: streams any chat of the fleet; a chat nobody runs is continued here first. */
  async stream(ctx: RouteContext): Promise<void> {
    const chatId = ctx.params.chatId ?? "";
    const { req, res } = ctx;
    for (let attempt = 0; attempt < 3; attempt++) {
      const where = await this.locate(chatId);
      if (where.kind !== "free" || (await this.takeOver(chatId))) break;
    }
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
      Connection: "keep-alive",
    });
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true, 30_000);
    const lastEventId = parseStreamId(req.headers["last-event-id"]) ?? parseStreamId(ctx.query.get("lastEventId") ?? undefined);
    res.on("close", () => this.o.fleet.hub.unsubscribe(chatId, res));
    const mode = await this.o.fleet.hub.subscribe(chatId, res, lastEventId);
    this.o.log("debug", "SSE client connected", { chatId, mode, lastEventId });
  }

  /** True when the chat runs here now; false when another instance took it first. */
  private async takeOver(chatId: string): Promise<boolean> {
    try {
      await this.o.chats.takeOver(chatId);
      return true;
    } catch (err) {
      if (err instanceof ChatTakenError) return false;
      throw err;
    }
  }

  private async locate(chatId: string): Promise<ChatLocation> {
    try {
      return await this.o.fleet.locate(chatId);
    } catch {
      // Redis is down: a chat held here is still ours (assertOwned decides about writes); others cannot be found.
      if (this.o.fleet.leases.holds(chatId)) return { kind: "here" };
      throw unavailable("The fleet cannot reach Redis, so it cannot tell which server runs this chat; try again shortly.", 2_000);
    }
  }

  private async readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
    const declared = req.headers["content-length"];
    const tooLarge = () => new HttpError(413, "body_too_large", `The request body is larger than ${limit} bytes.`, { Connection: "close" });
    if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > limit)) throw tooLarge();
    try {
      return await readRawBody(req, limit);
    } catch (err) {
      if (err instanceof RangeError) throw tooLarge();
      throw err;
    }
  }
}

/** The JSON body from the raw bytes (read first: forwarding signs them), with the server's own checks. */
export function jsonFrom(req: http.IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "unsupported_media_type", "Send the body as Content-Type: application/json.");
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid JSON.");
  }
}
