// Pi: Start/Stop Remote Server, Open Chat in Browser, Set Remote Server Password. The server
// (with pino and find-my-way) is its own bundle, dist/remote.js, loaded the first time one of
// these runs: most users never start it, and nobody should pay for it at activation.
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import type { ChatHost } from "../host/chatHost";
import type { Logger } from "../host/piProcess";
import type { EarlyCommand } from "./commandIds";
import type { RemoteServer } from "./remoteServer";

export interface RemoteCommandDeps {
  host: ChatHost;
  log: Logger;
  reportError(err: unknown): void;
  currentChat(): Chat | undefined;
  newChat(): Promise<Chat>;
}

type RemoteCommand = "pi.startRemoteServer" | "pi.stopRemoteServer" | "pi.openSessionInBrowser" | "pi.setServerPassword";

const UNTRUSTED = "Pi is off in this untrusted workspace: trust the folder first (Command Palette → “Workspaces: Manage Workspace Trust”).";

export function remoteCommands(
  context: vscode.ExtensionContext,
  deps: RemoteCommandDeps,
): { server: () => RemoteServer; stop: () => Promise<boolean>; commands: Record<RemoteCommand & EarlyCommand, () => unknown> } {
  let instance: RemoteServer | undefined;
  const server = (): RemoteServer => {
    if (!instance) {
      const { RemoteServer: Server } = require("./remote.js") as typeof import("./remoteServer");
      instance = new Server({ context, host: deps.host, log: deps.log, currentSession: deps.currentChat, newSession: deps.newChat });
      context.subscriptions.push(instance);
    }
    return instance;
  };
  const trusted = () => {
    if (vscode.workspace.isTrusted) return true;
    deps.reportError(new Error(UNTRUSTED));
    return false;
  };
  return {
    server,
    stop: async () => (instance ? instance.stop() : false),
    commands: {
      "pi.startRemoteServer": async () => {
        if (!trusted()) return;
        try {
          const running = await server().start();
          const external = await vscode.env.asExternalUri(vscode.Uri.parse(running.url));
          const choice = await vscode.window.showInformationMessage(`Pi remote server is listening on ${external.toString(true)}`, "Open Session in Browser", "Copy Link");
          if (choice === "Open Session in Browser") await server().openInBrowser();
          else if (choice === "Copy Link") {
            const chat = deps.currentChat();
            await vscode.env.clipboard.writeText(chat ? (await server().linkTo(chat)).toString(true) : external.toString(true));
          }
        } catch (err) {
          deps.reportError(err);
        }
      },
      "pi.stopRemoteServer": async () => {
        const stopped = instance ? await instance.stop() : false;
        void vscode.window.showInformationMessage(stopped ? "Pi remote server stopped. The chats keep running in VS Code." : "The Pi remote server is not running.");
      },
      "pi.openSessionInBrowser": () => {
        if (!trusted()) return;
        return server().openInBrowser().catch(deps.reportError);
      },
      "pi.setServerPassword": () => server().setPassword().catch(deps.reportError),
    },
  };
}
