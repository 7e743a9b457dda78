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
  /** Plain words (subcommands) that run or configure code. */
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
};

/** Programs that run another program given later on the command line (`timeout 60 npm test`). */
const WRAPPERS = new Set(["env", "timeout", "time", "nice", "nohup", "command", "exec", "stdbuf", "ionice", "xargs", "sudo", "doas", "chrt", "taskset"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function baseName(word: string): string {
  const parts = word.split(/[\\/]/);
  return parts[parts.length - 1].toLowerCase().replace(/\.(exe|cmd|bat)$/, "");
}

/**
 * The programs a command runs, for the table: `/usr/bin/git` is git; `python3 -m pytest` is
 * python and pytest; `timeout 60 npm test` is timeout and npm.
 */
function programsOf(words: readonly string[], depth = 0): string[] {
  if (words.length === 0 || depth > 4) return [];
  let first = baseName(words[0]);
  if (/^python[\d.]*$/.test(first)) first = "python";
  const programs = [first];
  const m = words.indexOf("-m");
  if (first === "python" && m >= 0 && m + 1 < words.length) programs.push(baseName(words[m + 1]));
  if (WRAPPERS.has(first)) {
    // The wrapped program is the first word that is not an option, a duration/number or an assignment.
    const inner = words.slice(1).findIndex((w) => !w.startsWith("-") && !/^[\d.]+[smhd]?$/.test(w) && !ASSIGNMENT.test(w));
    if (inner >= 0) programs.push(...programsOf(words.slice(inner + 1), depth + 1));
  }
  return programs;
}

function optionHits(option: string, word: string): boolean {
  const isLong = option.startsWith("--") || option.length > 2;
  if (isLong) {
    // A long option, exact or with `=value`; single-dash long ones (go's -exec) also with two dashes.
    const spellings = option.startsWith("--") ? [option] : [option, "-" + option];
    return spellings.some((o) => word === o || word.startsWith(o + "="));
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
  const risks = programsOf(words).map((p) => RISKS[p]).filter((r): r is ProgramRisk => r !== undefined);
  if (risks.length === 0) return undefined;
  let afterSeparator = false;
  for (const word of words.slice(1)) {
    if (allowedWords.has(word)) continue;
    if (word === "--") {
      afterSeparator = true; // what follows are operands, or the script's own arguments
      continue;
    }
    for (const risk of risks) {
      // make takes NAME=value as a variable even after `--`.
      if (risk.assignments && ASSIGNMENT.test(word)) return word;
      if (afterSeparator) continue;
      if (risk.options.some((o) => optionHits(o, word)) || risk.words?.includes(word)) return word;
    }
  }
  return undefined;
}
