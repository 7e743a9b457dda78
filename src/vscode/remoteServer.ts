// "Pi: Start/Stop Remote Server" and "Pi: Open Session in Browser": the HTTP/SSE server runs
// inside the extension host on the same ChatHost, so a browser and the VS Code chat show
// the same live session. It always requires a credential (even on loopback: other local
// users and processes must not drive the agent); VS Code hands the browser a one-time ticket.
import * as path from "node:path";
import pino from "pino";
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import type { Logger } from "../host/piProcess";
import type { ChatHost } from "../host/chatHost";
import { configFromEnv, isLoopbackHost } from "../server/config";
import { createPiServer, type PiServer } from "../server/httpServer";
import { chatPageUrl } from "../server/links";

const PASSWORD_KEY = "pi.server.password";

export interface RemoteServerDeps {
  context: vscode.ExtensionContext;
  host: ChatHost;
  log: Logger;
  /** The chat the user is looking at (sidebar or focused editor tab), if any. */
  currentSession(): Chat | undefined;
  /** Starts a session in the sidebar when there is none to open. */
  newSession(): Promise<Chat>;
}

/** pino writes JSON lines; the extension's log channel wants a level and a message. */
function pinoToChannel(log: Logger, level: string): pino.Logger {
  const levels: Record<number, "debug" | "info" | "warn" | "error"> = { 10: "debug", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "error" };
  return pino(
    { level, base: undefined, timestamp: false, redact: { paths: ["password", "token", "ticket", "authorization", "*.password", "*.token", "*.authorization"], censor: "[redacted]" } },
    {
      write(line: string) {
        try {
          const { level: n, msg, ...rest } = JSON.parse(line) as { level: number; msg?: string };
          const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
          log(levels[n] ?? "info", `server: ${msg ?? ""}${extra}`);
        } catch {
          log("info", `server: ${line.trim()}`);
        }
      },
    },
  );
}

export class RemoteServer implements vscode.Disposable {
  private server: PiServer | undefined;
  private starting: Promise<PiServer> | undefined;
  private readonly status = vscode.window.createStatusBarItem("pi.remoteServer", vscode.StatusBarAlignment.Right, 90);

  constructor(private readonly deps: RemoteServerDeps) {
    this.status.name = "Pi remote server";
    this.status.command = "pi.openSessionInBrowser";
  }

  get running(): PiServer | undefined {
    return this.server;
  }

  /** Starts the server once (concurrent calls share the start). */
  start(): Promise<PiServer> {
    if (this.server) return Promise.resolve(this.server);
    this.starting ??= this.listen().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async listen(): Promise<PiServer> {
    const settings = vscode.workspace.getConfiguration("pi.server");
    const host = settings.get<string>("host")?.trim() || "127.0.0.1";
    const port = settings.get<number>("port") ?? 0;
    const password = await this.deps.context.secrets.get(PASSWORD_KEY);
    if (!isLoopbackHost(host) && !password) {
      throw new Error(`Pi will not listen on ${host} without a password: anyone who reaches it can run commands. Run “Pi: Set Remote Server Password” first, or keep pi.server.host at 127.0.0.1.`);
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error("Open a folder first: the remote server serves the sessions of a workspace folder.");
    const config = configFromEnv(
      {},
      {
        host,
        port,
        uiPassword: password || undefined,
        requireAuth: true,
        allowedHosts: settings.get<string[]>("allowedHosts") ?? [],
        dataDir: path.join(this.deps.context.globalStorageUri.fsPath, "server"),
      },
    );
    const server = createPiServer({
      host: this.deps.host,
      workspace: folder.uri.fsPath,
      config,
      log: pinoToChannel(this.deps.log, settings.get<string>("logLevel") ?? "info"),
      // The sessions belong to VS Code: stopping the server must not stop the chats.
      ownsChats: false,
    });
    const url = await server.listen();
    this.server = server;
    this.status.text = `$(broadcast) Pi :${server.port}`;
    this.status.tooltip = `Pi remote server on ${url}: click to open the current chat in a browser`;
    this.status.show();
    return server;
  }

  async stop(): Promise<boolean> {
    const server = this.server ?? (await this.starting?.catch(() => undefined));
    if (!server) return false;
    this.server = undefined;
    this.status.hide();
    await server.close();
    return true;
  }

  /** A link to `session` that logs the browser in once; through port forwarding when remote. */
  async linkTo(session: Chat): Promise<vscode.Uri> {
    const server = await this.start();
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(server.url));
    server.allowForwarded(external.toString(true));
    // asExternalUri may add a path or query (e.g. Codespaces); only the ticket is ours to set.
    return vscode.Uri.parse(chatPageUrl(external.toString(true), session.id, server.issueLoginTicket()), true);
  }

  async openInBrowser(): Promise<void> {
    const session = this.deps.currentSession() ?? (await this.deps.newSession());
    await vscode.env.openExternal(await this.linkTo(session));
  }

  async setPassword(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: "Pi remote server password",
      prompt: "Needed to listen on a non-loopback address (pi.server.host). Leave empty to remove it.",
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v && v.length < 12 ? "Use at least 12 characters." : undefined),
    });
    if (value === undefined) return;
    if (value) await this.deps.context.secrets.store(PASSWORD_KEY, value);
    else await this.deps.context.secrets.delete(PASSWORD_KEY);
    if (this.server) void vscode.window.showInformationMessage("Restart the Pi remote server to use the new password.");
  }

  dispose(): void {
    this.status.dispose();
    void this.stop();
  }
}
