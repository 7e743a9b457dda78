// Server settings from the environment and the command line, with safe defaults
// (loopback bind, no cross-origin access, small bodies). No `vscode` import.
import * as os from "node:os";
import * as path from "node:path";

export type BashApproval = "ask" | "allowList" | "never-ask";

export interface ServerConfig {
  host: string;
  port: number;
  apiKey?: string;
  uiPassword?: string;
  jwtSecret?: string;
  jwtExpiresInSeconds: number;
  /**
   * Every authed route needs a credential even on loopback with no API_KEY/UI_PASSWORD. VS Code
   * starts its server this way: other local users and processes must not drive the agent, and
   * its browser page signs in with a one-time login ticket instead.
   */
  requireAuth: boolean;
  /** How long a login ticket (PiServer.issueLoginTicket) may wait to be exchanged. */
  loginTicketTtlMs: number;
  /** How long a stream token (POST /auth/stream-token) may wait to open its chat's event stream. */
  streamTokenTtlMs: number;
  /**
   * How many reverse proxies in front are trusted to append the client's address to
   * X-Forwarded-For (TRUST_PROXY: true = 1, a number, 0 = none). The client is the address the
   * outermost trusted proxy saw: that many entries from the right, never the client-written left.
   */
  trustProxy: number;
  /** The one cross-origin site allowed to call the API (exact origin, e.g. https://pi.lan). */
  corsOrigin?: string;
  /** Extra Host header values accepted (reverse-proxy hostnames), `name` or `name:port`. */
  allowedHosts: string[];
  /** Per client address and minute: password/ticket attempts, and (separately) wrong bearer credentials. */
  rateLimitLoginMax: number;
  /** Password checks (scrypt, off the event loop) run at once, and how many more may wait; past that, 503. */
  loginConcurrency: number;
  loginQueueMax: number;
  /** Open connections in all and per client address (MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP); past them, 503. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** Open event streams in all and per client address (MAX_STREAMS, MAX_STREAMS_PER_IP); past them, 503. */
  maxStreams: number;
  maxStreamsPerIp: number;
  /** A connection that sends no request within this long is closed (it would hold a slot). */
  firstRequestTimeoutMs: number;
  logLevel: string;
  /** Holds the generated JWT secret (mode 0600) and the demo agent dir. */
  dataDir: string;
  bodyLimitBytes: number;
  heartbeatMs: number;
  /** Batches kept per session for Last-Event-ID replay (and a byte cap on them). */
  replayBatches: number;
  replayBytes: number;
  /** A client whose unsent SSE data exceeds this is dropped (it reconnects with Last-Event-ID). */
  clientBufferBytes: number;
  bashApproval: BashApproval;
  bashAllow: string[];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number (got "${raw}").`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max} (got ${value}).`);
  return value;
}

/** TRUST_PROXY: unset/false/0 = no proxy, true = one, or how many proxies are in front (up to 10). */
function proxyHops(raw: string | undefined): number {
  const v = raw?.trim().toLowerCase() ?? "";
  if (v === "" || v === "false") return 0;
  if (v === "true") return 1;
  if (/^\d{1,2}$/.test(v) && Number(v) <= 10) return Number(v);
  throw new ConfigError(`TRUST_PROXY must be true, false or the number of proxies in front (0–10), not "${raw}".`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== "" ? value : undefined;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(env.PI_VSCODE_SERVER_DATA_DIR) ?? path.join(os.homedir(), ".pi-vscode-server");
}

/** Reads the environment; `overrides` (from the CLI) win. Throws ConfigError on bad values. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const bash = nonEmpty(env.BASH_APPROVAL) ?? "ask";
  if (bash !== "ask" && bash !== "allowList" && bash !== "never-ask") throw new ConfigError(`BASH_APPROVAL must be ask, allowList or never-ask (got "${bash}").`);
  const corsOrigin = nonEmpty(env.CORS_ORIGIN);
  if (corsOrigin !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(corsOrigin);
    } catch {
      throw new ConfigError(`CORS_ORIGIN must be an origin like https://pi.example.lan (got "${corsOrigin}").`);
    }
    if (parsed.origin !== corsOrigin.replace(/\/$/, "") || corsOrigin === "*") throw new ConfigError(`CORS_ORIGIN must be one exact origin (scheme://host[:port]), not "${corsOrigin}".`);
  }
  const config: ServerConfig = {
    host: nonEmpty(env.HOST) ?? "127.0.0.1",
    port: int(env, "PORT", 3000, 0, 65535),
    apiKey: nonEmpty(env.API_KEY),
    uiPassword: nonEmpty(env.UI_PASSWORD),
    jwtSecret: nonEmpty(env.JWT_SECRET),
    jwtExpiresInSeconds: int(env, "JWT_EXPIRES_IN_SECONDS", 7 * 24 * 3600, 1, 365 * 24 * 3600),
    requireAuth: false,
    loginTicketTtlMs: 2 * 60_000,
    streamTokenTtlMs: 60_000,
    trustProxy: proxyHops(env.TRUST_PROXY),
    corsOrigin: corsOrigin?.replace(/\/$/, ""),
    allowedHosts: (env.ALLOWED_HOSTS ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean),
    rateLimitLoginMax: int(env, "RATE_LIMIT_LOGIN_MAX", 10, 1, 1_000_000),
    loginConcurrency: 1,
    loginQueueMax: 16,
    maxConnections: int(env, "MAX_CONNECTIONS", 1024, 1, 1_000_000),
    maxConnectionsPerIp: int(env, "MAX_CONNECTIONS_PER_IP", 128, 1, 1_000_000),
    maxStreams: int(env, "MAX_STREAMS", 512, 1, 1_000_000),
    maxStreamsPerIp: int(env, "MAX_STREAMS_PER_IP", 64, 1, 1_000_000),
    firstRequestTimeoutMs: 20_000,
    logLevel: nonEmpty(env.LOG_LEVEL) ?? "info",
    dataDir: defaultDataDir(env),
    bodyLimitBytes: 1024 * 1024,
    heartbeatMs: 15_000,
    replayBatches: 2000,
    replayBytes: 16 * 1024 * 1024,
    clientBufferBytes: 8 * 1024 * 1024,
    bashApproval: bash,
    bashAllow: (env.BASH_ALLOW ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  };
  const merged = { ...config, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as ServerConfig;
  if (merged.apiKey !== undefined && merged.apiKey.length < 16) throw new ConfigError("API_KEY must be at least 16 characters.");
  if (merged.jwtSecret !== undefined && merged.jwtSecret.length < 32) throw new ConfigError("JWT_SECRET must be at least 32 characters.");
  return merged;
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/** The refusal message when the bind is unsafe, else undefined. */
export function unsafeBindReason(config: ServerConfig): string | undefined {
  if (isLoopbackHost(config.host)) return undefined;
  if (config.apiKey || config.uiPassword) return undefined;
  return (
    `Refusing to listen on ${config.host}: that address is reachable from other machines, and anyone who reaches ` +
    `this server can run commands through the agent. Set API_KEY and/or UI_PASSWORD, or bind to 127.0.0.1 (the default).`
  );
}

/** The config as it may appear in logs. */
export function redactedConfig(config: ServerConfig): Record<string, unknown> {
  return {
    ...config,
    apiKey: config.apiKey ? "[set]" : undefined,
    uiPassword: config.uiPassword ? "[set]" : undefined,
    jwtSecret: config.jwtSecret ? "[set]" : undefined,
  };
}
