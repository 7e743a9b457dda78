// Fleet mode assembled: one object the server holds when REDIS_URL is set. Start-up fails with
// one clear error (Redis unreachable → names REDIS_URL; INSTANCE_ID held by a live instance →
// refuses); afterwards nothing here ends the process. The server asks it where a chat lives
// (here, at another live instance, or nowhere/dead → take it over), and shuts down in order.
import { PiCaps } from "./caps";
import { EventStreams } from "./eventStream";
import type { FleetConfig } from "./fleetConfig";
import { FleetSseHub, type PositionedSnapshot } from "./fleetSse";
import { FleetAuth } from "./forward";
import { Leases } from "./leases";
import { FleetRedis, type FleetLog, type RedisState } from "./redis";
import { type InstanceInfo, Registry } from "./registry";
import { StreamReader } from "./streamReader";

export type ChatLocation =
  /** This instance holds the lease. */
  | { kind: "here" }
  /** Another live instance owns it: forward there. */
  | { kind: "remote"; instance: InstanceInfo }
  /** Nobody holds a lease: acquire it and continue the chat from its pi session file. */
  | { kind: "free" }
  /** The owner stopped heartbeating (killed): its lease expires within `retryAfterMs`. */
  | { kind: "orphaned"; owner: string; retryAfterMs: number };

export interface FleetHealth {
  instanceId: string;
  instances: InstanceInfo[];
  leaseMs: number;
  redis: RedisState;
}

export interface FleetStartOptions {
  config: FleetConfig;
  log: FleetLog;
  clientBufferBytes: number;
  heartbeatMs: number;
  /** The owner's positioned snapshot of a chat owned elsewhere (an internal request to it). */
  remoteSnapshot: (chatId: string, owner: InstanceInfo) => Promise<PositionedSnapshot>;
  /** A lease was lost (expired during an outage, or taken): stop that chat's pi here. */
  onLeaseLost: (chatId: string, owner: string | undefined) => void;
  /** Another process registered our INSTANCE_ID while ours had lapsed: this one must stop. */
  onIdLost: () => void;
  /** Per event delivered to a local SSE client (the metrics count them). */
  onDelivered?: (count: number) => void;
}

interface Parts {
  redis: FleetRedis;
  registry: Registry;
  leases: Leases;
  caps: PiCaps;
  streams: EventStreams;
  reader: StreamReader;
  auth: FleetAuth;
}

export class Fleet {
  readonly redis: FleetRedis;
  readonly registry: Registry;
  readonly leases: Leases;
  readonly caps: PiCaps;
  readonly streams: EventStreams;
  readonly reader: StreamReader;
  readonly auth: FleetAuth;
  /** SSE for every chat, owned here or elsewhere (the fleet's SseHub). */
  readonly hub: FleetSseHub;
  private draining = false;

  private constructor(
    readonly config: FleetConfig,
    parts: Parts,
    options: FleetStartOptions,
  ) {
    ({ redis: this.redis, registry: this.registry, leases: this.leases, caps: this.caps, streams: this.streams, reader: this.reader, auth: this.auth } = parts);
    this.hub = new FleetSseHub({
      streams: this.streams,
      reader: this.reader,
      clientBufferBytes: options.clientBufferBytes,
      heartbeatMs: options.heartbeatMs,
      log: options.log,
      onDelivered: options.onDelivered,
      remoteSnapshot: async (chatId) => {
        const where = await this.locate(chatId);
        if (where.kind !== "remote") throw new Error(`chat ${chatId} has no live owner to ask for a snapshot (${where.kind})`);
        return options.remoteSnapshot(chatId, where.instance);
      },
    });
    // Streams an append failed on (Redis was down) are repaired as soon as it answers again.
    this.redis.onState((state) => {
      if (state === "ok") void this.hub.repairAll();
    });
  }

  static async start(options: FleetStartOptions): Promise<Fleet> {
    const { config, log } = options;
    const auth = new FleetAuth(config.fleetSecret);
    const redis = await FleetRedis.connect({ url: config.redisUrl, keyPrefix: config.keyPrefix, log });
    let registry: Registry;
    try {
      // The registration lives as long as a lease: a killed instance drops out when its chats free up.
      const heartbeatMs = Math.max(250, Math.floor(config.leaseMs / 5));
      registry = await Registry.register({ redis, id: config.instanceId, url: config.instanceUrl, heartbeatMs, ttlMs: config.leaseMs, log, onLost: () => options.onIdLost() });
    } catch (err) {
      await redis.close();
      throw err;
    }
    const leases = new Leases({ redis, instanceId: config.instanceId, token: registry.token, ttlMs: config.leaseMs, log, onLost: options.onLeaseLost });
    leases.startRenewal();
    const caps = new PiCaps({ redis, instanceId: config.instanceId, globalCap: () => config.globalCap, instanceCap: () => config.instanceCap, ttlMs: config.leaseMs });
    caps.startRefresh();
    const streams = new EventStreams({ redis, maxLen: config.streamMaxLen });
    const reader = new StreamReader({ redis, streams, log, coalesceMs: config.readCoalesceMs });
    log("info", "fleet mode", { instanceId: config.instanceId, instanceUrl: config.instanceUrl, leaseMs: config.leaseMs });
    return new Fleet(config, { redis, registry, leases, caps, streams, reader, auth }, options);
  }

  get instanceId(): string {
    return this.config.instanceId;
  }

  /** True once shutdown began: refuse new chats (503, Retry-After). */
  get isDraining(): boolean {
    return this.draining;
  }

  async locate(chatId: string): Promise<ChatLocation> {
    if (this.leases.holds(chatId)) return { kind: "here" };
    const owner = await this.leases.owner(chatId);
    if (owner === undefined) return { kind: "free" };
    const instance = owner === this.instanceId ? undefined : await this.registry.find(owner);
    // Our own id but not our lease: an earlier process of this id, killed; its lease runs out.
    if (!instance) return { kind: "orphaned", owner, retryAfterMs: this.config.leaseMs };
    return { kind: "remote", instance };
  }

  async health(): Promise<FleetHealth> {
    let instances: InstanceInfo[] = [];
    try {
      instances = await this.registry.live();
    } catch {
      // Redis is down: report ourselves only, as degraded.
      instances = [this.registry.info];
    }
    return { instanceId: this.instanceId, instances, leaseMs: this.config.leaseMs, redis: this.redis.state };
  }

  /**
   * Graceful shutdown, in the deployment guide's order: stop taking new chats, tell the views
   * (they reconnect elsewhere), stop pi (`stopPi`, the caller's), then hand the leases back so
   * another instance takes over at once. Leases go back after pi has stopped, not before: no
   * moment with two pi processes on one session file.
   */
  async shutdown(stopPi: () => Promise<void>): Promise<void> {
    this.draining = true;
    await this.hub.shutdown("This server is restarting; the chat continues on another one.");
    try {
      await stopPi();
    } finally {
      this.leases.stop();
      this.caps.stop();
      await this.leases.releaseAll();
      await this.caps.releaseAll();
      await this.registry.deregister();
      await this.reader.close();
      await this.redis.close();
    }
  }
}
