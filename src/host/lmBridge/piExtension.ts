// The pi extension (loaded with `-e`, bundled as dist/lmBridgeProvider.js) that makes VS Code's
// language models pi models: it registers the "vscode-lm" provider from the private provider
// file named by PI_VSCODE_LM_BRIDGE, and registers it again whenever the extension rewrites
// the file (a model appeared or went away), so a running pi sees the change without a restart.
// Without the variable (the headless server, the plain pi CLI) it does nothing.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ExtensionAPI } from "@earendil-works/pi-coding-agent";
import { BRIDGE_FILE_ENV, BRIDGE_PROVIDER, isPendingFile, readProviderFile, type ProviderFile } from "./providerFile";

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

/**
 * How long pi's start waits for the window's first list of models (a pending file): VS Code's
 * model query can wait on other extensions activating. After that pi starts without them, and
 * the watch below registers them when they come.
 */
export const FIRST_LIST_WAIT_MS = 5_000;
const POLL_MS = 20;

// Only a default export: pi's loader (jiti) takes the module's default as the factory. pi awaits
// it, so a session restored on a VS Code model finds that model registered.
export default function vscodeModels(pi: ExtensionAPI): Promise<void> | undefined {
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
  // The extension replaces the file by rename: watch the folder, not the old inode. Watched
  // before the first read, so a rewrite between the two is not missed.
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
  if (!isPendingFile(file)) {
    apply();
    return undefined;
  }
  return (async () => {
    const deadline = Date.now() + FIRST_LIST_WAIT_MS;
    while (isPendingFile(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
    apply();
  })();
}
