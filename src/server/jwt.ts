// HS256 JWTs, signed and checked by this server only (no library: one algorithm, one header).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const JWT_HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

export interface JwtClaims {
  /** "ui" (password login), "ticket" (login link) or "stream" (one event stream). */
  sub: string;
  iat: number;
  exp: number;
  /** Token id: what logout revokes. */
  jti?: string;
  /** The token version it was signed under (bumped when UI_PASSWORD changes). */
  ver?: number;
  /** Stream tokens: the chat whose events they open, and the token id that minted them. */
  chat?: string;
  via?: string;
}

export function newTokenId(): string {
  return randomBytes(16).toString("base64url");
}

export function signJwt(claims: JwtClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", secret).update(`${JWT_HEADER}.${payload}`).digest("base64url");
  return `${JWT_HEADER}.${payload}.${signature}`;
}

const OPTIONAL = { jti: "string", ver: "number", chat: "string", via: "string" } as const;

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
  const out: JwtClaims = { sub: c.sub, iat: c.iat, exp: c.exp };
  for (const [key, type] of Object.entries(OPTIONAL) as Array<[keyof typeof OPTIONAL, string]>) {
    if (c[key] === undefined) continue;
    if (typeof c[key] !== type) return undefined;
    (out as unknown as Record<string, unknown>)[key] = c[key];
  }
  return out;
}
