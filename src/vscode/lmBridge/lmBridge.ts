// VS Code's language models as pi models (setting `pi.vscodeModels`). Owns the loopback bridge
// server, keeps the private provider file in step with vscode.lm (models appearing or going,
// the setting), and gives every pi the `-e` extension and the variable that read that file.
// Chats started by the remote server run on the same ChatHost, so the browser gets them too.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { startBridgeServer, type BridgeServer } from "../../host/lmBridge/bridgeServer";
import { BRIDGE_FILE_ENV, BRIDGE_PROVIDER, piModels, writePendingFile, writeProviderFile } from "../../host/lmBridge/providerFile";
import { bridgeModelId, type LmModelInfo } from "../../host/lmBridge/types";
import type { Logger } from "../../host/piProcess";
import { VscodeLmBackend } from "./vscodeBackend";
import { findLmApi, NO_LM_API, type LmApi } from "./vscodeLm";

/** A VS Code model for the chat's model picker ("VS Code: <vendor>/<family>" group). */
export interface BridgeModel {
  /** pi's provider name: what `set_model` takes as `provider`. */
  provider: typeof BRIDGE_PROVIDER;
  /** pi's model id (`<vendor>/<VS Code id>`): what `set_model` takes as `modelId`. */
  modelId: string;
  vendor: string;
  family: string;
  name: string;
  version: string;
  contextWindow: number;
  maxOutput: number;
  supportsImages: boolean;
}

export type BridgeStatus = { state: "on"; models: number } | { state: "off" } | { state: "unavailable"; reason: string };

export interface LmBridgeOptions {
  /** The extension's global storage folder (the provider file lives there). */
  storageDir: string;
  /** dist/lmBridgeProvider.js (or its source in development). */
  providerPath: string;
  log: Logger;
  /** Another API (tests); default: this VS Code's. */
  api?: LmApi;
}

const SETTING = "pi.vscodeModels";
/** selectChatModels can wait on other extensions activating; a chat must not wait long for it. */
const PREPARE_TIMEOUT_MS = 5_000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Files of windows that ended without cleaning up (their pid is gone and the file is old). */
function removeStaleFiles(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^provider-(\d+)\.json$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    const file = path.join(dir, name);
    try {
      process.kill(Number(pid), 0);
      continue;
    } catch {
      // That window is gone.
    }
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > DAY_MS) fs.rmSync(file, { force: true });
    } catch {
      // Removed meanwhile.
    }
  }
}

export class LmBridge implements vscode.Disposable {
  private readonly api: LmApi | undefined;
  private readonly backend: VscodeLmBackend | undefined;
  private server: Promise<BridgeServer> | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The file has been written once: from then on VS Code's change events keep it current. */
  private written = false;
  /** The first list was asked for (and a pending file written). */
  private asked = false;
  private logged = "";
  private readonly disposables: vscode.Disposable[] = [];
  readonly file: string;

  constructor(private readonly options: LmBridgeOptions) {
    this.api = options.api ?? findLmApi();
    // One file per extension host: every VS Code window runs its own bridge, on its own port.
    this.file = path.join(options.storageDir, "lm-bridge", `provider-${process.pid}.json`);
    removeStaleFiles(path.dirname(this.file));
    if (!this.api) {
      options.log("info", `VS Code models: ${NO_LM_API}`);
      return;
    }
    this.backend = new VscodeLmBackend(this.api, options.log);
    this.disposables.push(
      this.backend,
      this.api.onDidChangeChatModels(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTING) && this.refresh()),
    );
  }

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration().get<string>(SETTING, "on") !== "off";
  }

  /** Environment for every pi: where its extension finds the provider file. */
  env(): Record<string, string> {
    return this.api ? { [BRIDGE_FILE_ENV]: this.file } : {};
  }

  /** Arguments for every pi: the extension that registers the provider. */
  args(): string[] {
    return this.api ? ["-e", this.options.providerPath] : [];
  }

  /**
   * Before a pi starts. Never throws. The first start asks VS Code for its models (a server
   * start and selectChatModels: 200–650 ms at window start) but does not wait for them: the
   * file says "pending" meanwhile, and pi's extension waits for the list while pi loads. Later
   * starts wait only for a rewrite a change event started.
   */
  async prepare(): Promise<void> {
    if (!this.api) return;
    if (!this.written) {
      if (!this.asked) {
        this.asked = true;
        try {
          writePendingFile(this.file);
        } catch (err) {
          // Then pi finds no file and starts without VS Code's models; the watch brings them.
          this.options.log("warn", `VS Code models: could not write the provider file: ${err instanceof Error ? err.message : String(err)}`);
        }
        this.refresh();
      }
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, PREPARE_TIMEOUT_MS)));
    await Promise.race([this.writing, timeout]).finally(() => clearTimeout(timer));
  }

  /** The models for the picker; empty when the setting is off or VS Code has none. */
  async models(): Promise<BridgeModel[]> {
    if (!this.backend || !this.enabled) return [];
    const infos = await this.backend.models();
    const configs = new Map(piModels(infos).map((m) => [m.id, m]));
    return infos.map((m) => {
      const config = configs.get(bridgeModelId(m));
      return {
        provider: BRIDGE_PROVIDER,
        modelId: bridgeModelId(m),
        vendor: m.vendor,
        family: m.family,
        name: m.name,
        version: m.version,
        contextWindow: config?.contextWindow ?? m.maxInputTokens,
        maxOutput: config?.maxTokens ?? 0,
        supportsImages: config?.input.includes("image") ?? false,
      };
    });
  }

  async status(): Promise<BridgeStatus> {
    if (!this.api) return { state: "unavailable", reason: NO_LM_API };
    if (!this.enabled) return { state: "off" };
    return { state: "on", models: (await this.models()).length };
  }

  /** Rewrites the provider file (serialised: the last write wins and reflects the last change). */
  private refresh(): void {
    const backend = this.backend;
    if (!backend) return;
    this.writing = this.writing.then(async () => {
      try {
        this.server ??= startBridgeServer({ backend, log: this.options.log });
        const server = await this.server;
        const models: LmModelInfo[] = this.enabled ? await backend.models() : [];
        writeProviderFile(this.file, { baseUrl: server.baseUrl, apiKey: server.apiKey, models: piModels(models) });
        this.written = true;
        const summary = models.length ? models.map((m) => bridgeModelId(m)).join(", ") : this.enabled ? "none available" : "off (pi.vscodeModels)";
        if (summary !== this.logged) this.options.log("info", `VS Code models for pi: ${summary}`);
        this.logged = summary;
      } catch (err) {
        this.options.log("warn", `VS Code models: could not update the provider file: ${err instanceof Error ? err.message : String(err)}`);
        // A pi waiting on the pending file must not wait for a list that is not coming.
        // The next pi start asks again.
        if (!this.written) {
          this.asked = false;
          try {
            fs.rmSync(this.file, { force: true });
          } catch {
            // Then pi's wait ends at its timeout.
          }
        }
      }
    });
  }

  async dispose(): Promise<void> {
    this.disposables.forEach((d) => d.dispose());
    const server = this.server;
    this.server = undefined;
    if (server) await (await server.catch(() => undefined))?.close();
    fs.rmSync(this.file, { force: true });
  }
}
