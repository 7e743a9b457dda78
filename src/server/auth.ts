// Who may use the API: a UI password (scrypt-compared, exchanged for a JWT), an API key, and
// one-time login tickets (exchanged for a JWT), all presented as `Authorization: Bearer …`;
// the event stream takes a short-lived stream token for its one chat instead (EventSource
// cannot send headers, and a URL ends up in proxy logs). With no credential configured and
// requireAuth off, no auth (loopback only).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type JwtClaims, newTokenId, signJwt, verifyJwt } from "./jwt";
import { PasswordCheck, ScryptQueue } from "./password";
import { LoginTickets } from "./tickets";
import { TokenState } from "./tokenState";

export { loadOrCreateJwtSecret } from "./dataDir";
export { type JwtClaims, signJwt, verifyJwt } from "./jwt";
export { LoginBusyError, PasswordCheck } from "./password";
export { LoginTickets } from "./tickets";

/** Equal-length digests first, so neither length nor content leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

export interface AuthOptions {
  apiKey?: string;
  uiPassword?: string;
  /** Signs and checks the JWTs from password and ticket logins, and stream tokens. */
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  /** Demand a credential even when no API key or password is configured. */
  requireAuth?: boolean;
  /** Lifetime of a login ticket (default 2 minutes). */
  loginTicketTtlMs?: number;
  /** Lifetime of a stream token (default 60 s). */
  streamTokenTtlMs?: number;
  /** Token version and revocations (default: in memory). */
  state?: TokenState;
  /** The check for uiPassword, when the state already made one (else one is made here). */
  password?: PasswordCheck;
  /** Runs the password checks (default: 2 at a time, 16 waiting). */
  queue?: ScryptQueue;
}

export interface TokenReply {
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** `via`: the id of the credential that passed (a JWT's jti, "api-key" or "anonymous"). */
export type AuthResult = { ok: true; subject: "api-key" | "ui" | "anonymous"; via: string; expiresAt?: number } | { ok: false; reason: string };

/** Stream tokens already used, until they expire (single use). Past the bound, fail closed. */
const MAX_SPENT_STREAM_TOKENS = 50_000;

export class Authenticator {
  private readonly password: PasswordCheck | undefined;
  private readonly tickets: LoginTickets;
  private readonly state: TokenState;
  private readonly spent = new Map<string, number>();

  constructor(private readonly options: AuthOptions) {
    const queue = options.queue ?? new ScryptQueue(2, 16);
    this.password = options.password ?? (options.uiPassword ? PasswordCheck.create(options.uiPassword, queue) : undefined);
    this.tickets = new LoginTickets(options.loginTicketTtlMs ?? 2 * 60_000);
    this.state = options.state ?? TokenState.inMemory();
  }

  get required(): boolean {
    return !!(this.options.apiKey || this.password || this.options.requireAuth);
  }

  get passwordLogin(): boolean {
    return !!this.password;
  }

  get apiKeyLogin(): boolean {
    return !!this.options.apiKey;
  }

  private sign(sub: string, nowSeconds: number, ttlSeconds: number, extra: Partial<JwtClaims> = {}): TokenReply {
    const exp = nowSeconds + ttlSeconds;
    const claims: JwtClaims = { sub, iat: nowSeconds, exp, jti: newTokenId(), ver: this.state.version, ...extra };
    return { token: signJwt(claims, this.options.jwtSecret), expiresAt: exp };
  }

  /** A token for the password, or undefined when it is wrong (or password login is off). Throws LoginBusyError. */
  async login(password: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<TokenReply | undefined> {
    if (!this.password || !(await this.password.matches(password))) return undefined;
    return this.sign("ui", nowSeconds, this.options.jwtExpiresInSeconds);
  }

  /** A random single-use ticket that /auth/ticket exchanges for a token (a login link). */
  issueTicket(nowMs = Date.now()): string {
    return this.tickets.issue(nowMs);
  }

  /** A token for a live ticket (spending it), or undefined when it is unknown, used or expired. */
  redeemTicket(ticket: string, nowMs = Date.now()): TokenReply | undefined {
    if (!this.tickets.redeem(ticket, nowMs)) return undefined;
    return this.sign("ticket", Math.floor(nowMs / 1000), this.options.jwtExpiresInSeconds);
  }

  /** Checks a bearer credential (an API key or a sign-in JWT; never a stream token). */
  check(bearer: string | undefined): AuthResult {
    if (!this.required) return { ok: true, subject: "anonymous", via: "anonymous" };
    if (!bearer) return { ok: false, reason: "Authentication required: send Authorization: Bearer <token or API key>." };
    if (this.options.apiKey && constantTimeEqual(bearer, this.options.apiKey)) return { ok: true, subject: "api-key", via: "api-key" };
    const claims = verifyJwt(bearer, this.options.jwtSecret);
    if (claims && (claims.sub === "ui" || claims.sub === "ticket") && this.live(claims)) return { ok: true, subject: "ui", via: claims.jti as string, expiresAt: claims.exp };
    return { ok: false, reason: "The token or API key is invalid, expired or signed out." };
  }

  /** Signed under the current version, with an id that was not signed out. */
  private live(claims: JwtClaims): boolean {
    return claims.ver === this.state.version && typeof claims.jti === "string" && !this.state.isRevoked(claims.jti);
  }

  /** Signs a token out until it would have expired; "renewed" when that took a new token version. */
  revoke(result: AuthResult & { ok: true }): "revoked" | "renewed" {
    if (result.expiresAt === undefined) throw new Error("only sign-in tokens can be revoked");
    return this.state.revoke(result.via, result.expiresAt) ? "renewed" : "revoked";
  }

  /** A token that opens `chatId`'s event stream once, within streamTokenTtlMs, for whoever `via` signed in. */
  issueStreamToken(chatId: string, via: AuthResult & { ok: true }, nowMs = Date.now()): TokenReply {
    // Rounded down to whole seconds: a stream token never lives longer than asked.
    const now = Math.floor(nowMs / 1000);
    const ttl = Math.max(1, Math.floor((nowMs + (this.options.streamTokenTtlMs ?? 60_000)) / 1000) - now);
    return this.sign("stream", now, ttl, { chat: chatId, via: via.via });
  }

  /** Whether `token` opens `chatId`'s stream now; spends it. */
  redeemStreamToken(token: string, chatId: string, nowMs = Date.now()): boolean {
    const now = Math.floor(nowMs / 1000);
    const c = verifyJwt(token, this.options.jwtSecret, now);
    if (c?.sub !== "stream" || c.chat !== chatId || !this.live(c) || !c.via) return false;
    // The credential that minted it must still be good: a signed-out token's stream tokens die with it.
    if (c.via !== "api-key" && c.via !== "anonymous" && this.state.isRevoked(c.via)) return false;
    if (c.via === "api-key" && !this.options.apiKey) return false;
    // One lifetime for all: insertion order is expiry order.
    for (const [id, exp] of this.spent) {
      if (exp > now) break;
      this.spent.delete(id);
    }
    const id = c.jti as string;
    if (this.spent.has(id) || this.spent.size >= MAX_SPENT_STREAM_TOKENS) return false;
    this.spent.set(id, c.exp);
    return true;
  }
}

/** The credential from `Authorization: Bearer x`; undefined when absent or malformed. */
export function bearerFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header.trim());
  return m ? m[1] : undefined;
}

/** A random JWT secret that dies with the process (no file: nothing to protect on disk). */
export function ephemeralSecret(): string {
  return randomBytes(48).toString("base64url");
}
