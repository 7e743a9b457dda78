// Issue 11 item 2: a workspace must not be able to loosen safety. Settings with scope `machine`
// or `application` are read only from user (or remote machine) settings; every other scope —
// `window` (also the default when none is given), `resource`, `language-overridable`,
// `machine-overridable` — can be set by a `.vscode/settings.json` that pi itself could write.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

interface SettingSchema {
  scope?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const settings = manifest.contributes.configuration.properties;

const USER_ONLY = new Set(["machine", "application"]);

/**
 * Settings a workspace may set, each reviewed: none of them loosens the guard, the server or
 * what pi runs. A new setting is not here, so it must be user-only until someone decides otherwise.
 */
const WORKSPACE_SETTABLE: Record<string, string> = {
  "pi.maxProcesses": "a resource cap; reaching it stops idle chats or refuses new ones",
  "pi.idleMinutes": "when idle pi processes stop; the chat stays",
  "pi.notifications": "whether a hidden chat notifies; it answers nothing by itself",
  "pi.prewarm": "whether a spare pi starts early; it runs with the same settings as any chat",
  "pi.server.logLevel": "how much the server writes to the local Pi log",
};

/** The ones the issue names, which must never become workspace-settable. */
const LOOSENING = [
  "pi.bash.approval", "pi.bash.allowList", "pi.edits.approval", "pi.loadPiExtensions", "pi.extraArgs", "pi.nodePath",
  "pi.agentDir", "pi.server.host", "pi.server.port", "pi.server.allowedHosts",
];

describe("settings a workspace could write (package.json scopes)", () => {
  it("every setting is user-only (machine/application) unless it is on the reviewed list", () => {
    const offenders = Object.entries(settings)
      .filter(([key, schema]) => !USER_ONLY.has(schema.scope ?? "window") && !(key in WORKSPACE_SETTABLE))
      .map(([key, schema]) => `${key} (${schema.scope ?? "no scope = window"})`);
    assert.deepEqual(offenders, [], "these settings can be set from a workspace's .vscode/settings.json");
  });

  it("the settings that loosen safety exist and are user-only", () => {
    for (const key of LOOSENING) {
      assert.ok(settings[key], `${key} is contributed`);
      assert.ok(USER_ONLY.has(settings[key].scope ?? "window"), `${key} has scope ${settings[key].scope ?? "(none)"}`);
      assert.ok(!(key in WORKSPACE_SETTABLE), `${key} must not be on the workspace list`);
    }
  });

  it("the reviewed list names only real settings, and untrusted workspaces restrict the loosening ones", () => {
    for (const key of Object.keys(WORKSPACE_SETTABLE)) assert.ok(settings[key], `${key} is contributed`);
    const restricted = new Set(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations);
    for (const key of LOOSENING) assert.ok(restricted.has(key), `${key} is in restrictedConfigurations`);
  });
});
