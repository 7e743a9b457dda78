// The ids the activation shell needs without loading the chat machinery: the views it registers,
// and the commands a user can run before it has loaded (palette, keybindings, menus), which the
// shell registers and hands to the chat feature.
export const EARLY_COMMANDS = [
  "pi.newSession",
  "pi.openChatInEditor",
  "pi.tryDemoSession",
  "pi.stopSession",
  "pi.setApiKey",
  "pi.startRemoteServer",
  "pi.stopRemoteServer",
  "pi.openSessionInBrowser",
  "pi.setServerPassword",
  "pi.addSelection",
  "pi.focusChat",
] as const;

export type EarlyCommand = (typeof EARLY_COMMANDS)[number];

/** The sidebar chat (webview view) and the editor-tab chats (webview panels). */
export const CHAT_VIEW_ID = "pi.chat";
export const CHAT_PANEL_TYPE = "pi.chatPanel";
