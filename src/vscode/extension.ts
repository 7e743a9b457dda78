// The activation shell: registers what VS Code needs at once (commands, the chat view, the tab
// serializer) and loads the chat machinery (dist/chat.js, chatFeature.ts) on first use or just
// after activation — so activate() stays a few milliseconds and a few kilobytes.
import * as vscode from "vscode";
import type { ChatHost } from "../host/chatHost";
import type { ChatFeature } from "./chatFeature";
import { CHAT_PANEL_TYPE, CHAT_VIEW_ID, EARLY_COMMANDS } from "./commandIds";
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
  for (const id of EARLY_COMMANDS)
    context.subscriptions.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => {
        // When the command reached the extension host, beside when its work starts (pi's spawn).
        log("debug", `command ${id}`);
        return load().commands[id](...args);
      }),
    );
  // Right after activate() returns, not in it. Every way Pi activates either needs the machinery
  // now (a command, the view, a restored tab) or comes once the window has started
  // (onStartupFinished); a command that activated Pi reaches its handler 350–450 ms after
  // activation in a window that just opened, and the machinery loads in that gap.
  const timer = setTimeout(load, 0);
  context.subscriptions.push(
    { dispose: () => clearTimeout(timer) },
    vscode.commands.registerCommand("pi.showLog", () => channel.show()),
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, {
      resolveWebviewView: (view) => {
        // When VS Code asked for the sidebar page, and how long building it took: the view's
        // share of a first chat, beside pi's start.
        const t0 = performance.now();
        log("debug", "sidebar view: resolving");
        load().view.resolveWebviewView(view);
        log("debug", `sidebar view: page set in ${(performance.now() - t0).toFixed(1)} ms`);
      },
    }),
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
