// Fleet mode's settings from the environment. Fleet mode is on exactly when REDIS_URL is set;
// then INSTANCE_URL and FLEET_SECRET are required (a fleet without them could not forward),
// and every mistake is one ConfigError naming the variable.
import * as os from "node:os";
import { ConfigError } from "../config";

export interface FleetConfig {
  redisUrl: string;
  /** Namespaces the fleet's keys in Redis (REDIS_PREFIX, default "pi-fleet:"). */
  keyPrefix: string;
  instanceId: string;
  instanceUrl: string;
  fleetSecret: string;
  /** A chat's lease lifetime: a killed owner's chats move after this (LEASE_MS, default 10 s). */
  leaseMs: number;
  /** pi processes on this instance (MAX_PROCESSES) and in the fleet (MAX_PROCESSES_FLEET); 0 = no cap. */
  instanceCap: number;
  globalCap: number;
  /** Events kept per chat stream (STREAM_MAXLEN, default 2000 like the single server's replay buffer). */
  streamMaxLen: number;
  /** Pause between stream reads that returned entries (STREAM_READ_COALESCE_MS, default 5): fewer XREADs under load. */
  readCoalesceMs: number;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number (got "${raw}").`);
  const v = Number(raw);
  if (v < min || v > max) throw new ConfigError(`${name} must be between ${min} and ${max} (got ${v}).`);
  return v;
}

/** Undefined without REDIS_URL (single-instance mode, as before); else the checked settings. */
export function fleetConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FleetConfig | undefined {
  const redisUrl = env.REDIS_URL?.trim();
  if (!redisUrl) return undefined;
  if (!/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (got "${redisUrl.replace(/:[^:@/]*@/, ":***@")}").`);
  const instanceId = env.INSTANCE_ID?.trim() || os.hostname();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(instanceId)) throw new ConfigError(`INSTANCE_ID must be 1–64 letters, digits, ".", "_" or "-" (got "${instanceId}").`);
  const instanceUrl = env.INSTANCE_URL?.trim();
  if (!instanceUrl) throw new ConfigError("INSTANCE_URL is required with REDIS_URL: the URL other instances reach this one at (e.g. http://10.0.0.5:3000).");
  let parsed: URL;
  try {
    parsed = new URL(instanceUrl);
  } catch {
    throw new ConfigError(`INSTANCE_URL must be a URL like http://10.0.0.5:3000 (got "${instanceUrl}").`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ConfigError(`INSTANCE_URL must be http:// or https:// (got "${instanceUrl}").`);
  const fleetSecret = env.FLEET_SECRET ?? "";
  if (fleetSecret.length < 32) throw new ConfigError("FLEET_SECRET must be set to the same 32+ characters on every instance: it authenticates requests between them.");
  return {
    redisUrl,
    keyPrefix: env.REDIS_PREFIX?.trim() || "pi-fleet:",
    instanceId,
    instanceUrl: instanceUrl.replace(/\/$/, ""),
    fleetSecret,
    leaseMs: whole(env, "LEASE_MS", 10_000, 1_000, 300_000),
    instanceCap: whole(env, "MAX_PROCESSES", 8, 0, 100_000),
    globalCap: whole(env, "MAX_PROCESSES_FLEET", 0, 0, 1_000_000),
    streamMaxLen: whole(env, "STREAM_MAXLEN", 2000, 10, 1_000_000),
    readCoalesceMs: whole(env, "STREAM_READ_COALESCE_MS", 5, 0, 1_000),
  };
}
