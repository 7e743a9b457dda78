// "Pi: Try Demo Session": the built-in scripted model, so anyone can see the whole loop
// without an API key. The model server starts on first use and stops on deactivate.
import * as path from "node:path";
import type * as vscode from "vscode";
import { offlinePiEnv, writeDemoAgentDir } from "../demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../demo/scriptedModel";

export class DemoModel {
  private server: Promise<ScriptedModelServer> | undefined;

  constructor(private readonly storage: vscode.Uri) {}

  /** Environment that points a pi process at the demo model (in a private agent dir). */
  async env(): Promise<NodeJS.ProcessEnv> {
    this.server ??= startScriptedModel();
    const server = await this.server;
    const agentDir = path.join(this.storage.fsPath, "demo-agent");
    writeDemoAgentDir(agentDir, server.baseUrl);
    return offlinePiEnv(agentDir);
  }

  async dispose(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await (await server).close();
  }
}
