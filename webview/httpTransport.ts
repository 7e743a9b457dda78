// The chat transport of the browser page: actions over the server's REST API (verbs and paths
// from the action table), the transcript over Server-Sent Events (event names from the event
// table). A `snapshot` event replaces the view's state and `patches` events apply in order; a
// dropped stream resumes from the last event id. Every (re)connection opens with a fresh
// single-use stream token, so the page reconnects by hand rather than letting EventSource retry
// its spent URL; asking for the token also tells why a reconnect fails (signed out, chat gone).
import type { ActionResult } from "../src/protocol/actions";
import type { ChatSnapshot, PatchBatch } from "../src/protocol/transcript";
import { VIEW_EVENTS, type ViewEventData, type ViewEventName } from "../src/protocol/viewEvents";
import { callOverHttp, canOverHttp } from "./httpActions";
import { ApiError, type HttpClient } from "./httpClient";
import { tabGet, tabSet } from "./tabStorage";
import { type ChatTransport, EventListeners, type ScrollPosition } from "./transport";

/** How the event stream is doing, for the page's banner. */
export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "live" }
  | { kind: "reconnecting"; reason?: string }
  | { kind: "unauthorized" }
  | { kind: "closed"; reason: string };

export interface HttpTransport extends ChatTransport {
  readonly chatId: string;
  /** Resumes the stream after the page signed in again. */
  reconnect(): void;
  /** Stops streaming for good. */
  close(): void;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

/** Shows `chatId` in the address bar (replaceState): a reload or a copied link shows the same chat. */
function showInUrl(chatId: string): void {
  const url = new URL(location.href);
  if (url.searchParams.get("chat") === chatId) return;
  url.searchParams.set("chat", chatId);
  history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
}

/**
 * Which live chat this page shows: `?chat=<id>` when it is still open, else the most recently
 * used one, else a new one. `note` explains a fallback from a stale `?chat=`.
 */
export async function chooseChat(client: HttpClient): Promise<{ id: string; note?: string }> {
  const wanted = new URL(location.href).searchParams.get("chat");
  let note: string | undefined;
  let id: string | undefined;
  if (wanted) {
    try {
      await callOverHttp(client, "snapshot", {}, wanted);
      id = wanted;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      note = "The chat in this link is no longer open; showing the most recent one instead.";
    }
  }
  if (!id) {
    const { chats } = await callOverHttp(client, "listChats", {});
    const latest = chats.reduce<(typeof chats)[number] | undefined>((best, c) => (!best || c.lastActivity > best.lastActivity ? c : best), undefined);
    id = latest?.chatId ?? (await callOverHttp(client, "newChat", {})).chatId;
  }
  showInUrl(id);
  return { id, note };
}

function parseScroll(raw: string | undefined): ScrollPosition | undefined {
  if (!raw) return undefined;
  try {
    const p = JSON.parse(raw) as Partial<ScrollPosition>;
    return typeof p.itemId === "string" && typeof p.offset === "number" ? { itemId: p.itemId, offset: p.offset } : undefined;
  } catch {
    return undefined;
  }
}

const SSE_EVENTS = (Object.keys(VIEW_EVENTS) as ViewEventName[]).filter((name) => (VIEW_EVENTS[name].over as readonly string[]).includes("sse"));

export function createHttpTransport(client: HttpClient, initialChatId: string, onConnection: (state: ConnectionState) => void = () => undefined): HttpTransport {
  let chatId = initialChatId;
  const listeners = new EventListeners();
  /** connect() calls waiting for the next snapshot. They never reject: a later sign-in or reconnect answers them. */
  let waiting: Array<(snapshot: ChatSnapshot) => void> = [];
  let source: EventSource | undefined;
  /** The id of the last event applied: where a re-created stream resumes. */
  let lastEventId: string | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = FIRST_RETRY_MS;
  let stopped = false;

  const stop = (state: ConnectionState) => {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
    source = undefined;
    onConnection(state);
  };

  const handlers: Record<ViewEventName, (es: EventSource, e: MessageEvent<string>) => void> = {
    snapshot: (_, e) => {
      const snapshot = JSON.parse(e.data) as ChatSnapshot;
      retryMs = FIRST_RETRY_MS;
      const waiters = waiting;
      waiting = [];
      // A pending connect() takes it (the store sets it); otherwise it replaces the state directly.
      if (waiters.length) waiters.forEach((resolve) => resolve(snapshot));
      else listeners.emit("snapshot", snapshot);
    },
    patches: (_, e) => {
      retryMs = FIRST_RETRY_MS;
      listeners.emit("patches", JSON.parse(e.data) as PatchBatch);
    },
    closed: () => stop({ kind: "closed", reason: "This chat was closed on the server." }),
    // The stream ends next; EventSource retries until the server is back.
    shutdown: () => onConnection({ kind: "reconnecting", reason: "The server is restarting." }),
    draft: (_, e) => listeners.emit("draft", JSON.parse(e.data) as ViewEventData<"draft">),
    // VS Code only (SSE_EVENTS leaves it out).
    focusInput: () => undefined,
  };

  const listen = (es: EventSource) => {
    source = es;
    const current = () => es === source;
    es.addEventListener("open", () => {
      if (current()) onConnection({ kind: "live" });
    });
    for (const name of SSE_EVENTS) {
      es.addEventListener(name, (e) => {
        if (!current()) return;
        const message = e as MessageEvent<string>;
        if (message.lastEventId) lastEventId = message.lastEventId;
        handlers[name](es, message);
      });
    }
    es.addEventListener("error", () => {
      if (!current()) return;
      // Its own retry would reuse a spent stream token: close it and reconnect with a new one.
      es.close();
      source = undefined;
      onConnection({ kind: "reconnecting" });
      scheduleRetry();
    });
  };

  /** Counts open() calls, so a slow token request from an older one opens nothing. */
  let opening = 0;
  const open = (resume: boolean) => {
    if (stopped) return;
    clearTimeout(retryTimer);
    source?.close();
    source = undefined;
    const attempt = ++opening;
    client.streamUrl(chatId, resume ? lastEventId : undefined).then(
      (url) => {
        if (attempt === opening && !stopped) listen(new EventSource(url));
      },
      (err: unknown) => {
        if (attempt !== opening || stopped) return;
        if (err instanceof ApiError && err.status === 401) onConnection({ kind: "unauthorized" });
        else if (err instanceof ApiError && err.status === 404) stop({ kind: "closed", reason: "This chat is no longer open on the server." });
        else {
          onConnection({ kind: "reconnecting" });
          scheduleRetry();
        }
      },
    );
  };

  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    // A connect() waiting for its snapshot must get one: resume only when nobody waits.
    retryTimer = setTimeout(() => open(waiting.length === 0), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  // A new chat is shown here, as in VS Code: the page follows it (address bar, stream).
  const showNewChat = async () => {
    const result = await callOverHttp(client, "newChat", {});
    chatId = result.chatId;
    lastEventId = undefined;
    showInUrl(chatId);
    open(false);
    return result;
  };
  const call: ChatTransport["call"] = async (name, params) =>
    name === "newChat" ? ((await showNewChat()) as ActionResult<typeof name>) : callOverHttp(client, name, params, chatId);

  return {
    kind: "browser",
    get chatId() {
      return chatId;
    },
    connect: () =>
      new Promise<ChatSnapshot>((resolve) => {
        // A fresh stream always starts with a snapshot (also the resync after a patch that did not fit).
        waiting.push(resolve);
        onConnection({ kind: "connecting" });
        open(false);
      }),
    reconnect: () => {
      retryMs = FIRST_RETRY_MS;
      open(true);
    },
    close: () => stop({ kind: "closed", reason: "Disconnected." }),
    call,
    can: canOverHttp,
    on: (event, listener) => listeners.on(event, listener),
    loadDraft: () => tabGet(`pi.draft.${chatId}`) ?? "",
    saveDraft: (text) => tabSet(`pi.draft.${chatId}`, text),
    loadScroll: () => parseScroll(tabGet(`pi.scroll.${chatId}`)),
    saveScroll: (position) => tabSet(`pi.scroll.${chatId}`, position ? JSON.stringify(position) : undefined),
  };
}
