// The private provider file: VS Code's models as pi models, written privately and read back
// strictly (pi's extension ignores a file that is not the bridge's).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_MAX_OUTPUT_TOKENS, piModels, readProviderFile, writeProviderFile } from "../../src/host/lmBridge/providerFile";

describe("lm bridge: the private provider file", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "lm-bridge-file-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives pi each model's own limits, free cost, images only when the model takes them", () => {
    const [a, b] = piModels([
      { id: "gpt-x", vendor: "copilot", family: "gpt", name: "GPT X", version: "1", maxInputTokens: 64000, maxOutputTokens: 16000, supportsImages: true },
      { id: "local", vendor: "ollama", family: "llama", name: "", version: "1", maxInputTokens: 0 },
    ]);
    assert.deepEqual(a, { id: "copilot/gpt-x", name: "GPT X", reasoning: false, input: ["text", "image"], cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, contextWindow: 64000, maxTokens: 16000 });
    assert.equal(b.id, "ollama/local");
    assert.equal(b.name, "local", "a model without a name is shown by its id");
    assert.deepEqual(b.input, ["text"]);
    assert.equal(b.contextWindow, 128000);
    assert.equal(b.maxTokens, DEFAULT_MAX_OUTPUT_TOKENS);
  });

  it("writes the file for its owner only and reads it back", () => {
    const file = path.join(dir, "sub", "provider.json");
    const content = { baseUrl: "http://127.0.0.1:4321/v1", apiKey: "k", models: piModels([{ id: "m", vendor: "v", family: "f", name: "M", version: "1", maxInputTokens: 10 }]) };
    writeProviderFile(file, content);
    if (process.platform !== "win32") assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readProviderFile(file), content);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["provider.json"], "no temporary file is left");
  });

  it("ignores a missing, malformed or foreign file, and models it cannot read", () => {
    const file = path.join(dir, "p.json");
    assert.equal(readProviderFile(file), undefined);
    const write = (value: unknown) => fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
    write("{broken");
    assert.equal(readProviderFile(file), undefined);
    write(null);
    assert.equal(readProviderFile(file), undefined);
    write({ baseUrl: "https://evil.example/v1", apiKey: "k", models: [] });
    assert.equal(readProviderFile(file), undefined, "only a loopback bridge is accepted");
    write({ baseUrl: "http://127.0.0.1:1/v1", apiKey: "", models: [] });
    assert.equal(readProviderFile(file), undefined);
    write({ baseUrl: "http://127.0.0.1:1/v1", apiKey: "k", models: [{ id: "ok", name: "OK", contextWindow: 1, maxTokens: 1, input: ["text"] }, { id: 5 }, { id: "x", name: "X", contextWindow: 1, maxTokens: 1, input: ["audio"] }] });
    assert.deepEqual(readProviderFile(file)?.models.map((m) => m.id), ["ok"]);
  });
});
