// Bundles the in-host test suite to out/extension-suite/index.js (mocha and vscode stay external),
// and the test language model provider extension to test/extension/lmProvider/out/extension.js.
import * as esbuild from "esbuild";

await esbuild.build({
  entryPoints: ["test/extension/suite/index.ts"],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  outfile: "out/extension-suite/index.js",
  external: ["vscode", "mocha"],
  sourcemap: "inline",
  logLevel: "warning",
});

await esbuild.build({
  entryPoints: ["test/extension/lmProvider/extension.ts"],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  outfile: "test/extension/lmProvider/out/extension.js",
  external: ["vscode"],
  sourcemap: "inline",
  logLevel: "warning",
});
