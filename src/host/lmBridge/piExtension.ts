// The pi extension (loaded with `-e`, bundled as dist/lmBridgeProvider.js) that makes VS Code's
// language models pi models: it registers the "vscode-lm" provider from the private provider
// file named by PI_VSCODE_LM_BRIDGE, and registers it again whenever the extension rewrites
// the file (a model appeared or went away), so a running pi sees the change without a restart.
// Without the variable (the headless server, the plain pi CLI) it does nothing.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ExtensionAPI } from "@earendil-works/pi-coding-agent";
import { BRIDGE_FILE_ENV, BRIDGE_PROVIDER, readProviderFile, type ProviderFile } from "./providerFile";

// Plain requests: no developer role, no `store`, no reasoning effort, no strict schemas.
const COMPAT = { supportsDeveloperRole: false, supportsStore: false, supportsReasoningEffort: false, supportsStrictMode: false };

function register(pi: ExtensionAPI, file: ProviderFile): void {
  pi.registerProvider(BRIDGE_PROVIDER, {
    name: "VS Code",
    baseUrl: file.baseUrl,
    apiKey: file.apiKey,
    api: "openai-completions",
    models: file.models.map((m) => ({ ...m, compat: COMPAT })),
  });
}

// Only a default export: pi's loader (jiti) takes the module's default as the factory.
export default function vscodeModels(pi: ExtensionAPI): void {
  const file = process.env[BRIDGE_FILE_ENV]?.trim();
  if (!file) return;
  let registered = "";
  const apply = () => {
    const content = readProviderFile(file);
    const key = JSON.stringify(content ?? null);
    if (key === registered) return;
    if (content?.models.length) register(pi, content);
    else if (registered) pi.unregisterProvider(BRIDGE_PROVIDER);
    registered = content?.models.length ? key : "";
  };
  apply();
  // The extension replaces the file by rename: watch the folder, not the old inode.
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher = fs.watch(path.dirname(file), (_event, name) => {
      if (name !== null && name !== path.basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(apply, 50);
    });
    watcher.unref();
    pi.on("session_shutdown", () => watcher.close());
  } catch {
    // No folder to watch: the models of start-up stay.
  }
}
