// Limits on live pi processes across the fleet: a global cap and a per-instance cap, checked
// and taken in one Lua script so two instances cannot both take the last slot. A slot is a
// member of two sorted sets scored by its expiry (Redis time): a killed instance's slots vanish
// after the TTL without anyone cleaning up; a live one refreshes its slots with the leases.
import { LuaScript, type FleetRedis } from "./redis";

export interface CapOptions {
  redis: FleetRedis;
  instanceId: string;
  /** Most live pi processes in the whole fleet (0 = no cap). Read at every admission. */
  globalCap: () => number;
  /** Most live pi processes on this instance (0 = no cap). */
  instanceCap: () => number;
  /** A slot outlives its last refresh by this much (default 10 s, like a lease). */
  ttlMs?: number;
  /** Retry-After suggested when the whole fleet is full (default 15 s: about one idle check). */
  fleetFullRetryAfterSeconds?: number;
}

export type Admission =
  | { ok: true; global: number; instance: number }
  | { ok: false; scope: "global" | "instance"; global: number; instance: number; retryAfterSeconds: number; message: string };

const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

/** KEYS: all, instance. ARGV: chatId, globalCap, instanceCap, ttl. → {1, g, i} | {0, scope, g, i}. */
const ADMIT = new LuaScript(
  "admit",
  `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local exp = now + tonumber(ARGV[4])
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[1], exp, ARGV[1]) redis.call('ZADD', KEYS[2], exp, ARGV[1])
  return {1, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])}
end
local g = redis.call('ZCARD', KEYS[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local gc = tonumber(ARGV[2])
  if gc > 0 and g >= gc then return {0, 'global', g, redis.call('ZCARD', KEYS[2])} end
end
local i = redis.call('ZCARD', KEYS[2])
local ic = tonumber(ARGV[3])
if ic > 0 and i >= ic then return {0, 'instance', g, i} end
redis.call('ZADD', KEYS[1], exp, ARGV[1]) redis.call('ZADD', KEYS[2], exp, ARGV[1])
return {1, redis.call('ZCARD', KEYS[1]), i + 1}`,
);

/** KEYS: all, instance. ARGV: ttl, chatId… Refreshes the slots this instance still holds. */
const REFRESH = new LuaScript(
  "refresh",
  `${NOW}
local exp = now + tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], exp, ARGV[i]) redis.call('ZADD', KEYS[2], exp, ARGV[i])
end
return #ARGV - 1`,
);

/** KEYS: all, instance. ARGV: chatId. */
const RELEASE = new LuaScript("releaseSlot", "redis.call('ZREM', KEYS[1], ARGV[1]) return redis.call('ZREM', KEYS[2], ARGV[1])");

const COUNT = new LuaScript(
  "countSlots",
  `${NOW}
return {redis.call('ZCOUNT', KEYS[1], now, '+inf'), redis.call('ZCOUNT', KEYS[2], now, '+inf')}`,
);

export class PiCaps {
  private readonly ttlMs: number;
  private readonly slots = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CapOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
  }

  /** Takes a slot for the chat's pi (idempotent for a chat that already has one here). */
  async admit(chatId: string): Promise<Admission> {
    const reply = await ADMIT.run(this.options.redis.client, this.keys(), [chatId, this.options.globalCap(), this.options.instanceCap(), this.ttlMs]);
    const r = Array.isArray(reply) ? reply.map(String) : [];
    if (r[0] === "1") {
      this.slots.add(chatId);
      return { ok: true, global: Number(r[1]), instance: Number(r[2]) };
    }
    const scope = r[1] === "global" ? "global" : "instance";
    const global = Number(r[2]);
    const instance = Number(r[3]);
    return scope === "global"
      ? {
          ok: false,
          scope,
          global,
          instance,
          retryAfterSeconds: this.options.fleetFullRetryAfterSeconds ?? 15,
          message: `The fleet runs ${global} pi processes, its limit (MAX_PROCESSES_FLEET). Try again shortly, or stop an idle chat.`,
        }
      : {
          ok: false,
          scope,
          global,
          instance,
          // Another instance may have room: a round-robin retry soon lands elsewhere.
          retryAfterSeconds: 1,
          message: `This server runs ${instance} pi processes, its limit (MAX_PROCESSES). Try again: another server of the fleet may have room.`,
        };
  }

  /** The chat's pi stopped (idle reclaim, stop, crash, moved): free its slot. */
  async release(chatId: string): Promise<void> {
    this.slots.delete(chatId);
    await RELEASE.run(this.options.redis.client, this.keys(), [chatId]);
  }

  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.slots].map((id) => this.release(id)));
  }

  /** Live slots now: in the fleet and on this instance. */
  async counts(): Promise<{ global: number; instance: number }> {
    const reply = await COUNT.run(this.options.redis.client, this.keys(), []);
    const r = Array.isArray(reply) ? reply.map(Number) : [0, 0];
    return { global: r[0], instance: r[1] };
  }

  async refresh(): Promise<void> {
    const ids = [...this.slots];
    for (let i = 0; i < ids.length; i += 500) await REFRESH.run(this.options.redis.client, this.keys(), [this.ttlMs, ...ids.slice(i, i + 500)]);
  }

  startRefresh(everyMs = Math.floor(this.ttlMs / 3)): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private keys(): string[] {
    const { redis, instanceId } = this.options;
    return [redis.key("pi", "all"), redis.key("pi", "inst", instanceId)];
  }
}
