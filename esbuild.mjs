// Builds the extension (Node, CJS, `vscode` external), the standalone server entry and the
// chat webview (browser, IIFE). `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from "esbuild";
import { assemblePiRuntime } from "./scripts/piRuntime.mjs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    // Activation: only the shell (commands, the view and serializer registrations).
    entryPoints: { extension: "src/vscode/extension.ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    outdir: "dist",
    external: ["vscode", "./chat.js", "./remote.js"],
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
  },
  {
    // The chat machinery, required by the shell on first use (src/vscode/extension.ts).
    entryPoints: { chat: "src/vscode/chatFeature.ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    outdir: "dist",
    external: ["vscode", "./remote.js"],
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
  },
  {
    // The remote server inside VS Code (with pino and find-my-way), required on first use.
    entryPoints: { remote: "src/vscode/remoteServer.ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    outdir: "dist",
    external: ["vscode"],
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
  },
  {
    // The headless HTTP/SSE server (`pi-vscode-server`, `node dist/server.js`): no vscode inside.
    entryPoints: { server: "src/server/cli.ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    outdir: "dist",
    banner: { js: "#!/usr/bin/env node" },
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
  },
  {
    // The pi extension that confines pi to the workspace. pi loads it with jiti, which takes
    // the default export of an ESM module (a CJS bundle is rejected as "no valid factory").
    entryPoints: { piGuard: "src/piGuard/guard.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outdir: "dist",
    minify: production,
    logLevel: "warning",
  },
  {
    // The pi extension that registers VS Code's language models as pi's "vscode-lm" provider.
    entryPoints: { lmBridgeProvider: "src/host/lmBridge/piExtension.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outdir: "dist",
    minify: production,
    logLevel: "warning",
  },
  {
    entryPoints: { webview: "webview/main.tsx" },
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2020",
    outdir: "dist",
    jsx: "automatic",
    jsxImportSource: "preact",
    // The tables' schemas are the host's business: see webview/typeboxStub.ts.
    alias: { typebox: "./webview/typeboxStub.ts" },
    sourcemap: !production,
    minify: true,
    logLevel: "warning",
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, metafile: true })));
  for (const r of results) for (const [file, out] of Object.entries(r.metafile.outputs)) if (file.endsWith(".js")) console.log(`${file}  ${(out.bytes / 1024).toFixed(1)} KB`);
  // The parts of pi that run, for the .vsix and for every test that starts pi.
  console.log(`pi runtime: ${assemblePiRuntime()}`);
}
