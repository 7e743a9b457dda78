// Node's compile cache for pi in the extension's storage (src/host/piCompileCache.ts): a real
// pi with the guard writes its cache there, and neither pi's bash tool nor the user's own
// `!command` hands that directory on to the programs they run; a user's own NODE_COMPILE_CACHE
// is left as it is. Earlier installs' caches are removed, the current one kept.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Chat } from "../../src/host/chat/chat";
import { compileCacheDir, compileCacheEnv, pruneCompileCaches } from "../../src/host/piCompileCache";
import { defaultPiCliPath } from "../../src/host/piPaths";
import { openGuard } from "../support/guardBundle";
import { runTool, toolPlan } from "../support/guardHarness";
import { type PiFixture, startPiFixture, waitForStatus } from "../support/piFixture";

const PRINT = 'echo "cache=[${NODE_COMPILE_CACHE:-}] own=[${PI_VSCODE_COMPILE_CACHE:-}]"';

function bytesUnder(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

describe("pi's compile cache in the extension's storage", function () {
  this.timeout(120_000);
  let fx: PiFixture | undefined;
  let root = "";
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-compile-cache-"));
  });
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
    fs.rmSync(root, { recursive: true, force: true });
  });

  const start = async (env: NodeJS.ProcessEnv): Promise<Chat> => {
    fx = await startPiFixture({ plan: toolPlan }, { guard: openGuard });
    const chat = fx.host.createChat({ cwd: fx.workspace, env });
    await waitForStatus(chat, "ready", 30_000);
    return chat;
  };

  it("pi writes its cache there; its shell and the user's `!command` never see the directory", async () => {
    const dir = compileCacheDir(root, defaultPiCliPath(path.join(__dirname, "..", "..")));
    const chat = await start(compileCacheEnv(dir, {}));
    const user = await chat.runUserBash(PRINT);
    assert.match(user.output, /cache=\[\] own=\[\]/, "the user's `!command`");
    const tool = await runTool(chat, "bash", { command: PRINT });
    assert.match(tool.output ?? "", /cache=\[\] own=\[\]/, "pi's bash tool");
    // Node writes the cache as pi exits.
    await fx?.host.stopAll();
    assert.ok(bytesUnder(dir) > 100_000, `pi's compiled code is cached in ${dir} (${bytesUnder(dir)} bytes)`);
  });

  it("a NODE_COMPILE_CACHE of the user's own is kept, and passed on as before", async () => {
    const mine = path.join(root, "mine");
    assert.deepEqual(compileCacheEnv(path.join(root, "ours"), { NODE_COMPILE_CACHE: mine }), {}, "the host leaves the choice to the user");
    const chat = await start({ NODE_COMPILE_CACHE: mine });
    const user = await chat.runUserBash(PRINT);
    assert.match(user.output, new RegExp(`cache=\\[${mine.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\] own=\\[\\]`));
  });

  it("earlier installs' caches go; the current one and its files stay", async () => {
    const keep = compileCacheDir(root, "/ext/pi-vscode-0.3.0/cli.js");
    const old = compileCacheDir(root, "/ext/pi-vscode-0.2.0/cli.js");
    assert.notEqual(keep, old);
    for (const dir of [keep, old]) {
      fs.mkdirSync(path.join(dir, "v24"), { recursive: true });
      fs.writeFileSync(path.join(dir, "v24", "entry"), "cached");
    }
    assert.deepEqual(await pruneCompileCaches(root, keep), [path.basename(old)]);
    assert.ok(!fs.existsSync(old), "the old install's cache is gone");
    assert.equal(fs.readFileSync(path.join(keep, "v24", "entry"), "utf8"), "cached");
    assert.deepEqual(await pruneCompileCaches(path.join(root, "absent"), keep), [], "no cache root yet: nothing to do, no error");
  });
});
