import * as assert from "node:assert/strict";
import { groupModels, modelGroup } from "../../src/protocol/modelGroups";

describe("the model picker's groups", () => {
  it("pi's own models by provider, VS Code's as VS Code: <vendor>", () => {
    assert.equal(modelGroup({ provider: "anthropic", id: "claude-sonnet" }), "anthropic");
    assert.equal(modelGroup({ provider: "vscode-lm", id: "copilot/gpt-4o" }), "VS Code: copilot");
    assert.equal(modelGroup({ provider: "vscode-lm", id: "odd" }), "VS Code", "an id without a vendor still lands in the VS Code group");
  });

  it("keeps the order of first appearance and every model once", () => {
    const models = [
      { provider: "pi-demo", id: "a" },
      { provider: "vscode-lm", id: "copilot/x" },
      { provider: "pi-demo", id: "b" },
      { provider: "vscode-lm", id: "other/y" },
      { provider: "vscode-lm", id: "copilot/z" },
    ];
    const groups = groupModels(models);
    assert.deepEqual(
      groups.map((g) => [g.label, g.models.map((m) => m.id)]),
      [
        ["pi-demo", ["a", "b"]],
        ["VS Code: copilot", ["copilot/x", "copilot/z"]],
        ["VS Code: other", ["other/y"]],
      ],
    );
    assert.equal(groups.flatMap((g) => g.models).length, models.length);
  });
});
