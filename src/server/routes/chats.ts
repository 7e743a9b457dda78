// The chat actions over HTTP, derived from the action table: each entry with an `http` route
// becomes a route whose params (query for GET, JSON body otherwise) are checked against the
// table's schema before the same host handler VS Code uses runs. Failures answer
// `{error: {code, message}}` with the code's status.
import type { Chat } from "../../host/chat/chat";
import { type ActionContext, type ActionHandlers, runAction, sharedChatActions } from "../../host/chatActions";
import { diskEditor } from "../../host/review/fileEditor";
import { reviewActions } from "../../host/reviewActions";
import { ActionError, toActionError } from "../../protocol/actionError";
import { ACTION_NAMES, ACTIONS, type HttpActionName, type HttpRoute } from "../../protocol/actions";
import { base64Length, MAX_IMAGE_BYTES, MAX_IMAGES } from "../../protocol/images";
import { MessageParams } from "../../protocol/schemas/chat";
import type { ChatSummary } from "../../protocol/types";
import { sendJson } from "../http";
import { apiRoute, type Route, type RouteDeps } from "./route";

/** Most chats a server keeps open at once. */
export const MAX_CHATS = 64;

/** Room for a message's images (base64 in JSON) on top of the default body limit. */
export const IMAGES_BODY_ALLOWANCE = MAX_IMAGES * base64Length(MAX_IMAGE_BYTES) + 64 * 1024;

function summary(chat: Chat): ChatSummary {
  const { info } = chat;
  const waiting = chat.waiting;
  return {
    chatId: chat.id,
    title: info.title,
    cwd: chat.cwd,
    status: chat.status,
    state: waiting.length ? "waiting" : chat.status,
    model: info.model,
    cost: info.usage?.cost,
    waiting,
    viewers: info.viewers,
    lastActivity: chat.lastActivity,
  };
}

/** The server's own handlers: chats it creates, lists and closes. */
function serverActions(deps: RouteDeps): ActionHandlers<HttpActionName> {
  const { host } = deps;
  /** Chats this server started (newChat): the only ones a browser may close when VS Code owns the rest. */
  const created = new Set<string>();
  return {
    ...sharedChatActions(),
    // Review on the server changes the files on disk (after the same conflict checks).
    ...reviewActions(diskEditor),
    snapshot: async (_, ctx) => ctx.chat().snapshot(),
    listChats: async () => ({ chats: deps.fleet ? await deps.fleet.listChats() : host.chats().map(summary) }),
    newChat: async () => {
      if (host.chats().length >= MAX_CHATS) throw new ActionError("limit", `At most ${MAX_CHATS} chats may be open; close one first.`);
      const id = await deps.fleet?.reserve();
      const chat = host.createChat({ cwd: deps.workspace, env: deps.chatEnv, id });
      created.add(chat.id);
      if (deps.fleet) await deps.fleet.created(chat);
      else deps.hub.attach(chat);
      deps.log("info", "chat created", { chatId: chat.id });
      return { chatId: chat.id };
    },
    closeChat: async (_, ctx) => {
      const chat = ctx.chat();
      // Inside VS Code the chats belong to VS Code: a browser may only close what it opened.
      if (deps.ownsChats === false && !created.has(chat.id)) throw new ActionError("forbidden", "This chat is open in VS Code; close it there.");
      created.delete(chat.id);
      deps.hub.detach(chat.id);
      await host.dispose(chat.id);
      await deps.fleet?.closed(chat.id);
      deps.log("info", "chat closed", { chatId: chat.id });
      return {};
    },
  };
}

function httpActionNames(): HttpActionName[] {
  return ACTION_NAMES.filter((name): name is HttpActionName => (ACTIONS[name] as { http?: HttpRoute }).http !== undefined);
}

export function chatRoutes(deps: RouteDeps): Route[] {
  const handlers = serverActions(deps);
  const messageBodyLimit = deps.config.bodyLimitBytes + IMAGES_BODY_ALLOWANCE;

  return httpActionNames().map((name) => {
    const spec = ACTIONS[name];
    const http = (spec as { http: HttpRoute }).http;
    const needsChat = http.path.includes(":chatId");
    const bodyLimit = spec.params === MessageParams ? messageBodyLimit : undefined;
    return apiRoute(http.verb, http.path, { bodyLimit }, async (ctx) => {
      if (http.verb !== "GET" && deps.isShuttingDown()) throw new ActionError("unavailable", "The server is shutting down.", { "Retry-After": "5" });
      const id = ctx.params.chatId ?? "";
      const chat = needsChat ? deps.host.get(id) : undefined;
      if (needsChat && !chat) throw new ActionError("not_found", `No live chat with id "${id.slice(0, 100)}".`);
      const context: ActionContext = {
        chat: () => {
          if (!chat) throw new ActionError("not_found", "This route names no chat.");
          return chat;
        },
        ensureChat: async () => context.chat(),
        folder: () => chat?.cwd ?? deps.workspace,
      };
      const raw = http.verb === "GET" ? Object.fromEntries(ctx.query) : http.verb === "DELETE" ? undefined : ctx.body;
      // pi's refusals (a plain Error from the RPC) become `refused`, as over vscode-messenger.
      const result = await runAction(handlers, name, raw, context).catch((err: unknown) => {
        throw toActionError(err);
      });
      sendJson(ctx.res, http.status ?? 200, result);
    });
  });
}
