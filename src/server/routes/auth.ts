// Signing in: a password, a one-time ticket (VS Code's "Open Chat in Browser"), or the API key
// itself; /auth/status tells the page which of these the server offers.
import type { IncomingMessage } from "node:http";
import { AUTH_PATHS } from "../../protocol/serverPaths";
import { HttpError, objectBody, sendJson } from "../http";
import { clientIp } from "../security";
import { apiRoute, type Route, type RouteDeps } from "./route";

export function authRoutes(deps: RouteDeps): Route[] {
  const { auth, config } = deps;
  /** Password and ticket attempts share one budget per client address. */
  const limitLogins = (req: IncomingMessage) => {
    const limit = deps.loginLimiter.hit(clientIp(req, config.trustProxy));
    if (!limit.allowed) {
      throw new HttpError(429, "rate_limited", "Too many login attempts; try again later.", { "Retry-After": String(limit.retryAfterSeconds) });
    }
  };
  const secretField = (body: unknown, field: string, max: number): string => {
    const value = objectBody(body)[field];
    if (typeof value !== "string" || value.length === 0 || value.length > max) throw new HttpError(400, "invalid_body", `"${field}" must be a non-empty string.`);
    return value;
  };

  return [
    apiRoute("POST", AUTH_PATHS.login, { auth: false }, ({ req, res, body }) => {
      limitLogins(req);
      if (!auth.passwordLogin) throw new HttpError(400, "login_disabled", "Password login is not enabled on this server (UI_PASSWORD is not set).");
      const result = auth.login(secretField(body, "password", 1024));
      if (!result) {
        deps.log("warn", "failed login", { ip: clientIp(req, config.trustProxy) });
        throw new HttpError(401, "invalid_credentials", "Wrong password.");
      }
      sendJson(res, 200, { token: result.token, expiresAt: result.expiresAt });
    }),

    // A one-time ticket (from PiServer.issueLoginTicket) for a token. It travels in the page's
    // #fragment and this body, never in a URL the server logs.
    apiRoute("POST", AUTH_PATHS.ticket, { auth: false }, ({ req, res, body }) => {
      limitLogins(req);
      const result = auth.redeemTicket(secretField(body, "ticket", 200));
      if (!result) {
        deps.log("warn", "login ticket refused", { ip: clientIp(req, config.trustProxy) });
        throw new HttpError(401, "invalid_ticket", "This login link was already used or has expired; open a new one from VS Code.");
      }
      sendJson(res, 200, { token: result.token, expiresAt: result.expiresAt });
    }),

    apiRoute("GET", AUTH_PATHS.status, { auth: false }, ({ req, res }) => {
      const header = req.headers.authorization;
      const bearer = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
      sendJson(res, 200, {
        authRequired: auth.required,
        authenticated: auth.check(bearer).ok,
        methods: { password: auth.passwordLogin, apiKey: auth.apiKeyLogin },
      });
    }),
  ];
}
