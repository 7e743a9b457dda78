// Every credential check of a request goes through here: the bearer (Authorization header) and,
// for an event stream, the stream token in its URL. A wrong credential counts against the
// client's address; past the budget every check from it is 429, the right credential too, so
// a guesser never learns which guess was right.
import type { IncomingMessage } from "node:http";
import { type AuthResult, Authenticator, bearerFrom, ephemeralSecret } from "./auth";
import type { ServerConfig } from "./config";
import { loadOrCreateJwtSecret } from "./dataDir";
import { HttpError } from "./http";
import { ScryptQueue } from "./password";
import type { RateLimiter } from "./rateLimit";
import { TokenState } from "./tokenState";

/** The server's Authenticator: its secret, token state and password check from the config and data dir. */
export function createAuthenticator(config: ServerConfig): Authenticator {
  const queue = new ScryptQueue(config.loginConcurrency, config.loginQueueMax);
  // A password login's token outlives a restart (persisted secret), as does one signed with
  // JWT_SECRET: so must its version and revocations. Without either only tickets mint tokens,
  // and a secret that dies with the process is enough (and leaves no file).
  const persistent = !!config.uiPassword || !!config.jwtSecret;
  const jwtSecret = config.uiPassword ? loadOrCreateJwtSecret(config.dataDir, config.jwtSecret) : (config.jwtSecret ?? ephemeralSecret());
  const { state, password } = persistent ? TokenState.open(config.dataDir, config.uiPassword, queue) : { state: TokenState.inMemory(), password: undefined };
  return new Authenticator({
    apiKey: config.apiKey,
    uiPassword: config.uiPassword,
    jwtSecret,
    jwtExpiresInSeconds: config.jwtExpiresInSeconds,
    requireAuth: config.requireAuth,
    loginTicketTtlMs: config.loginTicketTtlMs,
    streamTokenTtlMs: config.streamTokenTtlMs,
    state,
    password,
    queue,
  });
}

const unauthorized = (reason: string) => new HttpError(401, "unauthorized", reason, { "WWW-Authenticate": 'Bearer realm="pi"' });

export class AuthGate {
  constructor(
    readonly auth: Authenticator,
    private readonly failures: RateLimiter,
  ) {}

  private guard(ip: string): void {
    const limit = this.failures.peek(ip);
    if (!limit.allowed)
      throw new HttpError(429, "rate_limited", "Too many wrong credentials from this address; try again later.", { "Retry-After": String(limit.retryAfterSeconds) });
  }

  /** The Authorization header's credential, checked. An absent header is no guess and costs nothing. */
  check(req: IncomingMessage, ip: string): AuthResult {
    const header = req.headers.authorization;
    if (header === undefined || !this.auth.required) return this.auth.check(bearerFrom(header));
    this.guard(ip);
    const result = this.auth.check(bearerFrom(header));
    if (!result.ok) this.failures.hit(ip);
    return result;
  }

  /** check(), or 401 when it fails. */
  require(req: IncomingMessage, ip: string): AuthResult & { ok: true } {
    const result = this.check(req, ip);
    if (!result.ok) throw unauthorized(result.reason);
    return result;
  }

  /**
   * A route's own check, before its handler. An event stream also opens with `?stream_token=`
   * for its chat (EventSource cannot send headers); a session token in the URL never counts.
   */
  authorize(req: IncomingMessage, ip: string, stream: { chatId: string; query: URLSearchParams } | undefined): void {
    if (!stream || req.headers.authorization !== undefined || !this.auth.required) {
      this.require(req, ip);
      return;
    }
    const token = stream.query.get("stream_token");
    if (!token) throw unauthorized("Open the event stream with ?stream_token= from POST /api/v1/auth/stream-token, or send Authorization: Bearer.");
    this.guard(ip);
    if (!this.auth.redeemStreamToken(token, stream.chatId)) {
      this.failures.hit(ip);
      throw unauthorized("The stream token is invalid, expired, already used or for another chat; ask for a new one.");
    }
  }
}
