// The REST + SSE API under /api/v1 and the static page. Each route says whether it needs
// auth and a JSON body; the server (httpServer.ts) does the checks before calling it.
import * as fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as path from "node:path";
import type { Chat } from "../host/chat";
import type { ChatHost } from "../host/chatHost";
import { agentDirFrom, listPiSessions } from "../host/piSessionFiles";
import { FileSearch } from "../host/workspaceFiles";
import { base64Length, MAX_IMAGE_BYTES, MAX_IMAGES } from "../protocol/images";
import { MAX_FILE_QUERY, MAX_PROMPT_CHARS, parseDialogAnswer, parsePromptImages, ProtocolError } from "../protocol/validate";
import type { Authenticator } from "./auth";
import type { ServerConfig } from "./config";
import { HttpError, objectBody, sendEmpty, sendJson, stringField } from "./http";
import type { RateLimiter } from "./rateLimit";
import { clientIp } from "./security";
import { parseLastEventId, type SseHub } from "./sseHub";

export const API_PREFIX = "/api/v1";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  body: unknown;
}

export interface RouteDeps {
  host: ChatHost;
  workspace: string;
  config: ServerConfig;
  auth: Authenticator;
  hub: SseHub;
  loginLimiter: RateLimiter;
  /** Extra environment for sessions this server creates (e.g. the demo agent dir). */
  sessionEnv?: NodeJS.ProcessEnv;
  assetsRoot: string | undefined;
  isShuttingDown(): boolean;
  /** False when the sessions belong to someone else (VS Code): DELETE only what we created. */
  ownsSessions?: boolean;
  log(level: "debug" | "info" | "warn" | "error", message: string, extra?: Record<string, unknown>): void;
}

export type HttpMethod = "GET" | "POST" | "DELETE";

export interface Route {
  method: HttpMethod;
  path: string;
  /** Needs a valid credential when the server has any configured. */
  auth: boolean;
  /** Reads a JSON body first. */
  body: boolean;
  /** A long-lived stream (no socket timeout). */
  stream?: boolean;
  /** Largest body accepted, when not the server's default (messages may carry images). */
  bodyLimit?: number;
  handle(ctx: RouteContext): Promise<void> | void;
}

export const MAX_SESSIONS = 64;

/** Room for a message's images (base64 in JSON) on top of the default body limit. */
export const IMAGES_BODY_ALLOWANCE = MAX_IMAGES * base64Length(MAX_IMAGE_BYTES) + 64 * 1024;

/** The static files, by URL: nothing else on disk is ever served. */
const ASSETS: Record<string, { file: string[]; type: string }> = {
  "/assets/webview.js": { file: ["dist", "webview.js"], type: "text/javascript; charset=utf-8" },
  "/assets/chat.css": { file: ["media", "chat.css"], type: "text/css; charset=utf-8" },
  "/assets/pi.svg": { file: ["media", "pi.svg"], type: "image/svg+xml" },
};

// Relative URLs: behind a path-prefix proxy (code-server's /proxy/<port>/, a reverse proxy's
// sub-path) the page still finds its assets and API.
export const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="assets/chat.css">
<link rel="icon" href="assets/pi.svg">
<title>Pi</title>
</head>
<body data-pi-transport="http" data-pi-api="${API_PREFIX.slice(1)}">
<div id="app"></div>
<script src="assets/webview.js"></script>
</body>
</html>
`;

/** Finds the directory holding dist/ and media/ (the repo, or the installed package). */
export function findAssetsRoot(fromDir: string = __dirname): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "media", "chat.css"))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function sessionSummary(s: Chat): { id: string; title: string; cwd: string; status: string; lastActivity: number } {
  const info = s.info;
  // lastActivity (ms since epoch of the last prompt) lets a browser open the most recent chat.
  return { id: s.id, title: info.title, cwd: s.cwd, status: s.status, lastActivity: s.lastActivity };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function buildRoutes(deps: RouteDeps): Route[] {
  const { host, config, auth, hub } = deps;
  /** Sessions this server started (POST /sessions). */
  const created = new Set<string>();
  const files = new FileSearch();
  const messageBodyLimit = config.bodyLimitBytes + IMAGES_BODY_ALLOWANCE;

  const session = (ctx: RouteContext): Chat => {
    const id = ctx.params.id ?? "";
    const s = host.get(id);
    if (!s) throw new HttpError(404, "session_not_found", `No live session with id "${id.slice(0, 100)}".`);
    return s;
  };

  const notShuttingDown = () => {
    if (deps.isShuttingDown()) throw new HttpError(503, "shutting_down", "The server is shutting down.", { "Retry-After": "5" });
  };

  /** Runs a session command; pi's refusal becomes a 409 with its reason. */
  const command = async (ctx: RouteContext, status: number, run: (s: Chat, body: Record<string, unknown>) => Promise<unknown>) => {
    notShuttingDown();
    const s = session(ctx);
    const body = objectBody(ctx.body);
    let result: unknown;
    try {
      result = await run(s, body);
    } catch (err) {
      if (err instanceof HttpError || err instanceof ProtocolError) throw err;
      throw new HttpError(409, "command_failed", errorMessage(err));
    }
    sendJson(ctx.res, status, result ?? { ok: true });
  };

  /** Password and ticket attempts share one budget per client address. */
  const limitLogins = (req: IncomingMessage) => {
    const limit = deps.loginLimiter.hit(clientIp(req, config.trustProxy));
    if (!limit.allowed) {
      throw new HttpError(429, "rate_limited", "Too many login attempts; try again later.", { "Retry-After": String(limit.retryAfterSeconds) });
    }
  };

  const api = (method: HttpMethod, p: string, opts: Partial<Pick<Route, "auth" | "body" | "stream" | "bodyLimit">>, handle: Route["handle"]): Route => ({
    method,
    path: `${API_PREFIX}${p}`,
    auth: opts.auth ?? true,
    body: opts.body ?? method !== "GET",
    stream: opts.stream,
    bodyLimit: opts.bodyLimit,
    handle,
  });

  const serveAsset = async (ctx: RouteContext, url: string) => {
    const asset = ASSETS[url];
    if (!asset || !deps.assetsRoot) throw new HttpError(404, "not_found", "No such file.");
    let data: Buffer;
    try {
      data = await fs.promises.readFile(path.join(deps.assetsRoot, ...asset.file));
    } catch {
      throw new HttpError(404, "not_found", `${url} is not built yet (run npm run build).`);
    }
    ctx.res.writeHead(200, { "Content-Type": asset.type, "Content-Length": data.length, "Cache-Control": "no-cache" });
    ctx.res.end(data);
  };

  const routes: Route[] = [
    {
      method: "GET",
      path: "/",
      auth: false,
      body: false,
      handle: ({ res }) => {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
        res.end(INDEX_HTML);
      },
    },
    ...Object.keys(ASSETS).map(
      (url): Route => ({ method: "GET", path: url, auth: false, body: false, handle: (ctx) => serveAsset(ctx, url) }),
    ),

    api("GET", "/health", { auth: false }, ({ res }) =>
      sendJson(res, 200, { status: deps.isShuttingDown() ? "shutting_down" : "ok", activeSessions: host.chats().length }),
    ),

    api("POST", "/auth/login", { auth: false }, ({ req, res, body }) => {
      limitLogins(req);
      if (!auth.passwordLogin) throw new HttpError(400, "login_disabled", "Password login is not enabled on this server (UI_PASSWORD is not set).");
      const password = objectBody(body).password;
      if (typeof password !== "string" || password.length === 0 || password.length > 1024) {
        throw new HttpError(400, "invalid_body", '"password" must be a non-empty string.');
      }
      const result = auth.login(password);
      if (!result) {
        deps.log("warn", "failed login", { ip: clientIp(req, config.trustProxy) });
        throw new HttpError(401, "invalid_credentials", "Wrong password.");
      }
      sendJson(res, 200, { token: result.token, expiresAt: result.expiresAt });
    }),

    // A one-time ticket (from PiServer.issueLoginTicket, e.g. VS Code's "Open Session in Browser")
    // for a token. It travels in the page's #fragment and this body, never in a URL the server logs.
    api("POST", "/auth/ticket", { auth: false }, ({ req, res, body }) => {
      limitLogins(req);
      const ticket = objectBody(body).ticket;
      if (typeof ticket !== "string" || ticket.length === 0 || ticket.length > 200) {
        throw new HttpError(400, "invalid_body", '"ticket" must be a non-empty string.');
      }
      const result = auth.redeemTicket(ticket);
      if (!result) {
        deps.log("warn", "login ticket refused", { ip: clientIp(req, config.trustProxy) });
        throw new HttpError(401, "invalid_ticket", "This login link was already used or has expired; open a new one from VS Code.");
      }
      sendJson(res, 200, { token: result.token, expiresAt: result.expiresAt });
    }),

    api("GET", "/auth/status", { auth: false }, ({ req, res }) => {
      const header = req.headers.authorization;
      const bearer = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
      sendJson(res, 200, {
        authRequired: auth.required,
        authenticated: auth.check(bearer).ok,
        methods: { password: auth.passwordLogin, apiKey: auth.apiKeyLogin },
      });
    }),

    // Live sessions, and the workspace's past sessions (pi's JSONL files, newest first).
    api("GET", "/sessions", {}, ({ res }) => {
      const live = host.chats();
      const past = (live.find((s) => s.cwd === deps.workspace)?.piSessions() ?? listPiSessions(agentDirFrom({ ...process.env, ...deps.sessionEnv }), deps.workspace)).map(
        ({ file, title, modified }) => ({ file, title, modified }),
      );
      sendJson(res, 200, { sessions: live.map(sessionSummary), past });
    }),

    api("POST", "/sessions", {}, ({ res, body }) => {
      notShuttingDown();
      const b = objectBody(body);
      const unknown = Object.keys(b);
      if (unknown.length) throw new HttpError(400, "invalid_body", `Unknown field "${unknown[0].slice(0, 50)}": sessions always start in the server's workspace.`);
      if (host.chats().length >= MAX_SESSIONS) throw new HttpError(429, "too_many_sessions", `At most ${MAX_SESSIONS} sessions may be open; delete one first.`);
      const s = host.createChat({ cwd: deps.workspace, env: deps.sessionEnv });
      created.add(s.id);
      hub.attach(s);
      deps.log("info", "session created", { chatId: s.id });
      sendJson(res, 201, { chatId: s.id });
    }),

    api("DELETE", "/sessions/:id", { body: false }, async (ctx) => {
      const s = session(ctx);
      // Inside VS Code the chats belong to VS Code: a browser may only close what it opened.
      if (deps.ownsSessions === false && !created.has(s.id)) throw new HttpError(403, "not_owner", "This chat is open in VS Code; close it there.");
      created.delete(s.id);
      hub.detach(s.id);
      await host.dispose(s.id);
      deps.log("info", "session deleted", { chatId: s.id });
      sendEmpty(ctx.res, 204);
    }),

    // Switches a live chat to one of its folder's past sessions (only a file from that list).
    api("POST", "/sessions/:id/resume", {}, async (ctx) => {
      const s = session(ctx);
      const file = stringField(objectBody(ctx.body), "file", 4096);
      if (!s.piSessions().some((p) => p.file === file)) throw new HttpError(400, "not_a_session", "That file is not a past session of this workspace.");
      await s.switchTo(file);
      sendEmpty(ctx.res, 204);
    }),

    api("GET", "/sessions/:id/state", {}, (ctx) => {
      const s = session(ctx);
      const snap = s.snapshot();
      sendJson(ctx.res, 200, { status: snap.status, statusDetail: snap.statusDetail, info: snap.info, seq: snap.seq });
    }),

    api("GET", "/sessions/:id/messages", {}, (ctx) => {
      const snap = session(ctx).snapshot();
      sendJson(ctx.res, 200, { items: snap.items, seq: snap.seq });
    }),

    api("GET", "/sessions/:id/stats", {}, (ctx) => {
      const info = session(ctx).info;
      sendJson(ctx.res, 200, { usage: info.usage ?? null, model: info.model ?? null, thinkingLevel: info.thinkingLevel ?? null });
    }),

    // {message, images?}: images as pi takes them ({type:"image", data: base64, mimeType}), checked like the webview's.
    api("POST", "/sessions/:id/prompt", { bodyLimit: messageBodyLimit }, (ctx) =>
      command(ctx, 202, async (s, b) => {
        await s.prompt(stringField(b, "message", MAX_PROMPT_CHARS), parsePromptImages(b.images, "prompt"));
        return { accepted: true };
      }),
    ),

    // A prompt sent while pi works is queued as a follow-up; this name makes that explicit.
    api("POST", "/sessions/:id/follow-up", { bodyLimit: messageBodyLimit }, (ctx) =>
      command(ctx, 202, async (s, b) => {
        await s.prompt(stringField(b, "message", MAX_PROMPT_CHARS), parsePromptImages(b.images, "follow-up"));
        return { accepted: true };
      }),
    ),

    api("POST", "/sessions/:id/steer", { bodyLimit: messageBodyLimit }, (ctx) =>
      command(ctx, 202, async (s, b) => {
        await s.steer(stringField(b, "message", MAX_PROMPT_CHARS), parsePromptImages(b.images, "steer"));
        return { accepted: true };
      }),
    ),

    // The composer's `/` list: pi's prompt templates, skills and extension commands.
    api("GET", "/sessions/:id/commands", {}, async (ctx) => {
      const s = session(ctx);
      try {
        sendJson(ctx.res, 200, { commands: await s.commands() });
      } catch (err) {
        throw new HttpError(409, "command_failed", errorMessage(err));
      }
    }),

    // The composer's `@` picker: files of the session's folder, best fuzzy matches of ?q= first.
    api("GET", "/sessions/:id/files", {}, async (ctx) => {
      const s = session(ctx);
      const q = ctx.query.get("q") ?? "";
      if (q.length > MAX_FILE_QUERY || q.includes("\0")) throw new HttpError(400, "invalid_query", `"q" must be at most ${MAX_FILE_QUERY} characters.`);
      sendJson(ctx.res, 200, { files: await files.search(s.cwd, q) });
    }),

    api("POST", "/sessions/:id/abort", {}, (ctx) => command(ctx, 200, (s) => s.abort())),
    api("POST", "/sessions/:id/new-session", {}, (ctx) => command(ctx, 200, (s) => s.newSession())),
    api("POST", "/sessions/:id/restart", {}, (ctx) => command(ctx, 200, (s) => s.restart())),

    api("GET", "/sessions/:id/models", {}, async (ctx) => {
      const s = session(ctx);
      try {
        sendJson(ctx.res, 200, { models: await s.models() });
      } catch (err) {
        throw new HttpError(409, "command_failed", errorMessage(err));
      }
    }),

    api("POST", "/sessions/:id/model", {}, (ctx) =>
      command(ctx, 200, (s, b) => s.setModel(stringField(b, "provider", 200), stringField(b, "modelId", 200))),
    ),

    api("POST", "/sessions/:id/thinking", {}, (ctx) => command(ctx, 200, (s, b) => s.setThinkingLevel(stringField(b, "level", 50)))),

    api("POST", "/sessions/:id/ui-response", {}, (ctx) =>
      command(ctx, 200, async (s, b) => {
        if (!s.answerDialog(parseDialogAnswer(b))) throw new HttpError(404, "dialog_not_open", "That dialog is not open (answered, timed out, or unknown).");
        return { ok: true };
      }),
    ),

    api("GET", "/sessions/:id/events", { stream: true }, (ctx) => {
      const s = session(ctx);
      hub.attach(s);
      const { req, res } = ctx;
      res.writeHead(200, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        "X-Accel-Buffering": "no",
        Connection: "keep-alive",
      });
      req.socket.setTimeout(0);
      req.socket.setNoDelay(true);
      req.socket.setKeepAlive(true, 30_000);
      const lastEventId = parseLastEventId(req.headers["last-event-id"]) ?? parseLastEventId(ctx.query.get("lastEventId") ?? undefined);
      const mode = hub.subscribe(s.id, res, lastEventId);
      deps.log("debug", "SSE client connected", { chatId: s.id, mode, lastEventId });
      res.on("close", () => hub.unsubscribe(s.id, res));
    }),
  ];
  return routes;
}
