// Provider API keys kept in VS Code's SecretStorage and handed to pi through its environment
// (never written to settings, logs, the webview or any file of ours).
import * as vscode from "vscode";

const INDEX_KEY = "pi.apiKeys.names";
const secretKey = (name: string) => `pi.apiKey.${name}`;
const COMMON = [
  "ANTHROPIC_API_KEY",
  "OPENAI_API_KEY",
  "GEMINI_API_KEY",
  "OPENROUTER_API_KEY",
  "MISTRAL_API_KEY",
  "GROQ_API_KEY",
  "XAI_API_KEY",
  "DEEPSEEK_API_KEY",
  "TOGETHER_API_KEY",
  "FIREWORKS_API_KEY",
  "CEREBRAS_API_KEY",
  "AZURE_OPENAI_API_KEY",
];
export const ENV_NAME = /^[A-Z][A-Z0-9_]{1,63}$/;

export class ApiKeys {
  /** Loaded copies, so a session start needs no await. */
  private values = new Map<string, string>();

  constructor(private readonly context: vscode.ExtensionContext) {}

  async load(): Promise<void> {
    const names = this.context.globalState.get<string[]>(INDEX_KEY) ?? [];
    // At once, not one after another: each read is a round trip to VS Code's secret store, and
    // the first chat's pi waits for them.
    const values = await Promise.all(names.map((name) => this.context.secrets.get(secretKey(name))));
    const loaded = new Map<string, string>();
    names.forEach((name, i) => {
      const value = values[i];
      if (value) loaded.set(name, value);
    });
    this.values = loaded;
  }

  env(): Record<string, string> {
    return Object.fromEntries(this.values);
  }

  async set(name: string, value: string): Promise<void> {
    if (!ENV_NAME.test(name)) throw new Error(`"${name}" is not an environment variable name.`);
    await this.context.secrets.store(secretKey(name), value);
    const names = new Set(this.context.globalState.get<string[]>(INDEX_KEY) ?? []);
    names.add(name);
    await this.context.globalState.update(INDEX_KEY, [...names]);
    this.values.set(name, value);
  }

  async delete(name: string): Promise<void> {
    await this.context.secrets.delete(secretKey(name));
    const names = (this.context.globalState.get<string[]>(INDEX_KEY) ?? []).filter((n) => n !== name);
    await this.context.globalState.update(INDEX_KEY, names);
    this.values.delete(name);
  }

  /** The "Pi: Set API Key" command. */
  async prompt(): Promise<void> {
    const stored = new Set(this.values.keys());
    const items: vscode.QuickPickItem[] = [
      ...COMMON.map((name) => ({ label: name, description: stored.has(name) ? "stored" : undefined })),
      ...[...stored].filter((n) => !COMMON.includes(n)).map((name) => ({ label: name, description: "stored" })),
      { label: "Other…", description: "another environment variable pi reads" },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: "Pi: Set API Key", placeHolder: "Which key? (new sessions get it in their environment)" });
    if (!pick) return;
    let name = pick.label;
    if (name === "Other…") {
      const typed = await vscode.window.showInputBox({
        title: "Environment variable name",
        placeHolder: "MY_PROVIDER_API_KEY",
        validateInput: (v) => (ENV_NAME.test(v) ? undefined : "Use capitals, digits and _ (e.g. MY_PROVIDER_API_KEY)."),
      });
      if (!typed) return;
      name = typed;
    }
    const value = await vscode.window.showInputBox({
      title: `${name}`,
      prompt: stored.has(name) ? "Enter a new value, or leave empty to remove the stored key." : "Paste the key. It is kept in VS Code's secret storage.",
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    if (value.trim() === "") {
      await this.delete(name);
      void vscode.window.showInformationMessage(`Pi: removed ${name}.`);
    } else {
      await this.set(name, value.trim());
      void vscode.window.showInformationMessage(`Pi: stored ${name}. New sessions will use it.`);
    }
  }
}
