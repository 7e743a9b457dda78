// Caps on what clients may hold open: TCP connections in all and per address, and event streams
// in all and per address. Past a cap the request gets 503 with Retry-After (and its connection
// closes) instead of the server running out of sockets or memory. Behind trusted proxies the
// TCP peer is the proxy, so the per-address connection cap counts the client's requests in
// flight instead (a stream is in flight for as long as it is open).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ServerConfig } from "./config";
import { HttpError, sendErrorAndClose } from "./http";
import { normalizeIp } from "./security";

export type LimitsConfig = Pick<ServerConfig, "maxConnections" | "maxConnectionsPerIp" | "maxStreams" | "maxStreamsPerIp" | "trustProxy" | "firstRequestTimeoutMs">;

const RETRY_AFTER_SECONDS = "5";

class Counter {
  private readonly counts = new Map<string, number>();

  /** Adds one for `key` unless it is already at `max`; true when added. */
  take(key: string, max: number): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= max) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  give(key: string): void {
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}

export class ConnectionLimits {
  private open = 0;
  private readonly perPeer = new Counter();
  private readonly inFlight = new Counter();
  private readonly streamsPerIp = new Counter();
  private streams = 0;
  /** Connections accepted past a cap: their requests get 503, then they close. */
  private readonly refused = new WeakMap<Socket, string>();
  /** Connections that sent a request (the others are closed after firstRequestTimeoutMs). */
  private readonly spoke = new WeakSet<Socket>();

  constructor(private readonly config: LimitsConfig) {}

  /** For the server's "connection" event. */
  readonly track = (socket: Socket): void => {
    const peer = normalizeIp(socket.remoteAddress) ?? "unknown";
    this.open++;
    // Behind a proxy every connection comes from the proxy: only the total is capped here.
    const counted = this.config.trustProxy > 0 || this.perPeer.take(peer, this.config.maxConnectionsPerIp);
    if (this.open > this.config.maxConnections) this.refused.set(socket, "The server has too many open connections; try again shortly.");
    else if (!counted) this.refused.set(socket, "Too many open connections from your address; close some and try again.");
    // Node never times out a connection that sends nothing: it would hold its slot for ever.
    socket.setTimeout(this.config.firstRequestTimeoutMs, () => {
      if (!this.spoke.has(socket)) socket.destroy();
    });
    socket.once("close", () => {
      this.open--;
      if (counted && this.config.trustProxy === 0) this.perPeer.give(peer);
    });
  };

  /** False (and a 503 sent) when the request's connection or client is over a cap. */
  admit(req: IncomingMessage, res: ServerResponse, ip: string): boolean {
    if (!this.spoke.has(req.socket)) {
      this.spoke.add(req.socket);
      req.socket.setTimeout(0);
    }
    const refusal = this.refused.get(req.socket);
    if (refusal) {
      sendErrorAndClose(req, res, 503, "too_many_connections", refusal, { "Retry-After": RETRY_AFTER_SECONDS });
      return false;
    }
    if (this.config.trustProxy === 0) return true;
    if (!this.inFlight.take(ip, this.config.maxConnectionsPerIp)) {
      sendErrorAndClose(req, res, 503, "too_many_connections", "Too many requests in flight from your address; try again shortly.", { "Retry-After": RETRY_AFTER_SECONDS });
      return false;
    }
    res.once("close", () => this.inFlight.give(ip));
    return true;
  }

  /** Holds a stream slot for `ip` until `res` closes; HttpError 503 past a cap. */
  admitStream(ip: string, res: ServerResponse): void {
    if (this.streams >= this.config.maxStreams) {
      throw new HttpError(503, "too_many_streams", "The server has too many open event streams; try again shortly.", { "Retry-After": RETRY_AFTER_SECONDS });
    }
    if (!this.streamsPerIp.take(ip, this.config.maxStreamsPerIp)) {
      throw new HttpError(503, "too_many_streams", "Too many open event streams from your address; close a tab and try again.", { "Retry-After": RETRY_AFTER_SECONDS });
    }
    this.streams++;
    res.once("close", () => {
      this.streams--;
      this.streamsPerIp.give(ip);
    });
  }

  get connections(): number {
    return this.open;
  }
}
