// Runs inside the real extension host (loaded through VS Code's extensionTestsPath): the same
// run() contract @vscode/test-electron uses, so the suite also runs under desktop VS Code.
import Mocha from "mocha";
import { defineExtensionTests } from "./extension.test";
import { defineLmBridgeTests } from "./lmBridge.test";
import { definePrewarmTests } from "./prewarm.test";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", color: false, timeout: 60_000, reporter: "spec" });
  // Installs describe/it as globals for the (bundled) test definitions.
  mocha.suite.emit("pre-require", globalThis, "extension.test", mocha);
  defineExtensionTests();
  defineLmBridgeTests();
  definePrewarmTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
