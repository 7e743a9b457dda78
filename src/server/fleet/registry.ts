// Who is in the fleet: each instance registers its id and internal URL under a key that
// expires unless its heartbeat renews it, so a killed instance drops out by itself. An id
// held by another live instance is refused at start (two owners of one id would both believe
// they hold that id's leases).
import { randomBytes } from "node:crypto";
import { LuaScript, message, type FleetLog, type FleetRedis } from "./redis";

export interface InstanceInfo {
  id: string;
  /** The internal URL other instances forward to (INSTANCE_URL). */
  url: string;
  /** When this instance started (ms since the epoch, its own clock). */
  started: number;
}

export class InstanceIdTakenError extends Error {
  constructor(
    readonly id: string,
    readonly holder: { url: string; started: number; expiresInMs: number },
  ) {
    super(
      `INSTANCE_ID=${id} is already used by a live instance at ${holder.url || "(unknown URL)"} ` +
        `(started ${new Date(holder.started).toISOString()}); give this instance another INSTANCE_ID, ` +
        `or stop the other one (its registration expires ${Math.ceil(holder.expiresInMs / 1000)} s after its last heartbeat).`,
    );
    this.name = "InstanceIdTakenError";
  }
}

export interface RegistryOptions {
  redis: FleetRedis;
  id: string;
  url: string;
  /** How often the registration is renewed (default 2 s). */
  heartbeatMs?: number;
  /** How long a registration outlives its last heartbeat (default 4 heartbeats). */
  ttlMs?: number;
  log?: FleetLog;
  /** Another process took this id while our registration had lapsed: this one must stop. */
  onLost?: (holder: string) => void;
}

// The server's clock (TIME) scores the set, so instances' clocks need not agree.
const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

/** KEYS: instance hash, live set. ARGV: id, url, started, token, ttl. → {1} or {0, url, started, pttl}. */
const REGISTER = new LuaScript(
  "register",
  `${NOW}
local cur = redis.call('HGET', KEYS[1], 'token')
if cur and cur ~= ARGV[4] then
  local h = redis.call('HMGET', KEYS[1], 'url', 'started')
  return {0, h[1] or '', h[2] or '0', redis.call('PTTL', KEYS[1])}
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'url', ARGV[2], 'started', ARGV[3], 'token', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[1])
return {1}`,
);

/** KEYS: live set. ARGV: instance key prefix. → flat {id, url, started, …} of live instances. */
const LIST = new LuaScript(
  "list",
  `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local h = redis.call('HMGET', ARGV[1] .. id, 'id', 'url', 'started')
  if h[1] then out[#out + 1] = h[1]; out[#out + 1] = h[2]; out[#out + 1] = h[3] end
end
return out`,
);

/** KEYS: instance hash, live set. ARGV: id, token. Deletes only our own registration. */
const DEREGISTER = new LuaScript(
  "deregister",
  `if redis.call('HGET', KEYS[1], 'token') == ARGV[2] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
return 0`,
);

export class Registry {
  /** This process's incarnation: tells it apart from an earlier process with the same id. */
  readonly token = randomBytes(12).toString("base64url");
  readonly info: InstanceInfo;
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly log: FleetLog;
  private lost = false;

  private constructor(private readonly options: RegistryOptions) {
    this.info = { id: options.id, url: options.url, started: Date.now() };
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.ttlMs = options.ttlMs ?? 4 * this.heartbeatMs;
    this.log = options.log ?? (() => undefined);
  }

  /** Registers and starts the heartbeat; throws InstanceIdTakenError when the id is held. */
  static async register(options: RegistryOptions): Promise<Registry> {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(options.id)) throw new Error(`INSTANCE_ID must be 1–64 letters, digits, ".", "_" or "-" (got "${options.id}").`);
    const registry = new Registry(options);
    const holder = await registry.beat();
    if (holder) throw new InstanceIdTakenError(options.id, holder);
    registry.timer = setInterval(() => void registry.heartbeat(), registry.heartbeatMs);
    registry.timer.unref();
    return registry;
  }

  get id(): string {
    return this.info.id;
  }

  get leaseOfInstanceMs(): number {
    return this.ttlMs;
  }

  /** Instances whose registration is live, this one included, by id. */
  async live(): Promise<InstanceInfo[]> {
    const { redis } = this.options;
    const flat = await LIST.run(redis.client, [redis.key("instances")], [redis.key("inst", "")]);
    const out: InstanceInfo[] = [];
    if (!Array.isArray(flat)) return out;
    for (let i = 0; i + 2 < flat.length; i += 3) out.push({ id: String(flat[i]), url: String(flat[i + 1]), started: Number(flat[i + 2]) });
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The live instance with this id, if any (where to forward a request for its chats). */
  async find(id: string): Promise<InstanceInfo | undefined> {
    const { redis } = this.options;
    const [gotId, url, started] = await redis.client.hmget(redis.key("inst", id), "id", "url", "started");
    return gotId && url ? { id: gotId, url, started: Number(started) } : undefined;
  }

  /** Stops the heartbeat and removes the registration (graceful shutdown). */
  async deregister(): Promise<void> {
    this.stop();
    const { redis } = this.options;
    await DEREGISTER.run(redis.client, [redis.key("inst", this.id), redis.key("instances")], [this.id, this.token]).catch((err: unknown) =>
      this.log("warn", "could not deregister (the registration expires by itself)", { instanceId: this.id, err: message(err) }),
    );
  }

  /** Stops the heartbeat only (the registration expires after its TTL, as if killed). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One heartbeat now (the timer calls this); reports a lost id through onLost. */
  async heartbeat(): Promise<void> {
    try {
      const holder = await this.beat();
      if (holder && !this.lost) {
        this.lost = true;
        this.stop();
        this.log("error", "another process registered this INSTANCE_ID while ours had lapsed", { instanceId: this.id, holder: holder.url });
        this.options.onLost?.(holder.url);
      }
    } catch (err) {
      // Redis is down: the registration may lapse; the next beat after reconnecting restores it.
      this.log("debug", "heartbeat failed", { instanceId: this.id, err: message(err) });
    }
  }

  /** One heartbeat; the other holder when the id belongs to someone else. */
  private async beat(): Promise<{ url: string; started: number; expiresInMs: number } | undefined> {
    const { redis } = this.options;
    const reply = await REGISTER.run(redis.client, [redis.key("inst", this.id), redis.key("instances")], [this.id, this.info.url, this.info.started, this.token, this.ttlMs]);
    if (!Array.isArray(reply) || Number(reply[0]) === 1) return undefined;
    return { url: String(reply[1]), started: Number(reply[2]), expiresInMs: Number(reply[3]) };
  }
}
