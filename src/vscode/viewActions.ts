// The two actions whose meaning is "this view": its snapshot, and a new chat shown in it.
// No `vscode` import: the contract tests run them over vscode-messenger outside VS Code.
import type { ActionHandlers } from "../host/chatActions";
import type { ViewContext } from "./chatRouter";

export function viewActions(): ActionHandlers<"snapshot" | "newChat", ViewContext> {
  return {
    snapshot: async (_, { bridge }) => {
      const snapshot = bridge.snapshot();
      // The page is live now: text added to its draft while it was loading can go.
      bridge.connected();
      return snapshot;
    },
    newChat: async (_, { bridge }) => ({ chatId: (await bridge.replaceWithNew()).id }),
  };
}
