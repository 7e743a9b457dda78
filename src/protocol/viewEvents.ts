// What the host tells a view without being asked, declared once: the vscode-messenger
// notifications and the SSE event names both derive from this table.
import type { Static, TSchema } from "typebox";
import { Type } from "typebox";
import { Obj } from "./schemas/common";
import { ChatSnapshotSchema, PatchBatchSchema } from "./schemas/transcript";

interface ViewEventSpec<D extends TSchema = TSchema> {
  summary: string;
  data: D;
  /** Which transports carry it. */
  over: ReadonlyArray<"vscode" | "sse">;
}

const event = <D extends TSchema>(spec: ViewEventSpec<D>) => spec;

export const VIEW_EVENTS = {
  snapshot: event({ summary: "Replaces the view's state (first connect, a resync, another pi session shown).", data: ChatSnapshotSchema, over: ["vscode", "sse"] }),
  patches: event({ summary: "Incremental changes, at most one batch per animation frame.", data: PatchBatchSchema, over: ["vscode", "sse"] }),
  draft: event({
    summary: "Text for the composer: added (Add Selection to Chat) or, with `replace`, put in its place (a pi extension's setEditorText); the composer takes focus.",
    data: Obj({ text: Type.String(), replace: Type.Optional(Type.Boolean()) }),
    over: ["vscode", "sse"],
  }),
  focusInput: event({ summary: "Puts the cursor in the composer (Pi: Focus Chat).", data: Obj({}), over: ["vscode"] }),
  closed: event({ summary: "The chat was closed on the server; the stream ends.", data: Obj({ chatId: Type.String() }), over: ["sse"] }),
  shutdown: event({ summary: "The server is stopping; the stream ends and the client retries.", data: Obj({ reason: Type.Optional(Type.String()) }), over: ["sse"] }),
} as const;

export type ViewEvents = typeof VIEW_EVENTS;
export type ViewEventName = keyof ViewEvents;
export type ViewEventData<E extends ViewEventName> = Static<ViewEvents[E]["data"]>;

/** The vscode-messenger notification method of an event. */
export function eventMethod(name: ViewEventName): string {
  return `pi/event/${name}`;
}

/** The SSE stream of a chat (its path template under the API prefix). */
export const EVENTS_PATH = "/chats/:chatId/events";
