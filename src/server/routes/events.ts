// A chat's Server-Sent Events: every event has an id, and a client that reconnects with
// Last-Event-ID gets what it missed from the hub's buffer, or a fresh snapshot.
import { EVENTS_PATH } from "../../protocol/viewEvents";
import { HttpError } from "../http";
import { parseLastEventId } from "../sseHub";
import { apiRoute, type Route, type RouteDeps } from "./route";

export function eventRoutes(deps: RouteDeps): Route[] {
  const { host, hub } = deps;
  return [
    apiRoute("GET", EVENTS_PATH, { stream: true }, (ctx) => {
      if (deps.fleet) return deps.fleet.stream(ctx);
      const id = ctx.params.chatId ?? "";
      const chat = host.get(id);
      if (!chat) throw new HttpError(404, "not_found", `No live chat with id "${id.slice(0, 100)}".`);
      const { req, res } = ctx;
      deps.admitStream(req, res);
      hub.attach(chat);
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
      const mode = hub.subscribe(chat.id, res, lastEventId);
      deps.log("debug", "SSE client connected", { chatId: chat.id, mode, lastEventId });
      res.on("close", () => hub.unsubscribe(chat.id, res));
    }),
  ];
}
