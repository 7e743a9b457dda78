// The waiting pi's reading of pi's entry and of the launch the host sends (src/piZygote/zygote.ts).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultPiCliPath } from "../../src/host/piPaths";
import { entryImports, parseLaunch } from "../../src/piZygote/zygote";

describe("waiting pi: pi's entry and the launch", () => {
  it("finds the module with main and the others in the pinned pi's cli-runtime.js", () => {
    const dir = path.dirname(defaultPiCliPath(path.join(__dirname, "..", "..")));
    const imports = entryImports(fs.readFileSync(path.join(dir, "cli-runtime.js"), "utf8"));
    assert.ok(imports, "pi 0.87's entry is recognised");
    assert.match(imports.main, /^\.\/chunks\/chunk-[\w-]+\.js$/);
    assert.ok(imports.others.length > 0);
    for (const rel of [imports.main, ...imports.others]) assert.ok(fs.existsSync(path.join(dir, rel)), rel);
  });

  it("does not guess at an entry of another shape (the host then spawns pi as usual)", () => {
    assert.equal(entryImports('import{main}from"./chunks/a.js";main(process.argv.slice(2));'), undefined);
    assert.equal(entryImports('import{APP_NAME,configureHttpDispatcher,main}from"./chunks/a.js";run();'), undefined);
  });

  it("takes a well-formed launch and refuses anything else", () => {
    assert.deepEqual(parseLaunch('{"cwd":"/w","args":["--mode","rpc"],"env":{"A":"1"}}'), { cwd: "/w", args: ["--mode", "rpc"], env: { A: "1" } });
    for (const bad of ["", "not json", "null", '{"cwd":1,"args":[],"env":{}}', '{"cwd":"/w","args":[1],"env":{}}', '{"cwd":"/w","args":[],"env":{"A":2}}', '{"cwd":"/w","args":[]}']) {
      assert.equal(parseLaunch(bad), undefined, bad);
    }
  });
});
