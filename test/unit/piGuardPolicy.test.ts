// The guard's shell-command policy: configuration, patterns, decisions.
import * as assert from "node:assert/strict";
import { readConfig } from "../../src/piGuard/config";
import { decide, hasShellSyntax, isAllowListed, patternMatches, unpinnableReason } from "../../src/piGuard/policy";
import { shellWords } from "../../src/piGuard/shellWords";

describe("piGuard policy", () => {
  it("reads the environment with safe defaults", () => {
    assert.deepEqual(readConfig({}, "/cwd", "/home/u"), {
      workspace: "/cwd",
      policy: "ask",
      allow: [],
      editApproval: "auto",
      protectedPaths: ["/home/u/.pi/agent"],
      snapshotDir: undefined,
      checkpointGate: undefined,
      warnings: [],
    });
    assert.equal(readConfig({ PI_VSCODE_CHECKPOINT_GATE: "/snap/checkpoint-pending" }, "/").checkpointGate, "/snap/checkpoint-pending");
    assert.equal(readConfig({ PI_VSCODE_CHECKPOINT_GATE: "relative" }, "/").checkpointGate, undefined, "only an absolute path");
    const c = readConfig({ PI_VSCODE_WORKSPACE: "/ws", PI_VSCODE_BASH_POLICY: "allowList", PI_VSCODE_BASH_ALLOW: '["npm test","git *"]' }, "/cwd");
    assert.deepEqual([c.workspace, c.policy, c.allow], ["/ws", "allowList", ["npm test", "git *"]]);
    assert.equal(readConfig({ PI_VSCODE_BASH_POLICY: "never-ask" }, "/").policy, "never-ask");
  });

  it("reads edit approval and protected paths; the agent dir and snapshot dir are always protected", () => {
    const c = readConfig(
      { PI_VSCODE_EDIT_APPROVAL: "ask", PI_CODING_AGENT_DIR: "/agent", PI_VSCODE_SNAPSHOT_DIR: "/snap", PI_VSCODE_PROTECTED_PATHS: '["/store","relative/ignored"]' },
      "/cwd",
      "/home/u",
    );
    assert.equal(c.editApproval, "ask");
    assert.equal(c.snapshotDir, "/snap");
    assert.deepEqual(c.protectedPaths, ["/agent", "/snap", "/store"]);
    assert.deepEqual(readConfig({ PI_CODING_AGENT_DIR: "~/x" }, "/", "/home/u").protectedPaths, ["/home/u/x"]);
    const odd = readConfig({ PI_VSCODE_EDIT_APPROVAL: "sometimes", PI_VSCODE_PROTECTED_PATHS: "{" }, "/", "/h");
    assert.equal(odd.editApproval, "ask", "an unknown value takes the safer reading");
    assert.equal(odd.warnings.length, 2);
    assert.deepEqual(odd.protectedPaths, ["/h/.pi/agent"]);
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

  it("splits words as bash does (quotes and backslashes removed; expansions reported)", () => {
    assert.deepEqual(shellWords(`git '-c' "core.x=a b" \\-C`), { words: ["git", "-c", "core.x=a b", "-C"], expands: false });
    assert.deepEqual(shellWords(`echo "a\\"b" 'c\\d'`)?.words, ['echo', 'a"b', "c\\d"]);
    assert.equal(shellWords("echo 'open"), undefined);
    assert.equal(shellWords("ls *.ts")?.expands, true);
    assert.equal(shellWords("ls '*.ts'")?.expands, false);
    assert.equal(shellWords("echo {a,b}")?.expands, true);
  });

  it("refuses option injection: configuration, another directory, another program (issue 11 item 1)", () => {
    const refused: Array<[string, string]> = [
      ["git", "git -c core.fsmonitor=./x status"],
      ["git", "git '-c' core.fsmonitor=./x status"],
      ["git", "git \\-c core.fsmonitor=./x status"],
      ["git", 'git -c "core.fsmonitor=sh x" status'],
      ["git", "git --config-env=core.fsmonitor=X status"],
      ["git", "git --exec-path=./bin status"],
      ["git", "git -C ../other status"],
      ["git", "git --git-dir=evil status"],
      ["git", "git config core.fsmonitor ./x"],
      ["git", "git log -1 --format=x --output=package.json"],
      ["git", "git grep -Ox needle"],
      ["git", "git rebase --exec ./x main"],
      ["git status", "git status --exec-path=./bin"],
      ["npm test", "npm test --script-shell=./x.sh"],
      ["npm test", "npm test --node-options=--require=./x.js"],
      ["npm test", "npm test --prefix ../other"],
      ["npm", "npm pkg set scripts.test=./x"],
      ["npx hello", "npx -p evil hello"],
      ["make", "make SHELL=./x"],
      ["make", "make -f evil.mk"],
      ["make", "make -- CC=./x"],
      ["pytest", "pytest -p evil_plugin"],
      ["pytest", "pytest -pevil_plugin"],
      ["pytest", "pytest -vp evil_plugin"],
      ["python -m pytest", "python -m pytest -p evil"],
      ["python3 -m pytest", "python3 -m pytest -c other.ini"],
      ["cargo build", "cargo build --config build.rustc=./x"],
      ["cargo build", "cargo build --manifest-path evil/Cargo.toml"],
      ["go test ./...", "go test ./... -exec ./x"],
      ["go test ./...", "go test ./... --toolexec=./x"],
      ["timeout 60 npm test", "timeout 60 npm test --script-shell=./x"],
      ["npx hello", "npx --package=evil hello"],
      ["timeout *", "timeout -s KILL 60 npm test --script-shell=./x"],
      ["npm exec mocha", "npm exec mocha --prefix ../other"],
      ["env", "env -S 'git -c x=y status'"],
      ["npm test", "NODE_OPTIONS=--require=./x.js npm test"],
      ["npx mocha", "npx mocha --require ./x.js"],
      ["npx mocha", "npx mocha -r ./x.js"],
      ["yarn jest", "yarn jest --config evil.js"],
      ["npx tsc", "npx tsc --outDir /home/u/.config"],
      ["npx eslint", "npx eslint -f ./formatter.js src"],
      ["npx vitest run", "npx vitest run --config evil.ts"],
      ["*", "GIT_DIR=evil git status"],
      ["ls *", "ls *"],
      ["echo *", "echo -- ?"],
      ["git log *", "git log 'unbalanced"],
    ];
    for (const [pattern, command] of refused) {
      assert.ok(!patternMatches(pattern, command), `${pattern} must not allow: ${command}`);
      assert.ok(unpinnableReason(command, pattern), command);
    }
  });

  it("still allows ordinary use, and what the pattern spells itself", () => {
    const allowed: Array<[string, string]> = [
      ["git status", "git status --short"],
      ["git", "git log --oneline -5"],
      ["git", "git commit -m 'fix: a * b'"],
      ["git", "git diff -- src/a.ts"],
      ["npm test", "npm test -- --grep 'x y'"],
      ["npm test", "npm test -- --script-shell=is-for-the-script"],
      ["make", "make all"],
      ["pytest", "pytest -q -x tests/test_a.py"],
      ["python -m pytest", "python -m pytest -q"],
      ["cargo build", "cargo build --offline -q"],
      ["git -C sub status", "git -C sub status"],
      ["make -f build.mk", "make -f build.mk all"],
      ["CI=1 npm test", "CI=1 npm test"],
      ["ls", "ls -la src"],
      ["npx mocha", "npx mocha test/a.test.js --grep x"],
      ["npx mocha", "npx mocha -g pattern"],
      ["timeout *", "timeout -s KILL 60 make all"],
      ["npx hello", "npx hello --package=x -c y"],
      ["npx tsc", "npx tsc --noEmit -w"],
      ["npx eslint", "npx eslint --fix src"],
      ["echo *", "echo hello"],
    ];
    for (const [pattern, command] of allowed) assert.ok(patternMatches(pattern, command), `${pattern} should allow: ${command}`);
  });
});
