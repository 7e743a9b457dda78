// Request checks that stop other web pages from driving the agent: Host (DNS rebinding),
// Origin (cross-site requests), CORS (one pinned origin at most) and the response headers.
import type { IncomingMessage, ServerResponse } from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import type { ServerConfig } from "./config";

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}

export interface HostPort {
  name: string;
  port?: number;
}

/** Parses a Host header (`name`, `name:port`, `[v6]:port`); undefined when malformed. */
export function parseHostHeader(value: string | undefined): HostPort | undefined {
  if (!value || value.length > 300) return undefined;
  const v = value.trim().toLowerCase();
  let name: string;
  let rest: string;
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    if (end < 0) return undefined;
    name = v.slice(1, end);
    rest = v.slice(end + 1);
    if (!/^[0-9a-f:.]+$/.test(name)) return undefined;
  } else {
    const colon = v.lastIndexOf(":");
    name = colon >= 0 ? v.slice(0, colon) : v;
    rest = colon >= 0 ? v.slice(colon) : "";
    if (!/^[a-z0-9.-]+$/.test(name)) return undefined;
  }
  if (rest === "") return { name };
  if (!/^:\d{1,5}$/.test(rest)) return undefined;
  const port = Number(rest.slice(1));
  return port > 65535 ? undefined : { name, port };
}

const WILDCARDS = new Set(["0.0.0.0", "::", ""]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

/** Decides which Host headers name this server. */
export class HostPolicy {
  private boundPort = 0;
  private readonly names = new Set(["localhost", "127.0.0.1", "::1"]);
  /** Names and origins the server is reached through (VS Code port forwarding), added at run time. */
  private readonly forwardedNames = new Set<string>();
  private readonly forwardedOrigins = new Set<string>();

  constructor(private readonly config: ServerConfig) {
    const bound = config.host.toLowerCase().replace(/^\[|\]$/g, "");
    if (WILDCARDS.has(bound)) for (const a of localAddresses()) this.names.add(a);
    else this.names.add(bound);
  }

  setPort(port: number): void {
    this.boundPort = port;
  }

  allows(hostHeader: string | undefined): boolean {
    const parsed = parseHostHeader(hostHeader);
    if (!parsed) return false;
    for (const entry of this.config.allowedHosts) {
      const allowed = parseHostHeader(entry);
      if (allowed && allowed.name === parsed.name && (allowed.port === undefined || allowed.port === parsed.port)) return true;
    }
    if (this.forwardedNames.has(parsed.name)) return true;
    if (!this.names.has(parsed.name)) return false;
    // A loopback literal cannot be rebound by an attacker's DNS, and a forwarded port (Remote-SSH,
    // code-server's proxy) reaches us under another port number.
    if (LOOPBACK_NAMES.has(parsed.name)) return true;
    return (parsed.port ?? 80) === this.boundPort;
  }

  /** Accepts requests that arrive through `externalUrl` (from vscode.env.asExternalUri). */
  allowForwarded(externalUrl: string): void {
    let url: URL;
    try {
      url = new URL(externalUrl);
    } catch {
      return;
    }
    this.forwardedNames.add(url.hostname.toLowerCase().replace(/^\[|\]$/g, ""));
    this.forwardedOrigins.add(url.origin.toLowerCase());
  }

  /** An Origin is acceptable when it is this server as reached (same Host) or the pinned CORS origin. */
  originAllowed(origin: string, hostHeader: string | undefined): boolean {
    if (this.config.corsOrigin && origin === this.config.corsOrigin) return true;
    if (this.forwardedOrigins.has(origin.toLowerCase())) return true;
    if (!hostHeader) return false;
    const host = hostHeader.toLowerCase();
    return origin === `http://${host}` || origin === `https://${host}`;
  }

  /** True when the request comes from the pinned cross-origin site (CORS headers are due). */
  isCorsOrigin(origin: string | undefined): boolean {
    return !!origin && !!this.config.corsOrigin && origin === this.config.corsOrigin;
  }
}

export function setCorsHeaders(res: ServerResponse, origin: string, preflight: boolean): void {
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  if (preflight) {
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE");
    res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID");
    res.setHeader("Access-Control-Max-Age", "600");
  }
}

/** An address as a key: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as plain IPv4; undefined when not an IP. */
export function normalizeIp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(v);
  const ip = mapped ? mapped[1] : v;
  return net.isIP(ip) ? ip : undefined;
}

/**
 * The client's address. Behind `trustProxy` trusted proxies, each appended the address it saw to
 * X-Forwarded-For, so the client is that many entries from the right; everything further left
 * was written by the client itself (a forged entry there must not buy a fresh rate-limit budget).
 */
export function clientIp(req: IncomingMessage, trustProxy: number | boolean): string {
  const peer = normalizeIp(req.socket?.remoteAddress) ?? "unknown";
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  if (hops <= 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const entries = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return peer;
  // Fewer entries than trusted proxies: every entry was written by one of them; take the outermost.
  const seen = entries[Math.max(0, entries.length - hops)];
  return normalizeIp(seen) ?? peer;
}
