// The layer rule holds for the whole repository, and the checker really catches a bad import:
// each case below is a file the rule must refuse.
import * as assert from "node:assert/strict";
import { checkFile, checkRepository } from "../layers";

describe("layer rule", () => {
  it("every import in src/ and webview/ follows it", () => {
    assert.deepEqual(checkRepository(), []);
  });

  const refused: Array<[string, string]> = [
    ["src/host/bad.ts", 'import * as vscode from "vscode";'],
    ["src/server/bad.ts", 'const vscode = require("vscode");'],
    ["src/piGuard/bad.ts", 'export { window } from "vscode";'],
    ["src/host/bad.ts", 'import { ChatRouter } from "../vscode/chatRouter";'],
    ["src/host/bad.ts", 'import { createPiServer } from "../server/httpServer";'],
    ["src/pi/bad.ts", 'import type { Chat } from "../host/chat/chat";'],
    ["src/protocol/bad.ts", 'import * as fs from "node:fs";'],
    ["src/protocol/bad.ts", 'import { Chat } from "../host/chat/chat";'],
    ["webview/bad.ts", 'import { ChatHost } from "../src/host/chatHost";'],
    ["webview/bad.ts", 'import * as path from "node:path";'],
    ["webview/bad.ts", 'import { Compile } from "typebox/compile";'],
    ["webview/bad.ts", 'import { checkParams } from "../src/protocol/checkParams";'],
    ["webview/components/bad.tsx", 'const m = await import("../../src/server/http");'],
    ["webview/bad.ts", 'import { MAX_PROMPT_CHARS } from "../src/protocol/schemas/chat";'],
  ];
  for (const [file, line] of refused) {
    it(`refuses ${file}: ${line}`, () => {
      const violations = checkFile(file, line);
      assert.equal(violations.length, 1, JSON.stringify(violations));
    });
  }

  it("allows what the rule allows", () => {
    assert.deepEqual(checkFile("src/vscode/ok.ts", 'import * as vscode from "vscode";\nimport { ChatHost } from "../host/chatHost";'), []);
    assert.deepEqual(checkFile("webview/ok.ts", 'import { ACTIONS } from "../src/protocol/actions";\nimport { render } from "preact";'), []);
    assert.deepEqual(checkFile("src/host/ok.ts", 'import * as fs from "node:fs";\nimport { ACTIONS } from "../protocol/actions";'), []);
  });
});
