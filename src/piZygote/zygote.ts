// A pi that has loaded its code and waits to be told how to run (dist/piZygote.js). Two thirds
// of pi's cold start is Node reading pi's modules (~200 of ~300 ms here); this process does that
// before anyone knows the chat's arguments and environment — the extension starts one at
// activation, before its chat machinery has loaded. The host then sends the launch (folder,
// arguments, environment) on fd 3 and this process becomes that pi, in RPC mode on its stdin and
// stdout, exactly as `node cli.js --mode rpc …` would run.
// Run as: node piZygote.js <pi's dist/bundle/cli.js>. Exits 0 when fd 3 closes without a launch
// (the host no longer wants it), EXIT_LAYOUT when pi's entry is not as expected (another pi
// version: the host then starts pi the ordinary way), EXIT_BAD_LAUNCH on a malformed launch.
import * as fs from "node:fs";
import * as nodeModule from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const LAUNCH_FD = 3;
export const EXIT_BAD_LAUNCH = 64;
export const EXIT_LAYOUT = 70;

interface PiMain {
  APP_NAME: string;
  configureHttpDispatcher(): void;
  main(args: string[]): unknown;
}

export interface ZygoteLaunch {
  cwd: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The modules pi's CLI runtime imports (dist/bundle/cli-runtime.js): the one that exports
 * `main`, then the others in order. Undefined when the file does not look as pi 0.87 writes it.
 */
export function entryImports(source: string): { main: string; others: string[] } | undefined {
  const main = /import\{APP_NAME,configureHttpDispatcher,main\}from"(\.\/chunks\/[\w.-]+\.js)"/.exec(source)?.[1];
  if (!main || !/setupCli\(\);main\(process\.argv\.slice\(2\)\)/.test(source)) return undefined;
  const others = [...source.matchAll(/import"(\.\/chunks\/[\w.-]+\.js)"/g)].map((m) => m[1]);
  return { main, others };
}

/** A launch as the host writes it, or undefined when it is not one. */
export function parseLaunch(text: string): ZygoteLaunch | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  const { cwd, args, env } = value as Record<string, unknown>;
  if (typeof cwd !== "string" || !Array.isArray(args) || !args.every((a) => typeof a === "string")) return undefined;
  if (!env || typeof env !== "object" || !Object.values(env).every((v) => typeof v === "string")) return undefined;
  return { cwd, args: args as string[], env: env as Record<string, string> };
}

/** Makes this process's environment exactly `env` (pi reads it when it needs it, not at load). */
function replaceEnv(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
}

function fail(code: number, message: string): never {
  process.stderr.write(`pi-vscode: the waiting pi cannot run: ${message}\n`);
  process.exit(code);
}

function readLaunch(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Closed at its end (autoClose): pi's own child processes must not inherit it.
    const stream = fs.createReadStream("", { fd: LAUNCH_FD });
    stream.on("data", (chunk) => chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}

async function run(cliPath: string | undefined): Promise<void> {
  // Counted as pi from the start: the process checks (leaks, caps) see it as what it will be.
  process.title = "pi";
  if (!cliPath) fail(EXIT_LAYOUT, "no pi CLI path given");
  // pi's cli.js does the same: the modules compile from the cache pi keeps warm.
  // (Node 22.1+; the typings here are older.)
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const dir = path.dirname(cliPath);
  let imports: ReturnType<typeof entryImports>;
  try {
    imports = entryImports(fs.readFileSync(path.join(dir, "cli-runtime.js"), "utf8"));
  } catch (err) {
    fail(EXIT_LAYOUT, `cannot read pi's entry: ${(err as Error).message}`);
  }
  if (!imports) fail(EXIT_LAYOUT, "pi's entry is not the one this extension knows");
  const load = (rel: string) => import(pathToFileURL(path.join(dir, rel)).href);
  const pi = (await load(imports.main)) as PiMain;
  for (const other of imports.others) await load(other);
  if (typeof pi.main !== "function" || typeof pi.configureHttpDispatcher !== "function") fail(EXIT_LAYOUT, "pi's entry has no main");
  const text = await readLaunch();
  // The host let go before it had a chat for this process.
  if (!text) process.exit(0);
  const launch = parseLaunch(text);
  if (!launch) fail(EXIT_BAD_LAUNCH, "the launch it was sent is not valid");
  replaceEnv(launch.env);
  process.chdir(launch.cwd);
  // What pi's cli-runtime.js does before main (setupCli).
  process.title = pi.APP_NAME;
  process.env.PI_CODING_AGENT = "true";
  process.env.AI_AGENT = "pi";
  process.emitWarning = () => undefined;
  pi.configureHttpDispatcher();
  pi.main(launch.args);
}

if (require.main === module) {
  run(process.argv[2]).catch((err: unknown) => fail(EXIT_LAYOUT, err instanceof Error ? err.message : String(err)));
}
