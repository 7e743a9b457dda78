// What a route is and what routes need from the server. The server (../httpServer.ts) checks
// Host, Origin, auth and the body before calling `handle`.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChatHost } from "../../host/chatHost";
import type { HttpVerb } from "../../protocol/actions";
import { API_PREFIX } from "../../protocol/serverPaths";
import type { Authenticator } from "../auth";
import type { AuthGate } from "../authGate";
import type { ServerConfig } from "../config";
import type { RateLimiter } from "../rateLimit";
import type { FleetRouteHooks } from "../fleet/fleetNode";
import type { SseHub } from "../sseHub";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  body: unknown;
}

export interface RouteDeps {
  host: ChatHost;
  workspace: string;
  config: ServerConfig;
  auth: Authenticator;
  /** Bearer checks that count wrong credentials per client address. */
  gate: AuthGate;
  hub: SseHub;
  loginLimiter: RateLimiter;
  /** Holds an event-stream slot for the request's client until the response closes; 503 past the caps. */
  admitStream(req: IncomingMessage, res: ServerResponse): void;
  /** Extra environment for chats this server creates (e.g. the demo agent dir). */
  chatEnv?: NodeJS.ProcessEnv;
  assetsRoot: string | undefined;
  isShuttingDown(): boolean;
  /** False when the chats belong to someone else (VS Code): DELETE only what we created. */
  ownsChats?: boolean;
  log(level: "debug" | "info" | "warn" | "error", message: string, extra?: Record<string, unknown>): void;
  /** Fleet mode (REDIS_URL): the steps that differ from a single instance. */
  fleet?: FleetRouteHooks;
}

export interface Route {
  method: HttpVerb;
  path: string;
  /** Needs a valid credential when the server has any configured. */
  auth: boolean;
  /** Reads a JSON body first. */
  body: boolean;
  /** A long-lived stream (no socket timeout). */
  stream?: boolean;
  /** Largest body accepted, when not the server's default (messages may carry images). */
  bodyLimit?: number;
  handle(ctx: RouteContext): Promise<void> | void;
}

/** A route under the API prefix; POSTs read a body unless told otherwise. */
export function apiRoute(method: HttpVerb, path: string, opts: Partial<Pick<Route, "auth" | "body" | "stream" | "bodyLimit">>, handle: Route["handle"]): Route {
  return {
    method,
    path: `${API_PREFIX}${path}`,
    auth: opts.auth ?? true,
    body: opts.body ?? method === "POST",
    stream: opts.stream,
    bodyLimit: opts.bodyLimit,
    handle,
  };
}
