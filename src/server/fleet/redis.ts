// The fleet's connection to Redis (ioredis). Unreachable at start → one clear error naming
// REDIS_URL; unreachable later → `state` turns "degraded", commands fail fast (no offline
// queue, so nothing piles up in memory), ioredis reconnects on its own, and the process
// never crashes on an unhandled "error" event.
import { createHash } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";

export type RedisState = "ok" | "degraded";
export type FleetLog = (level: "debug" | "info" | "warn" | "error", message: string, extra?: Record<string, unknown>) => void;

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisUnavailableError";
  }
}

export interface FleetRedisOptions {
  /** REDIS_URL, e.g. redis://:password@redis:6379/0 or rediss://… */
  url: string;
  /** Namespaces every key, so several fleets can share one Redis (default "pi-fleet:"). */
  keyPrefix?: string;
  connectTimeoutMs?: number;
  /** A command that gets no answer in this time fails (a hung Redis must not hang requests). */
  commandTimeoutMs?: number;
  log?: FleetLog;
}

/** The URL as it may appear in logs and errors: no password. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

export class FleetRedis {
  /** For ordinary commands (leases, appends, heartbeats). */
  readonly client: Redis;
  readonly prefix: string;
  private current: RedisState = "ok";
  private readonly listeners = new Set<(state: RedisState) => void>();
  private readonly extra = new Set<Redis>();
  private closed = false;

  private constructor(
    client: Redis,
    private readonly options: FleetRedisOptions,
    private readonly log: FleetLog,
  ) {
    this.client = client;
    this.prefix = options.keyPrefix ?? "pi-fleet:";
    this.watch(client, "main");
  }

  /** Connects, or throws RedisUnavailableError naming REDIS_URL. */
  static async connect(options: FleetRedisOptions): Promise<FleetRedis> {
    const log = options.log ?? (() => undefined);
    const shown = redactRedisUrl(options.url);
    let everReady = false;
    let client: Redis;
    try {
      client = new Redis(options.url, {
        ...baseOptions(options),
        lazyConnect: true,
        // Before the first success a failure is final (the error below); after it, retry forever.
        retryStrategy: (times) => (everReady ? Math.min(100 * 2 ** Math.min(times, 5), 2_000) : null),
      });
    } catch (err) {
      throw new RedisUnavailableError(`REDIS_URL is not a usable Redis URL (${shown}): ${message(err)}`);
    }
    const firstError: { err?: unknown } = {};
    const onFirstError = (err: unknown) => (firstError.err ??= err);
    client.on("error", onFirstError);
    try {
      await client.connect();
      await client.ping();
    } catch (err) {
      client.disconnect();
      throw new RedisUnavailableError(
        `Cannot reach Redis at REDIS_URL=${shown}: ${message(firstError.err ?? err)}. Start Redis, or fix REDIS_URL (unset it to run a single instance without Redis).`,
      );
    } finally {
      client.off("error", onFirstError);
    }
    everReady = true;
    return new FleetRedis(client, options, log);
  }

  get state(): RedisState {
    return this.current;
  }

  key(...parts: string[]): string {
    return this.prefix + parts.join(":");
  }

  onState(listener: (state: RedisState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A second connection for blocking commands (XREAD BLOCK would stall every other command on a
   * shared connection). No command timeout: a block longer than it is normal.
   */
  duplicate(name: string): Redis {
    const dup = this.client.duplicate({ commandTimeout: undefined, lazyConnect: false, retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2_000) });
    this.extra.add(dup);
    this.watch(dup, name);
    return dup;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [this.client, ...this.extra];
    await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
  }

  private watch(client: Redis, name: string): void {
    let lastError = "";
    // Without an "error" listener ioredis' EventEmitter would throw and end the process.
    client.on("error", (err: unknown) => {
      const text = message(err);
      if (text === lastError) return; // one line per distinct failure, not one per retry
      lastError = text;
      this.log("warn", "redis connection error", { connection: name, url: redactRedisUrl(this.options.url), err: text });
    });
    client.on("ready", () => {
      lastError = "";
      if (client === this.client) this.set("ok");
    });
    const down = () => {
      if (client === this.client && !this.closed) this.set("degraded");
    };
    client.on("close", down);
    client.on("reconnecting", down);
    client.on("end", down);
  }

  private set(state: RedisState): void {
    if (state === this.current) return;
    this.current = state;
    this.log(state === "ok" ? "info" : "warn", state === "ok" ? "redis reachable again" : "redis unreachable: fleet degraded", { state });
    for (const l of this.listeners) l(state);
  }
}

function baseOptions(options: FleetRedisOptions): RedisOptions {
  return {
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    // Fail fast while disconnected: callers fall back (local streaming, 503) instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
  };
}

export function message(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return message(err.errors[0]);
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * A Lua script run by EVALSHA, falling back to EVAL when Redis does not know it (first use, or
 * after a Redis restart emptied its script cache). Scripts make check-and-set steps atomic.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(
    readonly name: string,
    private readonly source: string,
  ) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(client: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!message(err).startsWith("NOSCRIPT")) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
