// Signing in and out: a password, a one-time ticket (a link from VS Code or the CLI), or the API
// key itself; /auth/status tells the page which of these the server offers; a stream token opens
// one chat's event stream; logout ends a token.
import type { IncomingMessage } from "node:http";
import { AUTH_PATHS } from "../../protocol/serverPaths";
import { LoginBusyError, type TokenReply } from "../auth";
import { HttpError, objectBody, sendJson } from "../http";
import { clientIp } from "../security";
import { apiRoute, type Route, type RouteDeps } from "./route";

export function authRoutes(deps: RouteDeps): Route[] {
  const { auth, config, gate } = deps;
  const ipOf = (req: IncomingMessage) => clientIp(req, config.trustProxy);
  /** Password and ticket attempts share one budget per client address. */
  const limitLogins = (req: IncomingMessage) => {
    const limit = deps.loginLimiter.hit(ipOf(req));
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
    apiRoute("POST", AUTH_PATHS.login, { auth: false }, async ({ req, res, body }) => {
      limitLogins(req);
      if (!auth.passwordLogin) throw new HttpError(400, "login_disabled", "Password login is not enabled on this server (UI_PASSWORD is not set).");
      let result: TokenReply | undefined;
      try {
        result = await auth.login(secretField(body, "password", 1024));
      } catch (err) {
        if (err instanceof LoginBusyError) throw new HttpError(503, "login_busy", err.message, { "Retry-After": "2" });
        throw err;
      }
      if (!result) {
        deps.log("warn", "failed login", { ip: ipOf(req) });
        throw new HttpError(401, "invalid_credentials", "Wrong password.");
      }
      sendJson(res, 200, result);
    }),

    // A one-time ticket (from PiServer.issueLoginTicket) for a token. It travels in the page's
    // #fragment and this body, never in a URL the server logs.
    apiRoute("POST", AUTH_PATHS.ticket, { auth: false }, ({ req, res, body }) => {
      limitLogins(req);
      const result = auth.redeemTicket(secretField(body, "ticket", 200));
      if (!result) {
        deps.log("warn", "login ticket refused", { ip: ipOf(req) });
        throw new HttpError(401, "invalid_ticket", "This login link was already used or has expired; open a new one from VS Code.");
      }
      sendJson(res, 200, result);
    }),

    apiRoute("GET", AUTH_PATHS.status, { auth: false }, ({ req, res }) => {
      sendJson(res, 200, {
        authRequired: auth.required,
        authenticated: gate.check(req, ipOf(req)).ok,
        methods: { password: auth.passwordLogin, apiKey: auth.apiKeyLogin },
      });
    }),

    // Ends the presented sign-in token (until it would have expired, across restarts).
    apiRoute("POST", AUTH_PATHS.logout, { auth: false, body: false }, ({ req, res }) => {
      const who = gate.require(req, ipOf(req));
      if (who.expiresAt === undefined) {
        throw new HttpError(400, "not_revocable", who.subject === "api-key" ? "An API key cannot be signed out: change API_KEY to revoke it." : "This server signs nobody in.");
      }
      if (auth.revoke(who) === "renewed") deps.log("warn", "too many signed-out tokens: every sign-in was ended (new token version)");
      deps.log("info", "signed out", { ip: ipOf(req) });
      sendJson(res, 200, {});
    }),

    // EventSource cannot send headers, and a URL lands in proxy logs: the page trades its token
    // for one that opens this chat's stream once, within a minute.
    apiRoute("POST", AUTH_PATHS.streamToken, { auth: false }, ({ req, res, body }) => {
      const who = gate.require(req, ipOf(req));
      const chatId = objectBody(body).chatId;
      if (typeof chatId !== "string" || chatId.length === 0 || chatId.length > 200) throw new HttpError(400, "invalid_body", '"chatId" must be a chat id.');
      if (!deps.host.get(chatId)) throw new HttpError(404, "not_found", `No live chat with id "${chatId.slice(0, 100)}".`);
      sendJson(res, 200, auth.issueStreamToken(chatId, who));
    }),
  ];
}
