// The private provider file: the bridge's address, its secret and the models VS Code offers,
// written by the extension (mode 0600, in its own storage) and read by the pi extension
// (piExtension.ts) that registers them as pi's "vscode-lm" provider. It is layered over the
// user's configuration: their models.json, keys, settings and sessions are left as they are.
import * as fs from "node:fs";
import * as path from "node:path";
import { VSCODE_MODELS_PROVIDER } from "../../protocol/modelGroups";
import { bridgeModelId, type LmModelInfo } from "./types";

export const BRIDGE_PROVIDER = VSCODE_MODELS_PROVIDER;
/** Environment variable that tells pi's extension where the provider file is. */
export const BRIDGE_FILE_ENV = "PI_VSCODE_LM_BRIDGE";
/** Output limit when VS Code does not say (its stable consumer API has only the input limit). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

/** One model as pi's registerProvider() takes it. */
export interface PiModelConfig {
  id: string;
  name: string;
  reasoning: boolean;
  input: Array<"text" | "image">;
  cost: { input: number; output: number; cacheRead: number; cacheWrite: number };
  contextWindow: number;
  maxTokens: number;
}

export interface ProviderFile {
  baseUrl: string;
  apiKey: string;
  models: PiModelConfig[];
}

/** VS Code's models as pi models: limits from the model itself, no cost (VS Code bills them). */
export function piModels(models: LmModelInfo[]): PiModelConfig[] {
  return models.map((m) => ({
    id: bridgeModelId(m),
    name: m.name || m.id,
    reasoning: false,
    input: m.supportsImages ? ["text", "image"] : ["text"],
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    // pi compacts before the prompt outgrows contextWindow; VS Code's limit is on the prompt.
    contextWindow: m.maxInputTokens > 0 ? m.maxInputTokens : 128_000,
    maxTokens: m.maxOutputTokens && m.maxOutputTokens > 0 ? m.maxOutputTokens : DEFAULT_MAX_OUTPUT_TOKENS,
  }));
}

/** Atomic (write + rename), so pi never reads half a file; only the user can read it. */
export function writeProviderFile(file: string, content: ProviderFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Written before the window's first list of models, so that a pi starting meanwhile knows one is
 * coming and waits for it (briefly) instead of starting without VS Code's models. The first pi
 * then need not wait for VS Code's model query before it is spawned (~200 ms at window start).
 */
export function writePendingFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ pending: true }), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The file says its list is still being made (see writePendingFile). */
export function isPendingFile(file: string): boolean {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return typeof data === "object" && data !== null && (data as { pending?: unknown }).pending === true;
  } catch {
    return false;
  }
}

function isModel(value: unknown): value is PiModelConfig {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.id === "string" &&
    typeof m.name === "string" &&
    typeof m.contextWindow === "number" &&
    typeof m.maxTokens === "number" &&
    Array.isArray(m.input) &&
    m.input.every((i) => i === "text" || i === "image")
  );
}

/** The file's content, or undefined when it is missing or not ours (then pi gets no models). */
export function readProviderFile(file: string): ProviderFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.baseUrl !== "string" || !/^http:\/\/127\.0\.0\.1:\d+\/v1$/.test(d.baseUrl)) return undefined;
  if (typeof d.apiKey !== "string" || !d.apiKey || !Array.isArray(d.models)) return undefined;
  return { baseUrl: d.baseUrl, apiKey: d.apiKey, models: d.models.filter(isModel) };
}

/** The bundled pi extension next to this code, or its source in a development checkout. */
export function defaultLmProviderPath(fromDir: string = __dirname): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join("dist", "lmBridgeProvider.js"), path.join("src", "host", "lmBridge", "piExtension.ts")]) {
      const full = path.join(dir, candidate);
      if (fs.existsSync(full)) return full;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`the VS Code model provider for pi was not found near ${fromDir}; reinstall the extension.`);
}

/** What the headless server says about VS Code's models (it has no VS Code to get them from). */
export const HEADLESS_NOTE =
  "VS Code's language models (GitHub Copilot and others) are not offered here: only VS Code's extension host can reach them. " +
  "To use them from a browser, start the server inside VS Code with “Pi: Start Remote Server”.";
