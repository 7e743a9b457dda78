// Who owns a chat: a lease per chat in Redis (SET NX PX), renewed while this instance is
// alive, compare-and-delete on release. assertOwned() is called before every write to pi, so a
// chat is never driven by two instances at once.
//
// Redis restarted without its data (no persistence) would forget every lease while the owners'
// pi processes keep running. An "epoch" key detects that: whoever first notices it is gone (or
// changed) opens a grace period of one lease TTL in which only the previous owners may reclaim
// their chats (renewal) and nobody acquires a new one. A fresh Redis (no instance had seen an
// epoch yet) opens no grace period.
import { randomBytes } from "node:crypto";
import { LuaScript, message, type FleetLog, type FleetRedis } from "./redis";

export class LeaseLostError extends Error {
  constructor(
    readonly chatId: string,
    readonly owner: string | undefined,
  ) {
    super(owner ? `chat ${chatId} is now owned by instance ${owner}` : `this instance no longer owns chat ${chatId}`);
    this.name = "LeaseLostError";
  }
}

/** Redis cannot say who owns the chat and our last renewal is too old to be sure: refuse, retry soon. */
export class LeaseUnverifiableError extends Error {
  constructor(readonly chatId: string) {
    super(`cannot confirm this instance still owns chat ${chatId}: Redis is unreachable`);
    this.name = "LeaseUnverifiableError";
  }
}

export type AcquireResult = { ok: true } | { ok: false; reason: "owned"; owner: string; expiresInMs: number } | { ok: false; reason: "grace"; retryAfterMs: number };

export interface LeaseOptions {
  redis: FleetRedis;
  instanceId: string;
  /** The registry's incarnation token: a restarted process with the same id owns nothing. */
  token: string;
  /** Lease lifetime without renewal (default 10 s): a killed owner's chats move after this. */
  ttlMs?: number;
  /** Renewal interval (default ttl / 3). */
  renewEveryMs?: number;
  log?: FleetLog;
  /** A lease was lost (expired, or taken after a lapse): stop the chat's pi here. */
  onLost?: (chatId: string, owner: string | undefined) => void;
}

// Shared by the scripts below. KEYS[1] epoch, KEYS[2] grace; ARGV[1] epoch known to the caller
// ('' if none yet), ARGV[2] ttl, ARGV[3] a fresh epoch value in case it must be created.
const EPOCH = `local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[1], epoch)
  if ARGV[1] ~= '' then redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX') end
elseif ARGV[1] ~= '' and epoch ~= ARGV[1] then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX')
end`;

/** KEYS: epoch, grace, lease. ARGV: known, ttl, candidate, me. → {1, epoch} | {0, epoch, holder, pttl} | {2, epoch, '', grace pttl}. */
const ACQUIRE = new LuaScript(
  "acquire",
  `${EPOCH}
local cur = redis.call('GET', KEYS[3])
if cur == ARGV[4] then redis.call('PEXPIRE', KEYS[3], ARGV[2]) return {1, epoch} end
if cur then return {0, epoch, cur, redis.call('PTTL', KEYS[3])} end
local g = redis.call('PTTL', KEYS[2])
if g > 0 then return {2, epoch, '', g} end
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[2])
return {1, epoch}`,
);

/** KEYS: epoch, grace, lease… ARGV: known, ttl, candidate, me. → {epoch, per lease: 1 renewed | 2 reclaimed | 0 lost}. */
const RENEW = new LuaScript(
  "renew",
  `${EPOCH}
local grace = redis.call('PTTL', KEYS[2]) > 0
local out = {epoch}
for i = 3, #KEYS do
  local cur = redis.call('GET', KEYS[i])
  if cur == ARGV[4] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) out[#out + 1] = 1
  elseif (not cur) and grace then redis.call('SET', KEYS[i], ARGV[4], 'PX', ARGV[2]) out[#out + 1] = 2
  else out[#out + 1] = 0 end
end
return out`,
);

/** KEYS: lease. ARGV: me. Deletes the lease only if it is ours. */
const RELEASE = new LuaScript("release", `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

const RENEW_BATCH = 200;

export class Leases {
  private readonly me: string;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly log: FleetLog;
  /** Chats held, with the local time until which the lease is certainly still ours. */
  private readonly held = new Map<string, number>();
  private epoch = "";
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private readonly stopState: () => void;

  constructor(private readonly options: LeaseOptions) {
    this.me = `${options.instanceId}|${options.token}`;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.log = options.log ?? (() => undefined);
    // Right after a reconnect, renew at once: the lease may be close to expiry.
    this.stopState = options.redis.onState((s) => {
      if (s === "ok" && this.timer) void this.renew();
    });
  }

  get leaseTtlMs(): number {
    return this.ttlMs;
  }

  /** Chat ids this instance holds a lease for. */
  heldChats(): string[] {
    return [...this.held.keys()];
  }

  holds(chatId: string): boolean {
    return this.held.has(chatId);
  }

  /** Takes the lease if nobody holds it (or we already do). */
  async acquire(chatId: string): Promise<AcquireResult> {
    const { redis } = this.options;
    const sent = Date.now();
    const reply = await ACQUIRE.run(redis.client, [redis.key("epoch"), redis.key("grace"), this.leaseKey(chatId)], [this.epoch, this.ttlMs, freshEpoch(), this.me]);
    const [status, epoch, holder, pttl] = tuple(reply);
    this.epoch = String(epoch);
    if (status === "1") {
      this.held.set(chatId, this.validUntil(sent));
      return { ok: true };
    }
    if (status === "2") return { ok: false, reason: "grace", retryAfterMs: Number(pttl) };
    return { ok: false, reason: "owned", owner: ownerId(String(holder)) ?? "", expiresInMs: Number(pttl) };
  }

  /** Renews every held lease now (the timer calls this). Lost ones are dropped and reported. */
  renew(): Promise<void> {
    this.renewing ??= this.renewAll().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /** Hands a lease back (idle reclaim, stop, shutdown): another instance may take it at once. */
  async release(chatId: string): Promise<boolean> {
    this.held.delete(chatId);
    const { redis } = this.options;
    return Number(await RELEASE.run(redis.client, [this.leaseKey(chatId)], [this.me])) === 1;
  }

  async releaseAll(): Promise<void> {
    const ids = this.heldChats();
    await Promise.allSettled(ids.map((id) => this.release(id)));
  }

  /** The instance id holding the chat's lease, if any. */
  async owner(chatId: string): Promise<string | undefined> {
    const value = await this.options.redis.client.get(this.leaseKey(chatId));
    return value ? ownerId(value) : undefined;
  }

  /**
   * Before every write to pi. Asks Redis; when Redis is unreachable, trusts a lease renewed less
   * than one TTL ago (nobody can take it before it expires), and refuses after that.
   */
  async assertOwned(chatId: string): Promise<void> {
    let value: string | null;
    try {
      value = await this.options.redis.client.get(this.leaseKey(chatId));
    } catch (err) {
      const until = this.held.get(chatId);
      if (until !== undefined && Date.now() < until) return;
      this.log("warn", "lease unverifiable", { chatId, instanceId: this.options.instanceId, err: message(err) });
      throw new LeaseUnverifiableError(chatId);
    }
    if (value === this.me) return;
    this.drop(chatId, value ? ownerId(value) : undefined);
    throw new LeaseLostError(chatId, value ? ownerId(value) : undefined);
  }

  startRenewal(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew(), this.renewEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopState();
  }

  private async renewAll(): Promise<void> {
    const ids = this.heldChats();
    const { redis } = this.options;
    for (let i = 0; i < ids.length; i += RENEW_BATCH) {
      const batch = ids.slice(i, i + RENEW_BATCH);
      const sent = Date.now();
      let reply: unknown;
      try {
        reply = await RENEW.run(redis.client, [redis.key("epoch"), redis.key("grace"), ...batch.map((id) => this.leaseKey(id))], [this.epoch, this.ttlMs, freshEpoch(), this.me]);
      } catch (err) {
        this.log("debug", "lease renewal failed", { instanceId: this.options.instanceId, err: message(err) });
        return;
      }
      const [epoch, ...states] = tuple(reply);
      this.epoch = String(epoch);
      batch.forEach((id, k) => {
        if (!this.held.has(id)) return; // released meanwhile
        if (states[k] === "0") this.drop(id, undefined);
        else {
          if (states[k] === "2") this.log("info", "lease reclaimed after Redis lost its data", { chatId: id, instanceId: this.options.instanceId });
          this.held.set(id, this.validUntil(sent));
        }
      });
    }
  }

  private drop(chatId: string, owner: string | undefined): void {
    if (!this.held.delete(chatId)) return;
    this.log("warn", "lease lost", { chatId, instanceId: this.options.instanceId, owner });
    this.options.onLost?.(chatId, owner);
  }

  /** The lease set at `sent` lasts ttl in Redis; keep a margin for clock-rate drift and latency. */
  private validUntil(sent: number): number {
    return sent + this.ttlMs - Math.max(50, Math.floor(this.ttlMs / 50));
  }

  private leaseKey(chatId: string): string {
    return this.options.redis.key("lease", chatId);
  }
}

function freshEpoch(): string {
  return `${Date.now()}-${randomBytes(6).toString("hex")}`;
}

function ownerId(value: string): string | undefined {
  const bar = value.indexOf("|");
  return bar > 0 ? value.slice(0, bar) : undefined;
}

function tuple(reply: unknown): string[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected reply from Redis: ${String(reply)}`);
  return reply.map((v) => String(v));
}
