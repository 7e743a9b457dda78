// The activation shell: registers what VS Code needs at once (commands, the chat view, the tab
// serializer) and loads the chat machinery (dist/chat.js, chatFeature.ts) on first use or a
// moment after activation — so activate() stays a few milliseconds and a few kilobytes.
import * as vscode from "vscode";
import type { ChatHost } from "../host/chatHost";
import type { ChatFeature } from "./chatFeature";
import { CHAT_PANEL_TYPE, CHAT_VIEW_ID, EARLY_COMMANDS, USED_HERE_KEY } from "./commandIds";
import type { LmBridge } from "./lmBridge/lmBridge";
import { createLog } from "./log";
import type { RemoteServer } from "./remoteServer";

/** What activate() returns: used by the extension tests, and by other extensions. */
export interface PiExtensionApi {
  readonly host: ChatHost;
  /** The browser-facing server ("Pi: Start Remote Server"), shared with the tests. */
  readonly remote: RemoteServer;
  /** VS Code's language models as pi models (`pi.vscodeModels`): the model picker's source. */
  readonly lmBridge: LmBridge;
  /** How long activate() took, in ms (reported by the benchmarks). */
  activationMs: number;
}

/** The chat machinery comes a moment after activation, unless something needs it sooner (or Pi ran here). */
const LOAD_DELAY_MS = 500;

let feature: ChatFeature | undefined;

export function activate(context: vscode.ExtensionContext): PiExtensionApi {
  const started = performance.now();
  const { channel, log } = createLog();
  context.subscriptions.push(channel);
  const load = (): ChatFeature => {
    if (!feature) {
      const t0 = performance.now();
      const { startChatFeature } = require("./chat.js") as typeof import("./chatFeature");
      feature = startChatFeature(context, log, () => channel.show());
      log("info", `chat machinery ready in ${(performance.now() - t0).toFixed(1)} ms`);
    }
    return feature;
  };
  for (const id of EARLY_COMMANDS) context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => load().commands[id](...args)));
  // Where Pi has run, a chat is likely soon: the machinery (and with it the spare pi) comes at once.
  const soon = vscode.workspace.isTrusted && context.workspaceState.get<boolean>(USED_HERE_KEY) === true;
  const timer = setTimeout(load, soon ? 0 : LOAD_DELAY_MS);
  context.subscriptions.push(
    { dispose: () => clearTimeout(timer) },
    vscode.commands.registerCommand("pi.showLog", () => channel.show()),
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, { resolveWebviewView: (view) => load().view.resolveWebviewView(view) }),
    vscode.window.registerWebviewPanelSerializer(CHAT_PANEL_TYPE, { deserializeWebviewPanel: (panel, state: unknown) => load().deserializePanel(panel, state) }),
  );
  const activationMs = performance.now() - started;
  log("info", `Pi activated in ${activationMs.toFixed(1)} ms (extension host node ${process.versions.node})`);
  return {
    get host() {
      return load().host;
    },
    get remote() {
      return load().remote();
    },
    get lmBridge() {
      return load().lmBridge;
    },
    activationMs,
  };
}

export async function deactivate(): Promise<void> {
  await feature?.dispose();
  feature = undefined;
}
