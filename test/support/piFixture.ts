// A real pi with only the model scripted: a scripted OpenAI-compatible server on 127.0.0.1,
// a private agent dir, a temp workspace, and a ChatHost that runs pi from node_modules.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelOptions, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import type { Chat } from "../../src/host/chat/chat";
import { ChatHost, type ChatHostOptions } from "../../src/host/chatHost";
import { defaultPiCliPath } from "../../src/host/piPaths";
import type { ChatItem, ChatStatus } from "../../src/protocol/transcript";

export interface PiFixture {
  model: ScriptedModelServer;
  agentDir: string;
  workspace: string;
  host: ChatHost;
  logs: string[];
  cleanup(): Promise<void>;
}

export async function startPiFixture(
  options: ScriptedModelOptions = {},
  hostOptions: Partial<Pick<ChatHostOptions, "maxProcesses" | "idleMinutes" | "guard" | "prewarm" | "rewarmDelayMs" | "extraArgs" | "onReclaimed" | "checkpoints">> = {},
): Promise<PiFixture> {
  const model = await startScriptedModel(options);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-it-"));
  const agentDir = path.join(root, "agent");
  const workspace = path.join(root, "workspace");
  fs.mkdirSync(workspace, { recursive: true });
  writeDemoAgentDir(agentDir, model.baseUrl, { withReasoningModel: true });
  const logs: string[] = [];
  const host = new ChatHost({
    piCliPath: defaultPiCliPath(path.join(__dirname, "..", "..")),
    env: () => offlinePiEnv(agentDir),
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...hostOptions,
  });
  return {
    model,
    agentDir,
    workspace,
    host,
    logs,
    async cleanup() {
      await host.stopAll();
      await model.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  return new Promise<T>((resolve, reject) => {
    const poll = () => {
      let value: T | undefined | false;
      try {
        value = check();
      } catch (err) {
        reject(err);
        return;
      }
      if (value) resolve(value);
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

export function waitForStatus(session: Chat, status: ChatStatus, timeoutMs?: number): Promise<true> {
  return waitFor(`status ${status}`, () => session.status === status, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; the status is ${session.status}`);
  });
}

export function assistantText(items: ChatItem[]): string {
  return items
    .filter((i) => i.kind === "assistant")
    .map((i) => (i.kind === "assistant" ? i.blocks.map((b) => (b.type === "text" ? b.text : "")).join("") : ""))
    .join("\n");
}
