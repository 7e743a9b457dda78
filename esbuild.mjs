// Builds the extension (Node, CJS, `vscode` external), the standalone server entry and the
// chat webview (browser, ESM split into chunks). `--production` minifies; `--watch` rebuilds
// on change; `--webview-out DIR` builds only the webview, into DIR (the tests' own copy).
import * as fs from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { assemblePiRuntime } from "./scripts/piRuntime.mjs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");
const webviewOutIndex = process.argv.indexOf("--webview-out");
const webviewOut = webviewOutIndex > 0 ? process.argv[webviewOutIndex + 1] : undefined;

/**
 * The page uses the action and event tables for their names, routes and faces; only the host
 * validates. So in the page each schema module (src/protocol/schemas/*) is a stub exporting
 * the same names, all one inert value — the schemas' ≈5 KB stay out of the first paint, as
 * typebox itself does (webview/typeboxStub.ts). test/layers.ts keeps webview/ from importing
 * a schema module directly, so nothing in the page can depend on a schema's value.
 * @type {esbuild.Plugin}
 */
const schemaStubs = {
  name: "schema-stubs",
  setup(build) {
    build.onResolve({ filter: /^\.\/schemas\// }, (args) => {
      if (!args.importer.includes(`${path.sep}src${path.sep}protocol${path.sep}`)) return undefined;
      return { path: path.join(args.resolveDir, `${args.path}.ts`), namespace: "schema-stub" };
    });
    build.onLoad({ filter: /.*/, namespace: "schema-stub" }, (args) => {
      const source = fs.readFileSync(args.path, "utf8");
      const names = new Set([...source.matchAll(/^export\s+(?:const|function)\s+(\w+)/gm)].map((m) => m[1]));
      for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm)) for (const n of m[1].split(",")) if (n.trim()) names.add(n.trim());
      const exports = [...names].map((n) => `export const ${n} = stub;`).join("\n");
      return { contents: `const stub = () => stub;\n${exports}\n`, loader: "js" };
    });
  },
};

/**
 * Writes preload.json beside the page's modules: per entry, the chunks it imports statically.
 * The page's HTML names them in <link rel="modulepreload"> so they are fetched with the entry,
 * not one round trip after it (in a remote window every round trip crosses the network).
 * @type {esbuild.Plugin}
 */
const preloadList = {
  name: "preload-list",
  setup(build) {
    build.onEnd((result) => {
      if (!result.metafile) return;
      const outputs = result.metafile.outputs;
      const entries = Object.values(build.initialOptions.entryPoints);
      const list = {};
      for (const [file, out] of Object.entries(outputs)) {
        // The pages' entries, not the chunks import() loads (esbuild calls those entries too).
        if (!entries.includes(out.entryPoint)) continue;
        const seen = new Set();
        const todo = out.imports.filter((i) => i.kind === "import-statement").map((i) => i.path);
        for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
          if (seen.has(next)) continue;
          seen.add(next);
          for (const i of outputs[next]?.imports ?? []) if (i.kind === "import-statement") todo.push(i.path);
        }
        list[path.basename(file)] = [...seen].map((f) => path.basename(f)).sort();
      }
      fs.writeFileSync(path.join(build.initialOptions.outdir, "preload.json"), `${JSON.stringify(list)}\n`);
    });
  },
};

/**
 * The chat page: one entry per host page (`main` in VS Code webviews, `remote` on the server's
 * browser page) and chunks loaded on demand (highlight.js and each of its languages, the diff
 * view, dialog cards, the session menu). Only what the first paint needs is imported statically.
 * @type {esbuild.BuildOptions}
 */
const webview = {
  entryPoints: { main: "webview/main.tsx", remote: "webview/remote.tsx" },
  bundle: true,
  splitting: true,
  platform: "browser",
  format: "esm",
  // VS Code's Chromium and every browser since 2022: no down-levelled syntax in the bundle.
  target: "es2022",
  outdir: webviewOut ?? "dist/webview",
  entryNames: "[name]",
  // The server serves only names of this shape (src/server/routes/static.ts).
  chunkNames: "[name]-[hash]",
  jsx: "automatic",
  jsxImportSource: "preact",
  // The tables' schemas are the host's business: see webview/typeboxStub.ts.
  alias: { typebox: "./webview/typeboxStub.ts" },
  plugins: [schemaStubs, preloadList],
  metafile: true,
  sourcemap: !production && !webviewOut,
  minify: true,
  // License notices go to *.LEGAL.txt beside the chunks, not into every chunk the page loads.
  legalComments: "external",
  logLevel: "warning",
};
// Hashed chunk names change with every edit: start from an empty folder, not a pile of old chunks.
fs.rmSync(webview.outdir, { recursive: true, force: true });

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
    // pi's own pi-ai (its loader hands extensions pi's copy): the API code it loads is pi's.
    external: ["@earendil-works/pi-ai", "@earendil-works/pi-ai/compat"],
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
  webview,
];

if (webviewOut) {
  await esbuild.build(webview);
} else if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, metafile: true })));
  for (const r of results) for (const [file, out] of Object.entries(r.metafile.outputs)) if (file.endsWith(".js")) console.log(`${file}  ${(out.bytes / 1024).toFixed(1)} KB`);
  // The parts of pi that run, for the .vsix and for every test that starts pi.
  console.log(`pi runtime: ${assemblePiRuntime()}`);
}
