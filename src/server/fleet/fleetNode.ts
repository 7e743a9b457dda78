// Fleet mode assembled for the server: the Fleet (Redis, leases, caps, streams), the chats'
// fleet side, the HTTP gateway, metrics and lifecycle lines. The CLI starts it when REDIS_URL
// is set and hands it to createPiServer, which calls it from a few hooks; the routes reach it
// through RouteDeps.fleet (the FleetRouteHooks below).
import type { Logger } from "pino";
import type { Chat } from "../../host/chat/chat";
import type { ChatHost } from "../../host/chatHost";
import type { ChatSummary } from "../../protocol/types";
import type { Route, RouteContext, RouteDeps } from "../routes/route";
import { Fleet } from "./fleet";
import { FleetChats } from "./fleetChats";
import type { FleetConfig } from "./fleetConfig";
import { fetchPositionedSnapshot, fleetHealth, fleetRoutes } from "./fleetRoutes";
import { FleetGateway, type Inbound } from "./gateway";
import { LifecycleLog } from "./lifecycleLog";
import { FleetMetrics } from "./metrics";
import type { FleetLog } from "./redis";

/** What the routes ask of fleet mode (each call replaces one single-instance step). */
export interface FleetRouteHooks {
  /** newChat: an id with a pi slot and a lease (ActionError "unavailable" + Retry-After when full). */
  reserve(): Promise<string>;
  /** newChat, after host.createChat: stream and record. */
  created(chat: Chat): Promise<void>;
  /** closeChat, after the host disposed the chat. */
  closed(chatId: string): Promise<void>;
  /** listChats: every chat of the fleet. */
  listChats(): Promise<ChatSummary[]>;
  /** The SSE route. */
  stream(ctx: RouteContext): Promise<void>;
  /** The health route. */
  health(ctx: RouteContext, deps: RouteDeps): Promise<void>;
  /** Routes fleet mode adds (/metrics, the internal snapshot). */
  routes(deps: RouteDeps): Route[];
}

export interface FleetNodeOptions {
  config: FleetConfig;
  host: ChatHost;
  logger: Logger;
  chatEnv?: NodeJS.ProcessEnv;
  server: { bodyLimitBytes: number; maxBodyBytes: number; trustProxy: number; clientBufferBytes: number; heartbeatMs: number };
  /** METRICS_TOKEN (optional): a scraper's bearer token for /metrics. */
  metricsToken?: string;
  /** Another process registered our INSTANCE_ID: this one must stop (gracefully). */
  onIdLost: () => void;
}

export class FleetNode implements FleetRouteHooks {
  private instances = 1;

  private constructor(
    readonly fleet: Fleet,
    readonly chats: FleetChats,
    readonly gateway: FleetGateway,
    readonly metrics: FleetMetrics,
    private readonly options: FleetNodeOptions,
  ) {}

  /** Throws RedisUnavailableError or InstanceIdTakenError (the CLI prints one line and exits 1). */
  static async start(options: FleetNodeOptions): Promise<FleetNode> {
    const { config, host, logger } = options;
    const log: FleetLog = (level, message, extra) => logger[level](extra ?? {}, message);
    const late: { node?: FleetNode } = {};
    const metrics = new FleetMetrics({
      instanceId: config.instanceId,
      sample: () => ({
        liveSessions: host.chats().filter((c) => c.isRunning).length,
        sseClients: late.node?.fleet.hub.clientCount() ?? 0,
        piPids: host.chats().flatMap((c) => (c.isRunning && c.pid !== undefined ? [c.pid] : [])),
        instances: late.node?.instances ?? 1,
        redisUp: late.node?.fleet.redis.state !== "degraded",
      }),
    });
    const fleet = await Fleet.start({
      config,
      log,
      clientBufferBytes: options.server.clientBufferBytes,
      heartbeatMs: options.server.heartbeatMs,
      remoteSnapshot: (chatId, owner) => fetchPositionedSnapshot(fleet.auth, config.instanceId, owner, chatId),
      onLeaseLost: (chatId, owner) => void late.node?.chats.leaseLost(chatId, owner),
      onIdLost: options.onIdLost,
      onDelivered: (n) => metrics.sseEvents(n),
    });
    const chats = new FleetChats({ fleet, host, chatEnv: options.chatEnv, metrics, lifecycle: new LifecycleLog(logger, config.instanceId), log });
    const gateway = new FleetGateway({
      fleet,
      chats,
      metrics,
      maxBodyBytes: options.server.maxBodyBytes,
      bodyLimitBytes: options.server.bodyLimitBytes,
      trustProxy: options.server.trustProxy,
      log,
    });
    late.node = new FleetNode(fleet, chats, gateway, metrics, options);
    return late.node;
  }

  // The server's hooks (httpServer.ts).
  inbound(req: import("node:http").IncomingMessage): Promise<Inbound | undefined> {
    return this.gateway.inbound(req);
  }

  serve(route: Route, ctx: Omit<RouteContext, "body">, inbound: Inbound | undefined): Promise<void> {
    return this.gateway.serve(route, ctx, inbound);
  }

  /** Graceful: views told, every pi stopped, leases handed back, deregistered. */
  shutdown(): Promise<void> {
    return this.chats.shutdown();
  }

  /** The host's idle check stopped a chat's pi (ChatHostOptions.onReclaimed). */
  reclaimed(chat: Chat): void {
    void this.chats.reclaimed(chat).catch((err: unknown) => this.options.logger.warn({ chatId: chat.id, err: String(err) }, "idle hand-back failed"));
  }

  // The routes' hooks (RouteDeps.fleet).
  reserve(): Promise<string> {
    return this.chats.reserve();
  }

  created(chat: Chat): Promise<void> {
    return this.chats.created(chat);
  }

  closed(chatId: string): Promise<void> {
    return this.chats.closed(chatId);
  }

  listChats(): Promise<ChatSummary[]> {
    return this.chats.list();
  }

  stream(ctx: RouteContext): Promise<void> {
    return this.gateway.stream(ctx);
  }

  health(ctx: RouteContext, deps: RouteDeps): Promise<void> {
    return fleetHealth(ctx, deps, this.fleet);
  }

  routes(deps: RouteDeps): Route[] {
    return fleetRoutes(deps, {
      fleet: this.fleet,
      gateway: this.gateway,
      metrics: this.metrics,
      metricsToken: this.options.metricsToken,
      setInstances: (n) => (this.instances = n),
    });
  }
}
