// A real pi 0.87.1 (RPC mode, the workspace guard loaded, only the model scripted) for the
// checkpoint tests, driven through PiProcess directly so these tests do not depend on the
// chat's own bookkeeping.
import * as fs from "node:fs";
import * as path from "node:path";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { defaultGuardPath, defaultPiCliPath } from "../../src/host/piPaths";
import { PiProcess } from "../../src/host/piProcess";
import type { PiEvent } from "../../src/pi/rpcTypes";

const repoRoot = path.join(__dirname, "..", "..");

export interface PiRun {
  pi: PiProcess;
  sessionId: string;
  sessionFile: string;
  /** Sends a prompt and resolves when pi has settled. */
  prompt(text: string): Promise<void>;
  /** Each finished tool call: id, name, and the arguments it started with. */
  tools: Array<{ toolCallId: string; toolName: string; args: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface PiEnvironment {
  model: ScriptedModelServer;
  agentDir: string;
  snapshotDir: string;
  start(workspace: string, args?: string[]): Promise<PiRun>;
  close(): Promise<void>;
}

export async function piEnvironment(root: string): Promise<PiEnvironment> {
  const model = await startScriptedModel();
  const agentDir = path.join(root, "agent");
  const snapshotDir = path.join(root, "snapshots");
  fs.mkdirSync(snapshotDir, { recursive: true });
  writeDemoAgentDir(agentDir, model.baseUrl);
  const running = new Set<PiRun>();
  return {
    model,
    agentDir,
    snapshotDir,
    async start(workspace, args = []) {
      const pi = PiProcess.start(
        {
          node: { path: process.execPath, version: process.version, env: {}, source: "host" },
          cliPath: defaultPiCliPath(path.join(repoRoot, "src", "host")),
          cwd: workspace,
          args: ["--no-extensions", "-e", defaultGuardPath(path.join(repoRoot, "src", "host")), ...args],
          env: { ...process.env, ...offlinePiEnv(agentDir), PI_VSCODE_WORKSPACE: workspace, PI_VSCODE_BASH_POLICY: "never-ask", PI_VSCODE_SNAPSHOT_DIR: snapshotDir },
        },
        () => undefined,
      );
      const state = await pi.waitReady();
      const tools: PiRun["tools"] = [];
      const started = new Map<string, Record<string, unknown>>();
      pi.rpc.onEvent((e: PiEvent) => {
        if (e.type === "tool_execution_start") started.set(e.toolCallId, e.args as Record<string, unknown>);
        if (e.type === "tool_execution_end") tools.push({ toolCallId: e.toolCallId, toolName: e.toolName, args: started.get(e.toolCallId) ?? {} });
      });
      const run: PiRun = {
        pi,
        sessionId: state.sessionId,
        sessionFile: state.sessionFile ?? "",
        tools,
        async prompt(text) {
          const settled = new Promise<void>((resolve) => {
            const off = pi.rpc.onEvent((e) => {
              if (e.type === "agent_settled") {
                off();
                resolve();
              }
            });
          });
          await pi.rpc.send({ type: "prompt", message: text });
          await settled;
        },
        async stop() {
          running.delete(run);
          await pi.stop();
        },
      };
      running.add(run);
      return run;
    },
    async close() {
      for (const r of [...running]) await r.stop();
      await model.close();
    },
  };
}
