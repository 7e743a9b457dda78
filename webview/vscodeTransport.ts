// The transport inside a VS Code webview: every action is a vscode-messenger request named by
// the action table, every host event a notification named by the event table.
import { HOST_EXTENSION } from "vscode-messenger-common";
import { Messenger, type VsCodeApi } from "vscode-messenger-webview";
import { ActionError, isActionErrorCode } from "../src/protocol/actionError";
import { ACTIONS, type ActionName, type MessengerReply, messengerMethod } from "../src/protocol/actions";
import type { EarlySnapshot } from "../src/protocol/earlySnapshot";
import type { ChatSnapshot } from "../src/protocol/transcript";
import { eventMethod, VIEW_EVENTS, type ViewEventData, type ViewEventName } from "../src/protocol/viewEvents";
import { type ChatTransport, EventListeners, type ScrollPosition } from "./transport";

interface PersistedState {
  draft?: string;
  scroll?: ScrollPosition;
  /** The chat this tab shows: VS Code hands it back to restore the tab after a reload. */
  chatId?: string;
}

/** A vscode-messenger response as it comes over the wire. */
interface Response {
  result?: unknown;
  error?: { message?: string };
}

/** The action's result from its reply, or the error the host gave. */
function unwrap(name: ActionName, reply: MessengerReply<never> | undefined) {
  if (!reply || typeof reply !== "object") throw new Error(`${name}: the host sent no answer.`);
  if (!reply.ok) throw new ActionError(isActionErrorCode(reply.error?.code) ? reply.error.code : "internal", reply.error?.message ?? `${name} failed.`);
  return reply.result;
}

/** `early`: the page's HTML already asked for the snapshot (src/protocol/earlySnapshot.ts). */
export function createVscodeTransport(vscode: VsCodeApi, early?: EarlySnapshot<VsCodeApi>): ChatTransport {
  const messenger = new Messenger(vscode);
  const listeners = new EventListeners();
  const state = (): PersistedState => (vscode.getState() as PersistedState | undefined) ?? {};
  const rememberChat = (snapshot: ChatSnapshot): ChatSnapshot => {
    const chatId = snapshot?.info?.chatId || undefined;
    if (chatId !== state().chatId) vscode.setState({ ...state(), chatId });
    return snapshot;
  };
  // The host may send draft text before the composer has subscribed (the page just loaded): keep it until then.
  let draftBacklog: Array<ViewEventData<"draft">> = [];
  const deliver = <E extends ViewEventName>(name: E, data: ViewEventData<E>) => {
    if (name === "snapshot") rememberChat(data as ChatSnapshot);
    if (name === "draft" && listeners.count("draft") === 0) draftBacklog.push(data as ViewEventData<"draft">);
    else listeners.emit(name, data);
  };
  for (const name of Object.keys(VIEW_EVENTS) as ViewEventName[]) {
    if (!(VIEW_EVENTS[name].over as readonly string[]).includes("vscode")) continue;
    messenger.onNotification<ViewEventData<typeof name>>({ method: eventMethod(name) }, (data) => deliver(name, data));
  }

  const call: ChatTransport["call"] = async (name, params) => unwrap(name, (await messenger.sendRequest({ method: messengerMethod(name) }, HOST_EXTENSION, params)) as MessengerReply<never>);
  // The first connect takes the early request's answer; then the messenger takes over from the
  // page's script (a reconnect, or an answer that never came, asks again).
  let earlyAnswer: Promise<ChatSnapshot> | undefined;
  let released = !early;
  const release = () => {
    if (released || !early) return;
    released = true;
    const kept = early.release();
    messenger.start();
    for (const data of kept) window.dispatchEvent(new MessageEvent("message", { data }));
  };
  if (early) {
    earlyAnswer = new Promise<ChatSnapshot>((resolve, reject) =>
      early.answer((raw) => {
        const response = raw as Response;
        if (response.error) reject(new Error(`snapshot: ${response.error.message ?? "the host failed"}`));
        else
          try {
            resolve(unwrap("snapshot", response.result as MessengerReply<never>) as ChatSnapshot);
          } catch (err) {
            reject(err);
          }
      }),
    );
    // Handled where connect() takes it; until then a failed answer is no unhandled rejection.
    earlyAnswer.catch(() => {});
  }

  const transport: ChatTransport = {
    kind: "vscode",
    connect: () => {
      const answer = earlyAnswer;
      earlyAnswer = undefined;
      if (!answer) {
        release();
        return call("snapshot", {}).then(rememberChat);
      }
      // After the store has applied the snapshot (its await runs first): what came since.
      return answer.then(rememberChat).finally(() => setTimeout(release, 0));
    },
    call,
    can: (name: ActionName) => (ACTIONS[name] as { vscode?: false }).vscode !== false,
    on: (event, listener) => {
      const off = listeners.on(event, listener);
      if (event === "draft") {
        const backlog = draftBacklog;
        draftBacklog = [];
        for (const draft of backlog) (listener as (d: ViewEventData<"draft">) => void)(draft);
      }
      return off;
    },
    loadDraft: () => state().draft ?? "",
    saveDraft: (draft) => vscode.setState({ ...state(), draft }),
    loadScroll: () => state().scroll,
    saveScroll: (scroll) => vscode.setState({ ...state(), scroll }),
  };
  if (!early) messenger.start();
  return transport;
}
