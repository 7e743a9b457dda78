// Which workspace files configure or run code (sensitivePaths.ts), and the refusals inside the
// fence (fileChecks.ts: protected stores, hard links), against real temp directories.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readConfig } from "../../src/piGuard/config";
import { hardLinkReason, protectedBelow, protectedRoot, resolveProtected } from "../../src/piGuard/fileChecks";
import { checkFileTool, workspacePathDirs } from "../../src/piGuard/rules";
import { classifyPath } from "../../src/piGuard/sensitivePaths";

describe("piGuard sensitive paths", () => {
  it("sorts files into autorun, build and ordinary", () => {
    const autorun = [".git/config", ".git/hooks/pre-commit", "sub/repo/.git/config", ".git", ".vscode/settings.json", ".vscode/tasks.json", ".pi/settings.json",
      ".pi/extensions/x.ts", ".husky/pre-commit", ".githooks/x", ".envrc", ".gitattributes", "my.code-workspace", ".devcontainer/devcontainer.json", ".bashrc", ".config/git/config"];
    const build = ["package.json", "packages/a/package.json", "package-lock.json", "pnpm-lock.yaml", "Makefile", "rules.mk", "CMakeLists.txt", "Cargo.toml",
      "build.rs", "crates/x/build.rs", "pyproject.toml", "setup.py", "conftest.py", "tests/conftest.py", "tox.ini", "noxfile.py", "Gemfile", "Rakefile",
      "pom.xml", "build.gradle.kts", "go.mod", ".npmrc", ".yarnrc.yml", ".mocharc.json", "vite.config.ts", "jest.config.js", "tsconfig.json",
      "tsconfig.build.json", "node_modules/hello/cli.js", "node_modules/.bin/tsc", ".venv/bin/python", "Dockerfile", ".env", ".env.local", "requirements-dev.txt"];
    const ordinary = ["src/index.ts", "README.md", "test/foo.test.ts", "docs/package.md", "gitconfig.txt", "src/vscode/ext.ts", "notes/.gitkeep"];
    for (const p of autorun) assert.equal(classifyPath(p)?.tier, "autorun", p);
    for (const p of build) assert.equal(classifyPath(p)?.tier, "build", p);
    for (const p of ordinary) assert.equal(classifyPath(p), undefined, p);
  });

  it("compares names as case-insensitive and Windows file systems do", () => {
    for (const p of [".GIT/config", ".Git./config", "MAKEFILE", "Package.JSON", ".VSCode/settings.json", ".git /config"]) assert.ok(classifyPath(p), p);
    assert.equal(classifyPath("a\\.git\\config")?.tier, "autorun", "either separator");
  });

  it("treats every file in a workspace folder on pi's PATH as a command", () => {
    assert.equal(classifyPath("bin/deploy", ["bin"])?.tier, "build");
    assert.equal(classifyPath("src/a.ts", [""])?.tier, "build", "the workspace itself on PATH");
    assert.equal(classifyPath("bins/x", ["bin"]), undefined);
  });

  describe("on disk", () => {
    let root: string;
    let ws: string;
    before(() => {
      root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pi-guard-sensitive-")));
      ws = path.join(root, "ws");
      fs.mkdirSync(path.join(ws, ".pi", "agent"), { recursive: true });
      fs.mkdirSync(path.join(ws, "node_modules", "p"), { recursive: true });
      fs.mkdirSync(path.join(ws, "bin"));
      fs.writeFileSync(path.join(ws, ".pi", "agent", "auth.json"), "{}");
      fs.writeFileSync(path.join(root, "outside.txt"), "outside");
      fs.linkSync(path.join(root, "outside.txt"), path.join(ws, "linked.txt"));
      fs.linkSync(path.join(root, "outside.txt"), path.join(ws, "node_modules", "p", "index.js"));
      fs.writeFileSync(path.join(ws, "plain.txt"), "plain");
      fs.symlinkSync(path.join(ws, ".pi", "agent"), path.join(ws, "agent-link"));
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("finds the protected root by the real place and by the name used", () => {
      const agent = path.join(ws, ".pi", "agent");
      const roots = resolveProtected([agent]);
      assert.equal(protectedRoot(roots, path.join(agent, "auth.json"), path.join(agent, "auth.json")), agent);
      assert.equal(protectedRoot(roots, path.join(agent, "auth.json"), path.join(ws, "agent-link", "auth.json")), agent, "through a symbolic link");
      assert.equal(protectedRoot(roots, path.join(ws, "plain.txt"), path.join(ws, "plain.txt")), undefined);
      assert.equal(protectedBelow(roots, ws), agent, "a search of the workspace would read it");
      assert.equal(protectedBelow(roots, path.join(ws, "node_modules")), undefined);
    });

    it("refuses files with several hard links, except reads under node_modules", () => {
      assert.match(hardLinkReason("read", "linked.txt", path.join(ws, "linked.txt"), ws) ?? "", /hard link .* 3 names/);
      assert.match(hardLinkReason("write", "linked.txt", path.join(ws, "linked.txt"), ws) ?? "", /Writing it would change/);
      assert.equal(hardLinkReason("read", "x", path.join(ws, "node_modules", "p", "index.js"), ws), undefined);
      assert.equal(hardLinkReason("search", "x", path.join(ws, "node_modules", "p", "index.js"), ws), undefined);
      assert.ok(hardLinkReason("write", "x", path.join(ws, "node_modules", "p", "index.js"), ws));
      assert.equal(hardLinkReason("write", "plain.txt", path.join(ws, "plain.txt"), ws), undefined);
      assert.equal(hardLinkReason("write", "new.txt", path.join(ws, "new.txt"), ws), undefined, "a new file");
    });

    it("checkFileTool applies both to every file tool", () => {
      const config = readConfig({ PI_VSCODE_WORKSPACE: ws, PI_CODING_AGENT_DIR: path.join(ws, ".pi", "agent") }, ws);
      const blocked = (tool: string, input: Record<string, unknown>) => checkFileTool(config, tool, input, ws)?.block === true;
      assert.ok(blocked("read", { path: ".pi/agent/auth.json" }));
      assert.ok(blocked("read", { path: "agent-link/auth.json" }));
      assert.ok(blocked("write", { path: ".pi/agent/settings.json", content: "{}" }));
      assert.ok(blocked("ls", { path: ".pi/agent" }));
      assert.ok(blocked("grep", { pattern: "key" }), "grep of the workspace root would read the agent dir");
      assert.ok(!blocked("ls", {}), "listing names of the workspace root is fine");
      assert.ok(!blocked("grep", { pattern: "x", path: "node_modules" }));
      assert.ok(blocked("read", { path: "linked.txt" }));
      assert.ok(blocked("edit", { path: "linked.txt", edits: [{ oldText: "o", newText: "x" }] }));
      assert.ok(!blocked("read", { path: "node_modules/p/index.js" }));
      assert.ok(!blocked("write", { path: "plain.txt", content: "x" }));
    });

    it("finds the workspace folders on PATH (relative entries are pi's cwd)", () => {
      const env = ["/usr/bin", path.join(ws, "bin"), "node_modules/.bin", path.join(root)].join(path.delimiter);
      assert.deepEqual(workspacePathDirs(ws, env, ws), ["bin", path.join("node_modules", ".bin")]);
      assert.deepEqual(workspacePathDirs(ws, `/usr/bin${path.delimiter}`, ws), [""], "an empty entry is the cwd");
    });
  });
});

describe("docs/security-allowlist.md lists what the guard does", () => {
  const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "security-allowlist.md"), "utf8");
  /** The backticked names of one bullet, from its marker to the next bullet. */
  function names(marker: string): string[] {
    const start = doc.indexOf(marker);
    assert.ok(start >= 0, marker);
    const end = doc.indexOf("\n- ", start + marker.length);
    return [...doc.slice(start, end < 0 ? undefined : end).matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  }
  /** Literal names only: patterns (`*.mk`, `bun.lock(b)`, `a/b`) are covered by the unit cases above. */
  const literal = (n: string) => !/[*(|{ ]/.test(n) && !n.includes("/", 0) ? [n] : n.endsWith("/") && !/[*( ]/.test(n) ? [`${n}x`] : [];

  it("every literal name in the 'asked in ask and allowList' bullet is autorun", () => {
    const listed = names("*Asked in `ask` and `allowList`*").filter((n) => n !== "ask" && n !== "allowList").flatMap(literal);
    assert.ok(listed.length > 20, `found ${listed.length}`);
    for (const n of listed) assert.equal(classifyPath(n)?.tier, "autorun", n);
  });

  it("every literal name in the 'asked while any command runs without a dialog' bullet is build", () => {
    const listed = names("*Asked while any command runs without a dialog*").filter((n) => !["allowList", "PATH"].includes(n)).flatMap(literal);
    assert.ok(listed.length > 60, `found ${listed.length}`);
    for (const n of listed) assert.equal(classifyPath(n)?.tier, "build", n);
  });
});
