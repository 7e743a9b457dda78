// A private pi agent directory that points pi at the scripted model.
// Kept apart from the user's ~/.pi/agent so the demo and the tests never touch it.
import * as fs from "node:fs";
import * as path from "node:path";
import { MODEL_ID } from "./scriptedModel";

export const DEMO_PROVIDER = "pi-demo";

export interface DemoAgentDirOptions {
  /** Adds a reasoning-capable twin model (`pi-demo-thinking`). */
  withReasoningModel?: boolean;
}

function model(id: string, reasoning: boolean) {
  return {
    id,
    name: reasoning ? "Pi demo (thinking)" : "Pi demo (scripted)",
    reasoning,
    input: ["text", "image"],
    contextWindow: 128000,
    maxTokens: 8192,
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  };
}

/** Writes models.json and settings.json; call again when the model server's port changes. */
export function writeDemoAgentDir(agentDir: string, baseUrl: string, options: DemoAgentDirOptions = {}): void {
  fs.mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const models = [model(MODEL_ID, false)];
  if (options.withReasoningModel) models.push(model(`${MODEL_ID}-thinking`, true));
  const modelsJson = {
    providers: {
      [DEMO_PROVIDER]: {
        baseUrl,
        api: "openai-completions",
        apiKey: "pi-demo-no-key-needed",
        compat: { supportsDeveloperRole: false, supportsStore: false, supportsReasoningEffort: false },
        models,
      },
    },
  };
  fs.writeFileSync(path.join(agentDir, "models.json"), JSON.stringify(modelsJson, null, 2));
  const settingsPath = path.join(agentDir, "settings.json");
  const existing = fs.existsSync(settingsPath) ? (JSON.parse(fs.readFileSync(settingsPath, "utf8")) as Record<string, unknown>) : {};
  const settings = { ...existing, defaultProvider: DEMO_PROVIDER, defaultModel: MODEL_ID };
  fs.writeFileSync(settingsPath, JSON.stringify(settings, null, 2));
}

/** Environment that keeps pi offline and quiet. */
export function offlinePiEnv(agentDir: string): Record<string, string> {
  return { PI_CODING_AGENT_DIR: agentDir, PI_OFFLINE: "1", PI_SKIP_VERSION_CHECK: "1", PI_TELEMETRY: "0" };
}
