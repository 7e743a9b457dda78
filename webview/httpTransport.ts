// The chat transport of the browser page: actions over the server's REST API, the transcript
// over Server-Sent Events. A `snapshot` event replaces the view's state and `patches` events
// apply in order; a dropped stream resumes from the last event id (EventSource does it itself,
// and when the server refused the reconnect we find out why and resume by hand).
import type { ActionResult, DialogAnswerParams, ModelChoice, PiSessionSummary, PromptImage, SlashCommand } from "../src/protocol/messages";
import type { ChatSnapshot, PatchBatch } from "../src/protocol/transcript";
import { ApiError, errorText, type HttpClient } from "./httpClient";
import { tabGet, tabSet } from "./tabStorage";
import type { ChatTransport, ScrollPosition } from "./transport";

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

interface SessionRow {
  id: string;
  lastActivity?: number;
}

/**
 * Which live session this page shows: `?session=<id>` when it is still open, else the most
 * recently used one, else a new one. The choice goes into the URL (replaceState), so a reload
 * or a copied link shows the same chat. `note` explains a fallback from a stale `?session=`.
 */
export async function chooseSession(client: HttpClient): Promise<{ id: string; note?: string }> {
  const url = new URL(location.href);
  const wanted = url.searchParams.get("session");
  let note: string | undefined;
  let id: string | undefined;
  if (wanted) {
    try {
      await client.request("GET", `/sessions/${encodeURIComponent(wanted)}/state`);
      id = wanted;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      note = "The session in this link is no longer open; showing the most recent one instead.";
    }
  }
  if (!id) {
    const { sessions } = await client.request<{ sessions: SessionRow[] }>("GET", "/sessions");
    const latest = sessions.reduce<SessionRow | undefined>((best, s) => (!best || (s.lastActivity ?? 0) > (best.lastActivity ?? 0) ? s : best), undefined);
    id = latest?.id ?? (await client.request<{ chatId: string }>("POST", "/sessions")).chatId;
  }
  if (url.searchParams.get("session") !== id) {
    url.searchParams.set("session", id);
    history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
  }
  return { id, note };
}

/** An action's outcome: the server's refusal message instead of an exception. */
async function action(run: () => Promise<unknown>): Promise<ActionResult> {
  try {
    await run();
    return { accepted: true };
  } catch (err) {
    return { accepted: false, error: errorText(err) };
  }
}

/** The body of a message: images only when there are some. */
function withImages(message: string, images: PromptImage[] | undefined): { message: string; images?: PromptImage[] } {
  return images?.length ? { message, images } : { message };
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

export function createHttpTransport(client: HttpClient, chatId: string, onConnection: (state: ConnectionState) => void = () => undefined): HttpTransport {
  const base = `/sessions/${encodeURIComponent(chatId)}`;
  const patchListeners = new Set<(batch: PatchBatch) => void>();
  const snapshotListeners = new Set<(snapshot: ChatSnapshot) => void>();
  /** connect() calls waiting for the next snapshot. They never reject: a later sign-in or reconnect answers them. */
  let waiting: Array<(snapshot: ChatSnapshot) => void> = [];
  let source: EventSource | undefined;
  /** The id of the last event applied: where a re-created stream resumes. */
  let lastEventId: string | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = FIRST_RETRY_MS;
  let stopped = false;

  const post = (path: string, body?: unknown) => client.request("POST", `${base}${path}`, body ?? {});
  const fireAndForget = (path: string) => void post(path).catch(() => undefined);

  const stop = (state: ConnectionState) => {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
    source = undefined;
    onConnection(state);
  };

  const open = (resume: boolean) => {
    if (stopped) return;
    clearTimeout(retryTimer);
    source?.close();
    const es = new EventSource(client.eventsUrl(chatId, resume ? lastEventId : undefined));
    source = es;
    const current = () => es === source;
    const track = (e: MessageEvent<string>) => {
      if (e.lastEventId) lastEventId = e.lastEventId;
    };
    es.addEventListener("open", () => {
      if (current()) onConnection({ kind: "live" });
    });
    es.addEventListener("snapshot", (e) => {
      if (!current()) return;
      const snapshot = JSON.parse(e.data) as ChatSnapshot;
      track(e);
      retryMs = FIRST_RETRY_MS;
      const waiters = waiting;
      waiting = [];
      // A pending connect() takes it (the store sets it); otherwise it replaces the state directly.
      if (waiters.length) waiters.forEach((resolve) => resolve(snapshot));
      else snapshotListeners.forEach((l) => l(snapshot));
    });
    es.addEventListener("patches", (e) => {
      if (!current()) return;
      const batch = JSON.parse(e.data) as PatchBatch;
      track(e);
      retryMs = FIRST_RETRY_MS;
      patchListeners.forEach((l) => l(batch));
    });
    es.addEventListener("closed", () => {
      if (current()) stop({ kind: "closed", reason: "This session was closed on the server." });
    });
    es.addEventListener("shutdown", () => {
      // The stream ends next; EventSource retries until the server is back.
      if (current()) onConnection({ kind: "reconnecting", reason: "The server is restarting." });
    });
    es.addEventListener("error", () => {
      if (!current()) return;
      if (es.readyState === EventSource.CONNECTING) {
        onConnection({ kind: "reconnecting" });
        return;
      }
      // EventSource gave up (the server answered with an error status): ask why.
      es.close();
      source = undefined;
      onConnection({ kind: "reconnecting" });
      scheduleProbe();
    });
  };

  const scheduleProbe = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void probe(), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  const probe = async () => {
    if (stopped) return;
    try {
      await client.request("GET", `${base}/state`);
      open(true);
    } catch (err) {
      if (stopped) return;
      if (err instanceof ApiError && err.status === 401) onConnection({ kind: "unauthorized" });
      else if (err instanceof ApiError && err.status === 404) stop({ kind: "closed", reason: "This session is no longer open on the server." });
      else scheduleProbe();
    }
  };

  return {
    chatId,
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
    prompt: (text, images) => action(() => post("/prompt", withImages(text, images))),
    steer: (text, images) => action(() => post("/steer", withImages(text, images))),
    commands: async () => (await client.request<{ commands: SlashCommand[] }>("GET", `${base}/commands`)).commands,
    findFiles: async (query) => (await client.request<{ files: string[] }>("GET", `${base}/files?q=${encodeURIComponent(query)}`)).files,
    abort: () => fireAndForget("/abort"),
    // The server has no route for this yet; the queued messages are delivered as usual.
    clearQueue: () => undefined,
    newSession: () => fireAndForget("/new-session"),
    restart: () => fireAndForget("/restart"),
    answerDialog: (answer: DialogAnswerParams) => action(() => post("/ui-response", answer)),
    getModels: async () => {
      try {
        const { models } = await client.request<{ models: ModelChoice[] }>("GET", `${base}/models`);
        // The server does not list thinking levels yet: no picker rather than a guessed list.
        return { models, thinkingLevels: [] };
      } catch {
        return { models: [], thinkingLevels: [] };
      }
    },
    setModel: (provider, modelId) => action(() => post("/model", { provider, modelId })),
    setThinking: (level) => action(() => post("/thinking", { level })),
    // Past session files are not served over HTTP yet: an empty list, and resuming says so.
    listSessions: async (): Promise<PiSessionSummary[]> => {
      const reply = await client.request<{ past?: PiSessionSummary[] }>("GET", "/sessions");
      return Array.isArray(reply?.past) ? reply.past : [];
    },
    resumeSession: (file) => action(() => post("/resume", { file })),
    onPatches: (listener) => void patchListeners.add(listener),
    onSnapshot: (listener) => void snapshotListeners.add(listener),
    loadDraft: () => tabGet(`pi.draft.${chatId}`) ?? "",
    saveDraft: (text) => tabSet(`pi.draft.${chatId}`, text),
    loadScroll: () => parseScroll(tabGet(`pi.scroll.${chatId}`)),
    saveScroll: (position) => tabSet(`pi.scroll.${chatId}`, position ? JSON.stringify(position) : undefined),
  };
}
