// Who may use the API: a UI password (scrypt-compared, exchanged for a JWT), an API key, and
// one-time login tickets (exchanged for a JWT), all presented as `Authorization: Bearer …`.
// With no credential configured and requireAuth off, no auth (loopback only).
import { createHash, createHmac, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const JWT_HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

export interface JwtClaims {
  sub: string;
  iat: number;
  exp: number;
}

export function signJwt(claims: JwtClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", secret).update(`${JWT_HEADER}.${payload}`).digest("base64url");
  return `${JWT_HEADER}.${payload}.${signature}`;
}

/** Verifies an HS256 token: exact header, constant-time signature, unexpired. Undefined when invalid. */
export function verifyJwt(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): JwtClaims | undefined {
  if (token.length > 4096) return undefined;
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts;
  if (header !== JWT_HEADER) return undefined; // only HS256 — "alg":"none" and friends never get this far
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof claims !== "object" || claims === null) return undefined;
  const c = claims as Record<string, unknown>;
  if (typeof c.sub !== "string" || typeof c.iat !== "number" || typeof c.exp !== "number") return undefined;
  if (c.exp <= nowSeconds) return undefined;
  return { sub: c.sub, iat: c.iat, exp: c.exp };
}

/** JWT_SECRET, else a secret generated once and kept in the data dir (mode 0600). */
export function loadOrCreateJwtSecret(dataDir: string, configured?: string): string {
  if (configured) return configured;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, "jwt-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const secret = randomBytes(48).toString("base64url");
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return secret;
}

/** Equal-length digests first, so neither length nor content leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

const SCRYPT_KEYLEN = 32;

/** Holds the UI password only as a salted scrypt hash. */
export class PasswordCheck {
  private readonly salt = randomBytes(16);
  private readonly hash: Buffer;

  constructor(password: string) {
    this.hash = scryptSync(password, this.salt, SCRYPT_KEYLEN);
  }

  matches(candidate: string): boolean {
    if (candidate.length > 1024) return false;
    return timingSafeEqual(scryptSync(candidate, this.salt, SCRYPT_KEYLEN), this.hash);
  }
}

/**
 * Single-use login tickets, valid for a short time. Only their SHA-256 is kept, so a lookup's
 * timing reveals nothing about a live ticket. Bounded: the oldest are dropped past `max`.
 */
export class LoginTickets {
  private readonly live = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 100,
  ) {}

  issue(nowMs = Date.now()): string {
    this.sweep(nowMs);
    while (this.live.size >= this.max) this.live.delete(this.live.keys().next().value as string);
    const ticket = randomBytes(32).toString("base64url");
    this.live.set(digest(ticket), nowMs + this.ttlMs);
    return ticket;
  }

  /** True once per issued, unexpired ticket; the ticket is spent either way. */
  redeem(ticket: string, nowMs = Date.now()): boolean {
    if (ticket.length > 200) return false;
    const key = digest(ticket);
    const expiresAt = this.live.get(key);
    this.live.delete(key);
    return expiresAt !== undefined && nowMs < expiresAt;
  }

  get size(): number {
    return this.live.size;
  }

  private sweep(nowMs: number): void {
    for (const [k, exp] of this.live) if (exp <= nowMs) this.live.delete(k);
  }
}

function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export interface AuthOptions {
  apiKey?: string;
  uiPassword?: string;
  /** Signs and checks the JWTs from password and ticket logins. */
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  /** Demand a credential even when no API key or password is configured. */
  requireAuth?: boolean;
  /** Lifetime of a login ticket (default 2 minutes). */
  loginTicketTtlMs?: number;
}

export type AuthResult = { ok: true; subject: "api-key" | "ui" | "anonymous" } | { ok: false; reason: string };

export class Authenticator {
  private readonly password: PasswordCheck | undefined;
  private readonly tickets: LoginTickets;

  constructor(private readonly options: AuthOptions) {
    this.password = options.uiPassword ? new PasswordCheck(options.uiPassword) : undefined;
    this.tickets = new LoginTickets(options.loginTicketTtlMs ?? 2 * 60_000);
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

  /** A token for the password, or undefined when it is wrong (or password login is off). */
  login(password: string, nowSeconds = Math.floor(Date.now() / 1000)): { token: string; expiresAt: number } | undefined {
    if (!this.password?.matches(password)) return undefined;
    const exp = nowSeconds + this.options.jwtExpiresInSeconds;
    return { token: signJwt({ sub: "ui", iat: nowSeconds, exp }, this.options.jwtSecret), expiresAt: exp };
  }

  /** A random single-use ticket that /auth/ticket exchanges for a token (a login link from VS Code). */
  issueTicket(nowMs = Date.now()): string {
    return this.tickets.issue(nowMs);
  }

  /** A token for a live ticket (spending it), or undefined when it is unknown, used or expired. */
  redeemTicket(ticket: string, nowMs = Date.now()): { token: string; expiresAt: number } | undefined {
    if (!this.tickets.redeem(ticket, nowMs)) return undefined;
    const now = Math.floor(nowMs / 1000);
    const exp = now + this.options.jwtExpiresInSeconds;
    return { token: signJwt({ sub: "ticket", iat: now, exp }, this.options.jwtSecret), expiresAt: exp };
  }

  /** Checks a bearer credential (an API key or a JWT from login). */
  check(bearer: string | undefined): AuthResult {
    if (!this.required) return { ok: true, subject: "anonymous" };
    if (!bearer) return { ok: false, reason: "Authentication required: send Authorization: Bearer <token or API key>." };
    if (this.options.apiKey && constantTimeEqual(bearer, this.options.apiKey)) return { ok: true, subject: "api-key" };
    // Only this server mints JWTs (password or ticket login), so any valid one is a signed-in browser.
    if (verifyJwt(bearer, this.options.jwtSecret)) return { ok: true, subject: "ui" };
    return { ok: false, reason: "The token or API key is invalid or expired." };
  }
}

/** The credential from `Authorization: Bearer x`; undefined when absent or malformed. */
export function bearerFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header.trim());
  return m ? m[1] : undefined;
}
