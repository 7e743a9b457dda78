// The standalone HTTP server: security checks on every request, then the routes.
// createPiServer({ host, workspace, config, log }) → { listen(), close(), url }.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import FindMyWay from "find-my-way";
import type { Logger } from "pino";
import type { ChatHost } from "../host/chatHost";
import { ACTION_ERROR_STATUS, errorText, isActionError } from "../protocol/actionError";
import type { HttpVerb } from "../protocol/actions";
import { AuthGate, createAuthenticator } from "./authGate";
import { unsafeBindReason, type ServerConfig } from "./config";
import { ConnectionLimits } from "./connectionLimits";
import { declaredTooLarge, HttpError, readJsonBody, sendEmpty, sendError, sendErrorAndClose } from "./http";
import type { FleetNode } from "./fleet/fleetNode";
import { RateLimiter } from "./rateLimit";
import { buildRoutes, findAssetsRoot, type Route } from "./routes";
import { clientIp, HostPolicy, setCorsHeaders, setSecurityHeaders } from "./security";
import { SseHub } from "./sseHub";

export interface PiServerOptions {
  host: ChatHost;
  workspace: string;
  config: ServerConfig;
  log: Logger;
  chatEnv?: NodeJS.ProcessEnv;
  /** Directory with dist/webview.js and media/chat.css (default: found next to this code). */
  assetsRoot?: string;
  /**
   * Whether close() stops every chat of the host (default true: the CLI's host is the
   * server's own). VS Code passes false: its chats outlive the server.
   */
  ownsChats?: boolean;
  /** Fleet mode (REDIS_URL): started by the CLI; the server calls it from a few hooks. */
  fleet?: FleetNode;
}

export interface PiServer {
  listen(): Promise<string>;
  /** Graceful: refuse new work, `shutdown` to SSE clients, stop every pi, close connections. */
  close(): Promise<void>;
  readonly url: string;
  readonly port: number;
  readonly hub: SseHub;
  /** A random single-use login ticket, valid 2 minutes: POST /api/v1/auth/ticket exchanges it for a token. */
  issueLoginTicket(): string;
  /** Also accept the Host and Origin of a forwarded address (vscode.env.asExternalUri). */
  allowForwarded(externalUrl: string): void;
}

const METHODS: HttpVerb[] = ["GET", "POST", "DELETE"];
const MAX_URL = 4096;

interface Found {
  route: Route;
  params: Record<string, string | undefined>;
}

export function createPiServer(options: PiServerOptions): PiServer {
  const { host, config, log, fleet } = options;
  const refusal = unsafeBindReason(config);
  if (refusal) throw new Error(refusal);

  const auth = createAuthenticator(config);
  // Wrong bearer credentials and login attempts have separate budgets per client address.
  const gate = new AuthGate(auth, new RateLimiter(config.rateLimitLoginMax));
  const limits = new ConnectionLimits(config);
  const hub = new SseHub(
    { replayBatches: config.replayBatches, replayBytes: config.replayBytes, clientBufferBytes: config.clientBufferBytes, heartbeatMs: config.heartbeatMs },
    (level, message) => log[level](message),
  );
  const policy = new HostPolicy(config);
  let shuttingDown = false;
  let closing: Promise<void> | undefined;

  const routes = buildRoutes({
    host,
    workspace: options.workspace,
    config,
    auth,
    gate,
    hub,
    loginLimiter: new RateLimiter(config.rateLimitLoginMax),
    admitStream: (req, res) => limits.admitStream(clientIp(req, config.trustProxy), res),
    chatEnv: options.chatEnv,
    assetsRoot: options.assetsRoot ?? findAssetsRoot(),
    isShuttingDown: () => shuttingDown,
    ownsChats: options.ownsChats,
    log: (level, message, extra) => log[level](extra ?? {}, message),
    fleet,
  });
  const router = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true, maxParamLength: 200 });
  for (const route of routes) router.on(route.method, route.path, () => undefined, route);

  // Sessions created or closed elsewhere (another face of the host) get or lose their streams.
  const sync = () => {
    const live = new Set<string>(host.chats().map((s) => s.id));
    for (const s of host.chats()) hub.attach(s);
    for (const id of hub.ids()) if (!live.has(id)) hub.detach(id);
  };
  // Fleet mode streams through the fleet's hub instead.
  const stopSync = fleet ? () => undefined : host.onDidChange(sync);
  if (!fleet) sync();

  const find = (method: string, pathname: string): Found | "method" | undefined => {
    const lookup = method === "HEAD" ? "GET" : method;
    if ((METHODS as string[]).includes(lookup)) {
      const hit = router.find(lookup as HttpVerb, pathname);
      if (hit) {
        const route = hit.store as Route;
        if (method === "HEAD" && route.stream) return "method";
        return { route, params: hit.params };
      }
    }
    return METHODS.some((m) => router.find(m, pathname)) ? "method" : undefined;
  };

  const allowed = (pathname: string) => METHODS.filter((m) => router.find(m, pathname)).join(", ");

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, ip: string): Promise<void> {
    setSecurityHeaders(res);
    const rawUrl = req.url ?? "";
    if (rawUrl.length > MAX_URL) throw new HttpError(414, "uri_too_long", "The URL is too long.");
    if (!rawUrl.startsWith("/")) throw new HttpError(400, "bad_request", "The request target must be a path.");
    // A request another instance signed (verified here, 401 otherwise) names that instance's internal host.
    const inbound = await fleet?.inbound(req);
    if (!inbound && !policy.allows(req.headers.host)) {
      throw new HttpError(421, "bad_host", "The Host header does not name this server (DNS-rebinding protection). Set ALLOWED_HOSTS for a reverse-proxy hostname.");
    }
    const origin = req.headers.origin;
    const method = req.method ?? "";
    if (origin !== undefined && !policy.originAllowed(origin, req.headers.host)) {
      throw new HttpError(403, "cross_origin", "Cross-origin requests are not allowed (set CORS_ORIGIN to allow one site).");
    }
    if (origin === undefined && method !== "GET" && method !== "HEAD" && req.headers["sec-fetch-site"] === "cross-site") {
      throw new HttpError(403, "cross_origin", "Cross-site requests are not allowed.");
    }
    const q = rawUrl.indexOf("?");
    const pathname = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : "");
    const cors = policy.isCorsOrigin(origin) ? origin : undefined;

    if (method === "OPTIONS") {
      const found = find("GET", pathname) ?? find("POST", pathname);
      if (!found) throw new HttpError(404, "not_found", "No such route.");
      if (cors) setCorsHeaders(res, cors, true);
      sendEmpty(res, 204, { Allow: allowed(pathname) });
      return;
    }
    if (cors) setCorsHeaders(res, cors, false);

    const found = find(method, pathname);
    if (found === undefined) throw new HttpError(404, "not_found", "No such route.");
    if (found === "method") throw new HttpError(405, "method_not_allowed", `${method.slice(0, 20)} is not allowed here.`, { Allow: allowed(pathname) });
    const { route, params } = found;

    if (route.auth && !inbound) gate.authorize(req, ip, route.stream ? { chatId: params.chatId ?? "", query } : undefined);
    if (fleet) return fleet.serve(route, { req, res, params, query }, inbound);
    const body = route.body ? await readJsonBody(req, route.bodyLimit ?? config.bodyLimitBytes) : undefined;
    if (!route.body) req.resume();
    await route.handle({ req, res, params, query, body });
  }

  // The largest body any route takes: a declared length past it gets no `100 Continue`.
  const maxBody = Math.max(config.bodyLimitBytes, ...routes.map((r) => r.bodyLimit ?? 0));
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = performance.now();
    const ip = clientIp(req, config.trustProxy);
    res.on("finish", () => {
      const ms = Math.round(performance.now() - started);
      const path = (req.url ?? "").split("?")[0].slice(0, 200);
      const entry = { method: req.method, path, status: res.statusCode, ms, ip };
      if (res.statusCode >= 500) log.warn(entry, "request failed");
      else log.debug(entry, "request");
    });
    if (!limits.admit(req, res, ip)) return;
    handle(req, res, ip).catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (err.headers.Connection === "close") sendErrorAndClose(req, res, err.status, err.code, err.message, err.headers);
        else sendError(res, err.status, err.code, err.message, err.headers);
      } else if (isActionError(err)) {
        sendError(res, ACTION_ERROR_STATUS[err.code], err.code, err.message, err.headers);
      } else {
        log.error({ err: errorText(err) }, "unhandled error");
        sendError(res, 500, "internal", "Internal server error.");
      }
    });
  };
  const server = http.createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 60_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, onRequest);
  server.on("connection", limits.track);
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!declaredTooLarge(req, maxBody)) res.writeContinue();
    onRequest(req, res);
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  let port = 0;
  const urlFor = () => {
    const h = config.host.includes(":") ? `[${config.host}]` : config.host;
    return `http://${h === "0.0.0.0" || h === "[::]" ? "127.0.0.1" : h}:${port}`;
  };

  return {
    hub,
    issueLoginTicket: () => auth.issueTicket(),
    allowForwarded: (externalUrl: string) => policy.allowForwarded(externalUrl),
    get port() {
      return port;
    },
    get url() {
      return urlFor();
    },
    listen() {
      return new Promise<string>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          port = (server.address() as AddressInfo).port;
          policy.setPort(port);
          log.info({ url: urlFor(), workspace: options.workspace, auth: auth.required ? "required" : "none (loopback only)" }, "pi server listening");
          resolve(urlFor());
        });
      });
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        stopSync();
        hub.shutdown();
        if (fleet) await fleet.shutdown();
        else if (options.ownsChats !== false) await host.stopAll();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), 2_000);
          force.unref();
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        log.info("pi server stopped");
      })();
      return closing;
    },
  };
}
