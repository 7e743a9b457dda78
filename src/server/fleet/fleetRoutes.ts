// The routes fleet mode adds: /metrics (Prometheus text), the health details for a signed-in
// caller, and the internal positioned snapshot another instance asks the owner for (signed
// requests only), with its client.
import { timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import { API_PREFIX } from "../../protocol/serverPaths";
import { bearerFrom } from "../auth";
import { HttpError, sendJson } from "../http";
import { apiRoute, type Route, type RouteContext, type RouteDeps } from "../routes/route";
import type { Fleet } from "./fleet";
import type { PositionedSnapshot } from "./fleetSse";
import { FLEET_AUTH_HEADER, FLEET_HOP_HEADER, type FleetAuth } from "./forward";
import type { FleetGateway } from "./gateway";
import type { FleetMetrics } from "./metrics";
import type { InstanceInfo } from "./registry";

/** Outside the API prefix, where Prometheus looks by default. */
export const METRICS_PATH = "/metrics";
/** Under the prefix; answers only requests signed by another instance. */
export const INTERNAL_SNAPSHOT_PATH = "/fleet/chats/:chatId/snapshot";

export interface FleetRouteOptions {
  fleet: Fleet;
  gateway: FleetGateway;
  metrics: FleetMetrics;
  /** METRICS_TOKEN: a scraper's own bearer token; without it /metrics takes the API's credentials. */
  metricsToken?: string;
  /** Fleet-wide counts the metrics sample cannot read synchronously. */
  setInstances(count: number): void;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function fleetRoutes(deps: RouteDeps, o: FleetRouteOptions): Route[] {
  const metrics: Route = {
    method: "GET",
    path: METRICS_PATH,
    auth: false,
    body: false,
    handle: async ({ req, res }) => {
      const bearer = bearerFrom(req.headers.authorization);
      const allowed = (o.metricsToken !== undefined && sameSecret(bearer, o.metricsToken)) || (await deps.auth.check(bearer)).ok;
      if (!allowed)
        throw new HttpError(401, "unauthorized", "GET /metrics needs METRICS_TOKEN or an API credential as a Bearer token.", { "WWW-Authenticate": 'Bearer realm="pi"' });
      try {
        o.setInstances((await o.fleet.registry.live()).length);
      } catch {
        // Redis is down: the gauge keeps its last figure and pi_redis_up says why.
      }
      const text = await o.metrics.text();
      res.writeHead(200, { "Content-Type": o.metrics.contentType, "Cache-Control": "no-store" });
      res.end(text);
    },
  };
  const snapshot = apiRoute("GET", INTERNAL_SNAPSHOT_PATH, { auth: false }, async ({ req, res, params }) => {
    if (!o.gateway.inboundOf(req)) throw new HttpError(404, "not_found", "No such route.");
    const positioned = await o.fleet.hub.positionedSnapshot(params.chatId ?? "");
    if (!positioned) throw new HttpError(409, "not_owner", "This instance does not run that chat.");
    sendJson(res, 200, positioned);
  });
  return [metrics, snapshot];
}

/** The health answer: minimal for probes, the fleet's details for a caller with a valid credential. */
export async function fleetHealth(ctx: RouteContext, deps: RouteDeps, fleet: Fleet): Promise<void> {
  const degraded = fleet.redis.state !== "ok";
  const status = deps.isShuttingDown() || fleet.isDraining ? "shutting_down" : degraded ? "degraded" : "ok";
  const body: Record<string, unknown> = { status, activeChats: deps.host.chats().length };
  const bearer = bearerFrom(ctx.req.headers.authorization);
  if (bearer !== undefined && (await deps.auth.check(bearer)).ok) {
    body.fleet = { ...(await fleet.health()), chats: fleet.leases.heldChats() };
  }
  // 200 even when degraded: a liveness probe must not restart an instance whose chats still stream.
  sendJson(ctx.res, 200, body);
}

/** Asks the owner for its positioned snapshot of a chat (an SSE client here starts from it). */
export function fetchPositionedSnapshot(auth: FleetAuth, from: string, owner: InstanceInfo, chatId: string, timeoutMs = 5_000): Promise<PositionedSnapshot> {
  const path = `${API_PREFIX}${INTERNAL_SNAPSHOT_PATH.replace(":chatId", encodeURIComponent(chatId))}`;
  const target = new URL(owner.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path,
        method: "GET",
        headers: { [FLEET_HOP_HEADER]: from, [FLEET_AUTH_HEADER]: auth.sign("GET", path, from, Buffer.alloc(0)), "content-length": 0 },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) return reject(new Error(`${owner.id} answered ${res.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve(JSON.parse(text) as PositionedSnapshot);
          } catch (err) {
            reject(err);
          }
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${owner.id} did not answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
