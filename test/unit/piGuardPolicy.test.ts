// The guard's shell-command policy: configuration, patterns, decisions.
import * as assert from "node:assert/strict";
import { decide, hasShellSyntax, isAllowListed, patternMatches, readConfig } from "../../src/piGuard/policy";

describe("piGuard policy", () => {
  it("reads the environment with safe defaults", () => {
    assert.deepEqual(readConfig({}, "/cwd"), { workspace: "/cwd", policy: "ask", allow: [], warnings: [] });
    const c = readConfig({ PI_VSCODE_WORKSPACE: "/ws", PI_VSCODE_BASH_POLICY: "allowList", PI_VSCODE_BASH_ALLOW: '["npm test","git *"]' }, "/cwd");
    assert.deepEqual([c.workspace, c.policy, c.allow], ["/ws", "allowList", ["npm test", "git *"]]);
    assert.equal(readConfig({ PI_VSCODE_BASH_POLICY: "never-ask" }, "/").policy, "never-ask");
  });

  it("falls back to asking on bad values, with a warning", () => {
    const bad = readConfig({ PI_VSCODE_BASH_POLICY: "yolo", PI_VSCODE_BASH_ALLOW: "npm test" }, "/");
    assert.equal(bad.policy, "ask");
    assert.deepEqual(bad.allow, []);
    assert.equal(bad.warnings.length, 2);
    assert.deepEqual(readConfig({ PI_VSCODE_BASH_ALLOW: '[1,"x"]' }, "/").allow, []);
  });

  it("prefix patterns match on word boundaries", () => {
    assert.ok(patternMatches("npm test", "npm test"));
    assert.ok(patternMatches("npm test", "  npm   test -- --grep x "));
    assert.ok(!patternMatches("npm test", "npm tests"));
    assert.ok(!patternMatches("npm test", "npm"));
    assert.ok(patternMatches("git", "git status"));
  });

  it("glob patterns match the whole command", () => {
    assert.ok(patternMatches("git log *", "git log --oneline -5"));
    assert.ok(!patternMatches("git log *", "git log"));
    assert.ok(patternMatches("ls ?", "ls a"));
    assert.ok(!patternMatches("ls ?", "ls ab"));
    assert.ok(patternMatches("echo a.b", "echo a.b"));
    assert.ok(!patternMatches("echo a.b*", "echo aXb"), "regex characters are literal");
  });

  it("never allows chained or substituted commands by pattern", () => {
    for (const cmd of ["npm test; rm -rf ~", "npm test && curl x", "npm test | sh", "npm test `id`", "npm test $(id)", "npm test > /etc/x", "npm test\nrm -rf ~", "npm test &"]) {
      assert.ok(hasShellSyntax(cmd), cmd);
      assert.ok(!isAllowListed(["npm test", "*"], cmd), cmd);
    }
  });

  it("decides per policy, remembering 'always' answers", () => {
    const remembered = new Set<string>(["make build"]);
    assert.equal(decide({ policy: "never-ask", allow: [] }, new Set(), "rm -rf /tmp/x"), "allow");
    assert.equal(decide({ policy: "ask", allow: ["npm test"] }, new Set(), "npm test"), "ask");
    assert.equal(decide({ policy: "allowList", allow: ["npm test"] }, new Set(), "npm test"), "allow");
    assert.equal(decide({ policy: "allowList", allow: ["npm test"] }, new Set(), "npm run x"), "ask");
    assert.equal(decide({ policy: "ask", allow: [] }, remembered, " make   build "), "allow");
    assert.equal(decide({ policy: "ask", allow: [] }, remembered, "make build2"), "ask");
  });
});
