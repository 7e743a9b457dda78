// What the chat app needs from its host, derived from the action table: one `call` per action
// (typed by the table), the host's events, and the page state that survives a reload. VS Code
// (vscode-messenger) and a browser (HTTP + SSE) implement it; the UI cannot tell them apart
// except through `can` (an editor action has no meaning in a browser).
import { errorText } from "../src/protocol/actionError";
import type { ActionName, ActionParams, ActionResult } from "../src/protocol/actions";
import type { ChatSnapshot } from "../src/protocol/transcript";
import type { ViewEventData, ViewEventName } from "../src/protocol/viewEvents";

export interface ChatTransport {
  /** Which kind of view this page is (the header says who else looks at the chat). */
  readonly kind: "vscode" | "browser";
  /** Asks for the chat's whole state (and, over HTTP, opens its event stream). */
  connect(): Promise<ChatSnapshot>;
  /** Runs an action of the table; rejects with the host's reason (an Error whose message is for people). */
  call<K extends ActionName>(name: K, params: ActionParams<K>): Promise<ActionResult<K>>;
  /** Whether this transport offers the action: the UI hides what it cannot do. */
  can(name: ActionName): boolean;
  /** A host event; returns an unsubscribe. */
  on<E extends ViewEventName>(event: E, listener: (data: ViewEventData<E>) => void): () => void;
  /** Survives a reload of the page (VS Code: webview state; browser: the tab's storage). */
  loadDraft(): string;
  saveDraft(text: string): void;
  /** Where the transcript was scrolled to (undefined = follow the end); survives a reload too. */
  loadScroll(): ScrollPosition | undefined;
  saveScroll(position: ScrollPosition | undefined): void;
}

/** A scroll position that survives re-rendering: an item and the pixel offset into it. */
export interface ScrollPosition {
  itemId: string;
  offset: number;
}

/** An action's failure as text for the UI ("" when it worked). */
export async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return "";
  } catch (err) {
    return errorText(err);
  }
}

/** Listener sets per event, shared by both transports. */
export class EventListeners {
  private readonly sets = new Map<ViewEventName, Set<(data: never) => void>>();

  on<E extends ViewEventName>(event: E, listener: (data: ViewEventData<E>) => void): () => void {
    const set = this.sets.get(event) ?? new Set();
    this.sets.set(event, set);
    set.add(listener as (data: never) => void);
    return () => set.delete(listener as (data: never) => void);
  }

  emit<E extends ViewEventName>(event: E, data: ViewEventData<E>): void {
    this.sets.get(event)?.forEach((l) => (l as (d: ViewEventData<E>) => void)(data));
  }

  count(event: ViewEventName): number {
    return this.sets.get(event)?.size ?? 0;
  }
}
