// The pi extension that registers the "vscode-lm" provider, with a recording stand-in of pi's
// ExtensionAPI (the real pi runs it in test/integration/lmBridge.test.ts). Without the variable
// (the headless server, the plain pi CLI) it registers nothing.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ExtensionAPI } from "@earendil-works/pi-coding-agent";
import vscodeModels, { FIRST_LIST_WAIT_MS } from "../../src/host/lmBridge/piExtension";
import { BRIDGE_FILE_ENV, HEADLESS_NOTE, piModels, writePendingFile, writeProviderFile } from "../../src/host/lmBridge/providerFile";
import { USAGE } from "../../src/server/cli";

interface Recorded {
  calls: Array<{ op: "register" | "unregister"; name: string; config?: { baseUrl: string; apiKey: string; models: Array<{ id: string }> } }>;
  shutdown: Array<() => void>;
}

function fakePi(): { pi: ExtensionAPI; rec: Recorded } {
  const rec: Recorded = { calls: [], shutdown: [] };
  const pi = {
    registerProvider: (name: string, config: Recorded["calls"][number]["config"]) => rec.calls.push({ op: "register", name, config }),
    unregisterProvider: (name: string) => rec.calls.push({ op: "unregister", name }),
    on: (event: string, handler: () => void) => event === "session_shutdown" && rec.shutdown.push(handler),
  };
  return { pi: pi as unknown as ExtensionAPI, rec };
}

const model = (id: string) => ({ id, vendor: "v", family: "f", name: id, version: "1", maxInputTokens: 1000 });

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("lm bridge: pi's vscode-lm provider extension", () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lm-bridge-ext-"));
    saved = process.env[BRIDGE_FILE_ENV];
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[BRIDGE_FILE_ENV];
    else process.env[BRIDGE_FILE_ENV] = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("does nothing without the variable: the headless server offers no VS Code models, and says why", () => {
    delete process.env[BRIDGE_FILE_ENV];
    const { pi, rec } = fakePi();
    vscodeModels(pi);
    assert.deepEqual(rec.calls, []);
    assert.ok(USAGE.includes(HEADLESS_NOTE), "pi-vscode-server --help explains it");
    assert.match(HEADLESS_NOTE, /Start Remote Server/);
  });

  it("registers the file's models, follows rewrites, and unregisters when none are left", async () => {
    const file = path.join(dir, "provider-1.json");
    const write = (ids: string[]) => writeProviderFile(file, { baseUrl: "http://127.0.0.1:5555/v1", apiKey: "secret", models: piModels(ids.map(model)) });
    write(["a"]);
    process.env[BRIDGE_FILE_ENV] = file;
    const { pi, rec } = fakePi();
    vscodeModels(pi);
    try {
      assert.equal(rec.calls.length, 1);
      assert.equal(rec.calls[0].op, "register");
      assert.equal(rec.calls[0].name, "vscode-lm");
      assert.equal(rec.calls[0].config?.apiKey, "secret");
      assert.deepEqual(rec.calls[0].config?.models.map((m) => m.id), ["v/a"]);
      write(["a", "b"]);
      await until(() => rec.calls.length === 2);
      assert.deepEqual(rec.calls[1].config?.models.map((m) => m.id), ["v/a", "v/b"]);
      fs.writeFileSync(path.join(dir, "unrelated.json"), "{}");
      write([]);
      await until(() => rec.calls.length === 3);
      assert.deepEqual(rec.calls[2], { op: "unregister", name: "vscode-lm" });
      fs.writeFileSync(file, "{ torn");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(rec.calls.length, 3, "a broken file registers nothing and unregisters nothing twice");
    } finally {
      rec.shutdown.forEach((f) => f());
    }
  });

  it("while the window's first list is pending, pi's start waits for it; a list that is not coming ends the wait", async () => {
    const file = path.join(dir, "provider-2.json");
    process.env[BRIDGE_FILE_ENV] = file;
    writePendingFile(file);
    const { pi, rec } = fakePi();
    let settled = false;
    const waiting = vscodeModels(pi)?.then(() => (settled = true));
    try {
      assert.ok(waiting, "the factory returns a promise pi awaits");
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(settled, false, "still waiting for the list");
      assert.equal(rec.calls.length, 0);
      writeProviderFile(file, { baseUrl: "http://127.0.0.1:5555/v1", apiKey: "secret", models: piModels([model("a")]) });
      await waiting;
      assert.deepEqual(rec.calls.map((c) => c.op), ["register"], "registered before pi goes on");
      assert.deepEqual(rec.calls[0].config?.models.map((m) => m.id), ["v/a"]);
    } finally {
      rec.shutdown.forEach((f) => f());
    }

    writePendingFile(file);
    const second = fakePi();
    const again = Date.now();
    const gone = vscodeModels(second.pi);
    setTimeout(() => fs.rmSync(file, { force: true }), 100);
    await gone;
    second.rec.shutdown.forEach((f) => f());
    assert.ok(Date.now() - again < FIRST_LIST_WAIT_MS / 2, "the removed file ended the wait, not the timeout");
    assert.deepEqual(second.rec.calls, []);
  });

  it("registers nothing from a file that is missing or not the bridge's", () => {
    process.env[BRIDGE_FILE_ENV] = path.join(dir, "missing.json");
    const { pi, rec } = fakePi();
    vscodeModels(pi);
    rec.shutdown.forEach((f) => f());
    assert.deepEqual(rec.calls, []);
  });
});
