// Options that change what an allowed command does: which configuration it loads, which
// program or directory it really runs, or which file it writes. `git status` is harmless;
// `git -c core.fsmonitor=./x status` runs ./x. An allow-list pattern never covers these
// unless the pattern itself spells the word (`git -C sub status` allows exactly that).
// Pure data and one function; no pi, no vscode.
//
// The table is per program (the first word's base name). It is not every option of every tool;
// it is the documented set (docs/security-allowlist.md) of known ways to load configuration,
// code or a different project from the command line. For other programs a pattern allows every
// option — choose patterns accordingly.

interface ProgramRisk {
  /** Long options (`--x`, also `--x=value`) and short options (`-x`, also attached/bundled: `-xvalue`, `-vx`). */
  options: string[];
  /** Subcommands that run or configure code (checked among the first two non-option words after the program). */
  words?: string[];
  /** `NAME=value` words set variables that pick the shell or compiler (make SHELL=./x). */
  assignments?: boolean;
}

const NPM_FAMILY: ProgramRisk = {
  options: [
    "--prefix", "-C", "--dir", "--cwd", "--userconfig", "--globalconfig", "--script-shell", "--shell", "--node-options",
    "--call", "-c", "--package", "-p", "--registry", "--init-module", "--onload-script", "--global", "-g", "--location",
    "--no-ignore-scripts", "--config", "--rcfile", "--pnpmfile", "--global-pnpmfile", "--yarn-path",
  ],
  words: ["config", "set", "pkg", "exec", "x", "dlx", "link", "install-test", "explore"],
};

const INTERPRETER: ProgramRisk = {
  options: [
    "-c", "-e", "--eval", "-p", "--print", "-r", "--require", "--import", "--loader", "--experimental-loader", "-m",
    "--rcfile", "--init-file", "--env-file", "--env-file-if-exists", "--inspect", "--inspect-brk",
  ],
};

const MAKE: ProgramRisk = {
  options: ["-f", "--file", "--makefile", "-C", "--directory", "-I", "--include-dir", "-E", "--eval"],
  assignments: true,
};

const PYTEST: ProgramRisk = {
  options: ["-p", "-c", "--config-file", "-o", "--override-ini", "--rootdir", "--confcutdir", "--basetemp", "--pyargs", "--junitxml", "--junit-xml", "--report-log", "--cache-dir", "-C"],
};

/** Test runners and build tools: a config, plugin, reporter or setup file is code; an output path writes anywhere. */
const CONFIG_LOADER: ProgramRisk = {
  options: [
    "-c", "--config", "--configLoader", "--config-loader", "--plugin", "--root", "--rootDir", "--dir", "--outDir", "--out-dir", "--outFile",
    "-o", "--output", "--output-file",
  ],
};
const MOCHA: ProgramRisk = { options: ["-r", "--require", "--config", "--package", "--file", "--reporter", "-R", "--ui", "-u", "--import", "--node-option", "-n", "--loader"] };
const JEST: ProgramRisk = {
  options: [
    "-c", "--config", "--rootDir", "--roots", "--setupFiles", "--setupFilesAfterEnv", "--testRunner", "--runner", "--reporters", "--transform",
    "--globalSetup", "--globalTeardown", "--testEnvironment", "--resolver", "--preset", "--projects", "--watchPlugins", "--outputFile",
  ],
};
const VITEST: ProgramRisk = { options: [...CONFIG_LOADER.options, "-r", "--setupFiles", "--globalSetup", "--reporter", "--environment", "--workspace", "--project", "--outputFile"] };
const TS_RUNNER: ProgramRisk = { options: [...INTERPRETER.options, "--tsconfig", "-P", "--project", "-C", "--compiler", "--require-hook"] };

const RISKS: Record<string, ProgramRisk> = {
  git: {
    options: [
      "-c", "--config-env", "--exec-path", "-C", "--git-dir", "--work-tree", "--namespace", "--super-prefix",
      "--upload-pack", "--receive-pack", "--exec", "-x", "-O", "--open-files-in-pager", "--extcmd", "--tool",
      "--output", "--template", "--separate-git-dir", "--config", "--ext-diff", "--textconv",
    ],
    words: ["config", "filter-branch", "filter-repo", "foreach", "run", "difftool", "mergetool", "daemon", "instaweb", "archive", "credential"],
  },
  npm: NPM_FAMILY,
  npx: NPM_FAMILY,
  pnpm: NPM_FAMILY,
  pnpx: NPM_FAMILY,
  yarn: NPM_FAMILY,
  bun: { ...NPM_FAMILY, options: [...NPM_FAMILY.options, ...INTERPRETER.options, "--preload"] },
  bunx: NPM_FAMILY,
  make: MAKE,
  gmake: MAKE,
  pytest: PYTEST,
  "py.test": PYTEST,
  cargo: { options: ["--config", "-Z", "--manifest-path", "--target-dir", "-C", "--artifact-dir", "--out-dir"], words: ["install", "run"] },
  go: { options: ["-exec", "-toolexec", "-C", "-modfile", "-overlay", "-o", "-ldflags", "-gcflags", "-asmflags"], words: ["run", "generate", "env", "install"] },
  node: INTERPRETER,
  python: INTERPRETER,
  python3: INTERPRETER,
  ruby: INTERPRETER,
  perl: INTERPRETER,
  deno: { options: [...INTERPRETER.options, "--config"], words: ["eval", "run", "task"] },
  bash: INTERPRETER,
  sh: INTERPRETER,
  zsh: INTERPRETER,
  env: { options: ["-S", "--split-string", "-C", "--chdir"], assignments: true },
  mocha: MOCHA,
  jest: JEST,
  vitest: VITEST,
  tsc: { options: ["-p", "--project", "-b", "--build", "--outDir", "--outFile", "--declarationDir", "--tsBuildInfoFile", "--rootDir"] },
  eslint: { options: ["-c", "--config", "--plugin", "--rulesdir", "--resolve-plugins-relative-to", "--parser", "-f", "--format", "-o", "--output-file"] },
  prettier: { options: ["--config", "--plugin", "--plugin-search-dir"] },
  tsx: TS_RUNNER,
  "ts-node": TS_RUNNER,
  vite: CONFIG_LOADER,
  webpack: CONFIG_LOADER,
  rollup: { options: [...CONFIG_LOADER.options, "-p", "-d", "--file"] },
  playwright: CONFIG_LOADER,
  rspec: { options: ["-r", "--require", "-I", "--options"] },
  rake: { options: ["-f", "--rakefile", "-r", "--require", "-I", "--libdir", "-R", "--rakelibdir"], assignments: true },
  tox: { options: ["-c", "--conf", "--workdir"] },
  nox: { options: ["-f", "--noxfile"] },
  bundle: { options: [], words: ["exec"] },
};

/** Programs that run another program given later on the command line (`timeout 60 npm test`, `npx mocha`). */
const WRAPPERS = new Set(["env", "timeout", "time", "nice", "nohup", "command", "exec", "stdbuf", "ionice", "xargs", "sudo", "doas", "chrt", "taskset", "npx", "pnpx", "bunx"]);
/** Package managers that run a package's program by name: `yarn jest`, `pnpm exec vitest`, `npm exec mocha`. */
const PACKAGE_RUNNERS = new Set(["npm", "pnpm", "yarn", "bun"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function baseName(word: string): string {
  const parts = word.split(/[\\/]/);
  return parts[parts.length - 1].toLowerCase().replace(/\.(exe|cmd|bat)$/, "");
}

interface ProgramAt {
  name: string;
  /** Index of the program's word in the command. */
  at: number;
  /** Its options end here: a wrapper's options stop at the program it wraps (npm's own never do). */
  end: number;
}

/**
 * The programs a command runs, for the table: `/usr/bin/git` is git; `python3 -m pytest` is
 * python and pytest; `timeout 60 npm test` is timeout and npm; `npx mocha` is npx and mocha.
 */
function programsOf(words: readonly string[], start = 0, depth = 0): ProgramAt[] {
  if (start >= words.length || depth > 4) return [];
  let first = baseName(words[start]);
  if (/^python[\d.]*$/.test(first)) first = "python";
  const programs: ProgramAt[] = [{ name: first, at: start, end: words.length }];
  const m = words.indexOf("-m", start);
  if (first === "python" && m >= 0 && m + 1 < words.length) programs.push({ name: baseName(words[m + 1]), at: m + 1, end: words.length });
  if (PACKAGE_RUNNERS.has(first) && start + 1 < words.length) {
    const sub = ["exec", "x", "dlx"].includes(words[start + 1]) ? start + 2 : start + 1;
    if (sub < words.length) programs.push({ name: baseName(words[sub]), at: sub, end: words.length });
  }
  if (WRAPPERS.has(first)) {
    // The wrapped program is a word that is not an option, a number or an assignment; an option's
    // value looks the same (`timeout -s KILL 60 make`), so each of the first three candidates counts.
    const candidates = words.map((_w, i) => i).filter((i) => i > start && !words[i].startsWith("-") && !/^[\d.]+[smhd]?$/.test(words[i]) && !ASSIGNMENT.test(words[i]));
    if (candidates.length > 0) programs[0].end = candidates[0];
    for (const inner of candidates.slice(0, 3)) programs.push(...programsOf(words, inner, depth + 1));
  }
  return programs;
}

/** The first two words after a program that are not options (its subcommand, and one below: `submodule foreach`). */
function subcommandWords(words: readonly string[], at: number): string[] {
  const found: string[] = [];
  for (let i = at + 1; i < words.length && found.length < 2 && words[i] !== "--"; i++) if (!words[i].startsWith("-")) found.push(words[i]);
  return found;
}

function optionHits(option: string, word: string): boolean {
  const isLong = option.startsWith("--") || option.length > 2;
  if (isLong) {
    // A long option, exact or with `=value`; single-dash long ones (go's -exec) also with two dashes.
    const spellings = option.startsWith("--") ? [option] : [option, `-${option}`];
    return spellings.some((o) => word === o || word.startsWith(`${o}=`));
  }
  // A short option `-x`: alone, with an attached value (-xvalue) or bundled after other letters (-vx).
  if (!word.startsWith("-") || word.startsWith("--")) return false;
  return word.slice(1).includes(option[1]);
}

/**
 * The first word of `words` that changes what the command does (see the table), skipping words
 * that appear in `allowedWords` (the pattern spelled them); undefined when there is none.
 * A leading `NAME=value` (an environment assignment) always counts.
 */
export function riskyWord(words: readonly string[], allowedWords: ReadonlySet<string>): string | undefined {
  if (words.length > 0 && ASSIGNMENT.test(words[0]) && !allowedWords.has(words[0])) return words[0];
  const programs = programsOf(words).flatMap((p) => (RISKS[p.name] ? [{ ...p, risk: RISKS[p.name] }] : []));
  for (const { at, risk } of programs) {
    const sub = subcommandWords(words, at).find((w) => risk.words?.includes(w) && !allowedWords.has(w));
    if (sub) return sub;
  }
  for (const { at, end, risk } of programs) {
    let afterSeparator = false;
    for (const word of words.slice(at + 1, end)) {
      if (allowedWords.has(word)) continue;
      if (word === "--") {
        afterSeparator = true; // what follows are operands, or the script's own arguments
        continue;
      }
      // make takes NAME=value as a variable even after `--`.
      if (risk.assignments && ASSIGNMENT.test(word)) return word;
      if (!afterSeparator && risk.options.some((o) => optionHits(o, word))) return word;
    }
  }
  return undefined;
}
