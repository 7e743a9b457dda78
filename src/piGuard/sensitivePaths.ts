// Files in the workspace that configure or run code, so that pi's file tools changing them can
// turn an approved (or automatic) action into one that runs anything. Pure; the list is
// documented in docs/security-allowlist.md — keep the two in step.
//
// Two tiers:
//   "autorun"  something runs it without any command pi asks for: VS Code (tasks, settings,
//              workspace files), git run by VS Code itself (hooks, core.fsmonitor), direnv,
//              pi's own project settings and extensions. Asked about in "ask" and "allowList".
//   "build"    it decides what a build, test or install command does (package manifests,
//              lockfiles, build files, tool configs, installed tools under node_modules/.venv).
//              Asked about while some command runs without a dialog (allow list, Always allow).
// A path counts when any of its components (directories) or its file name is listed, at any
// depth: `sub/.git/config`, `packages/a/package.json`. Names compare case-insensitively and
// without trailing dots/spaces (what case-insensitive and Windows file systems do).

export type SensitiveTier = "autorun" | "build";

export interface Sensitivity {
  tier: SensitiveTier;
  /** One sentence for the dialog: why changing this file matters. */
  why: string;
}

const AUTORUN_DIRS: Record<string, string> = {
  ".git": "git runs programs this folder names (hooks, core.fsmonitor, aliases), and VS Code runs git on its own.",
  ".vscode": "VS Code and its extensions read it (tasks can run on folder open, settings can name programs).",
  ".pi": "pi loads its project settings, extensions and prompts from it.",
  ".agents": "pi loads skills from it.",
  ".husky": "its git hooks run when you commit.",
  ".githooks": "its git hooks run when you commit.",
  ".devcontainer": "it decides what a dev container builds and runs.",
  // A workspace at $HOME holds the user's own configuration.
  ".config": "programs read their settings from it (git's among them, which VS Code runs on its own).",
  ".ssh": "ssh reads it (authorized_keys lets others log in, rc runs at login).",
  ".local": "it holds programs and services that run at login or from PATH.",
};

const AUTORUN_FILES: Record<string, string> = {
  ".envrc": "direnv runs it when you enter the folder.",
  ".gitattributes": "it selects git filters and diff drivers.",
  ".gitmodules": "it tells git which repositories to fetch into the workspace.",
  ".gitconfig": "git reads it when the workspace is your home folder.",
  ".bashrc": "your shell runs it when a terminal opens.",
  ".bash_profile": "your shell runs it at login.",
  ".bash_login": "your shell runs it at login.",
  ".bash_logout": "your shell runs it at logout.",
  ".profile": "your shell runs it at login.",
  ".zshrc": "your shell runs it when a terminal opens.",
  ".zshenv": "zsh runs it for every shell.",
  ".zprofile": "zsh runs it at login.",
  ".zlogin": "zsh runs it at login.",
};

const BUILD_DIRS = [
  "node_modules", ".yarn", ".pnpm-store", ".venv", "venv", "__pypackages__", "site-packages", ".tox", ".nox",
  ".cargo", ".mvn", ".gradle", "gradle", ".bundle", ".direnv",
];

const BUILD_FILES = [
  // JavaScript / TypeScript
  "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "pnpm-workspace.yaml",
  "bun.lock", "bun.lockb", "bunfig.toml", "deno.json", "deno.jsonc", "deno.lock", ".pnpmfile.cjs", "lerna.json", "nx.json", "turbo.json",
  "jsconfig.json",
  // Make and friends
  "makefile", "gnumakefile", "cmakelists.txt", "meson.build", "meson_options.txt", "meson.options", "build.ninja",
  "justfile", ".justfile", "taskfile.yml", "taskfile.yaml", "build", "build.bazel", "workspace", "workspace.bazel", "module.bazel", ".bazelrc",
  "sconstruct", "sconscript", "configure", "configure.ac", "makefile.am", "makefile.in",
  // Rust, Go
  "cargo.toml", "cargo.lock", "build.rs", "rust-toolchain", "rust-toolchain.toml", "go.mod", "go.sum", "go.work",
  // Python
  "pyproject.toml", "setup.py", "setup.cfg", "conftest.py", "pytest.ini", "tox.ini", "noxfile.py", "pipfile", "pipfile.lock",
  "poetry.lock", "uv.lock", "pdm.lock", "requirements.txt", "sitecustomize.py", "usercustomize.py", "manage.py",
  // Ruby, JVM, .NET, PHP, Elixir, Haskell, Nix, containers, hooks managers
  "gemfile", "gemfile.lock", "rakefile", "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
  "gradle.properties", "gradlew", "gradlew.bat", "mvnw", "mvnw.cmd", "build.xml", "build.sbt", "directory.build.props",
  "directory.build.targets", "nuget.config", "global.json", "composer.json", "composer.lock", "mix.exs", "rebar.config",
  "stack.yaml", "flake.nix", "flake.lock", "shell.nix", "default.nix", "dockerfile", "containerfile", "docker-compose.yml",
  "docker-compose.yaml", "compose.yml", "compose.yaml", ".pre-commit-config.yaml", "lefthook.yml", "lefthook.yaml", ".env",
];

const BUILD_PATTERNS: RegExp[] = [
  /\.config\.[cm]?[jt]sx?$/, // vite.config.ts, jest.config.js, eslint.config.mjs, …: run by the tool
  /^\.[^.]+rc(\.[a-z0-9]+)?$/, // .npmrc, .yarnrc.yml, .mocharc.js, .babelrc, .eslintrc.cjs, .bashrc
  /^tsconfig(\..+)?\.json$/, // ts-node and friends read `require`/plugins from it
  /\.(mk|cmake|bzl|bazel|gemspec|rake|csproj|fsproj|vbproj|props|targets|sln|pth|gradle|kts|cabal)$/,
  /^(requirements|constraints)[\w.-]*\.(txt|in)$/,
  /^dockerfile\..+$|^.+\.dockerfile$/,
  /^\.env\..+$/,
];

function clean(name: string): string {
  return name.toLowerCase().replace(/[. ]+$/, "");
}

/** Splits a workspace-relative path (either separator) into cleaned components. */
export function components(relative: string): string[] {
  return relative.split(/[\\/]+/).filter((c) => c.length > 0 && c !== ".").map(clean);
}

/**
 * How sensitive a workspace-relative path is; undefined for ordinary files. `pathDirs` are
 * workspace-relative directories on pi's PATH: anything in them is a command (tier "build").
 */
export function classifyPath(relative: string, pathDirs: readonly string[] = []): Sensitivity | undefined {
  const parts = components(relative);
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1];
  for (const part of parts) {
    const why = AUTORUN_DIRS[part];
    if (why) return { tier: "autorun", why };
  }
  if (AUTORUN_FILES[name]) return { tier: "autorun", why: AUTORUN_FILES[name] };
  if (name.endsWith(".code-workspace")) return { tier: "autorun", why: "VS Code reads settings and tasks from workspace files." };
  if (parts.slice(0, -1).some((p) => BUILD_DIRS.includes(p))) return { tier: "build", why: "it holds installed tools and packages that build and test commands run." };
  if (BUILD_FILES.includes(name) || BUILD_PATTERNS.some((re) => re.test(name))) {
    return { tier: "build", why: "it decides what a build, test or install command runs." };
  }
  const joined = parts.join("/");
  for (const dir of pathDirs) {
    const d = components(dir).join("/");
    if (d === "" || joined.startsWith(`${d}/`)) return { tier: "build", why: "it is in a folder on pi's PATH, so it is run as a command." };
  }
  return undefined;
}
