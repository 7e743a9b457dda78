// The deployment files, checked by real tools: the Dockerfile by two Dockerfile linters from
// npm (dockerfilelint, dockerfile-utils) and then run outside a container exactly as its
// CMD/ENV/HEALTHCHECK say; deploy/compose.yaml by dclint (the Compose schema and its rules);
// deploy/kubernetes/*.yaml by the Kubernetes OpenAPI schemas (kubernetes-models); nginx.conf
// by `nginx -t`. Then the fields the issue requires, one by one.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validate as validateDockerfile } from "dockerfile-utils";
import { run as dockerfilelint } from "dockerfilelint";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { freePort, nginxConfFor, REPO, waitUntil } from "./support";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const read = (p: string) => fs.readFileSync(path.join(REPO, p), "utf8");

/** Dockerfile instructions with continuation lines joined. */
function instructions(text: string): Array<{ op: string; args: string }> {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), args: l.slice(l.split(/\s+/)[0].length).trim() }));
}

describe("fleet: deployment files", function () {
  this.timeout(60_000);
  const dockerfile = read("Dockerfile");
  const ins = instructions(dockerfile);

  it("Dockerfile: no findings from dockerfilelint or dockerfile-utils", () => {
    assert.deepEqual(dockerfilelint(REPO, dockerfile), []);
    assert.deepEqual(
      validateDockerfile(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`),
      [],
    );
  });

  it("Dockerfile: Node 24 on Debian slim, git/ripgrep/bash, non-root, HEALTHCHECK, state only in volumes", () => {
    const froms = ins.filter((i) => i.op === "FROM").map((i) => i.args.split(/\s+/)[0]);
    assert.deepEqual(froms, ["node:24-bookworm-slim", "node:24-bookworm-slim"]);
    const apt = ins.find((i) => i.op === "RUN" && i.args.includes("apt-get install"))?.args ?? "";
    for (const pkg of ["git", "ripgrep", "bash"]) assert.match(apt, new RegExp(`\\b${pkg}\\b`));
    assert.match(apt, /rm -rf \/var\/lib\/apt\/lists/);
    const users = ins.filter((i) => i.op === "USER").map((i) => i.args);
    assert.deepEqual(users, ["pi"]);
    assert.ok(ins.findIndex((i) => i.op === "USER") > ins.findIndex((i) => i.op === "RUN" && i.args.includes("apt-get")), "USER after the root steps");
    assert.match(ins.find((i) => i.op === "HEALTHCHECK")?.args ?? "", /\/api\/v1\/health/);
    assert.deepEqual(JSON.parse(ins.find((i) => i.op === "VOLUME")?.args ?? "[]"), ["/data", "/workspace"]);
    const env = ins
      .filter((i) => i.op === "ENV")
      .map((i) => i.args)
      .join(" ");
    assert.match(env, /PI_CODING_AGENT_DIR=\/data\/agent/);
    assert.match(env, /HOME=\/tmp/, "HOME on the tmpfs: nothing writes to the (read-only) root");
    assert.doesNotMatch(env, /JWT_SECRET|API_KEY|FLEET_SECRET|UI_PASSWORD/, "no secret baked into the image");
    assert.match(read(".dockerignore"), /^node_modules$/m);
  });

  it("Dockerfile: its CMD, run outside a container with its ENV, passes its own HEALTHCHECK", async function () {
    // It builds dist/ (extension, server, webview chunks and pi's runtime) first.
    this.timeout(120_000);
    // Why outside: see test/fleet/container/image.test.ts for the same image built and run by podman.
    const build = spawnSync(process.execPath, ["esbuild.mjs"], { cwd: REPO, encoding: "utf8" });
    assert.equal(build.status, 0, build.stderr);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-image-"));
    // One pass: a repository that itself lies under /tmp must not be remapped a second time.
    const remap = (p: string) => p.replace(/^\/(app|data|workspace|tmp)\b/, (_match, dir: string) => (dir === "app" ? REPO : path.join(root, dir)));
    for (const d of ["data/agent", "data/server", "workspace", "tmp"]) fs.mkdirSync(path.join(root, d), { recursive: true });
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    for (const i of ins.filter((x) => x.op === "ENV")) for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]] = remap(m[2]);
    const port = await freePort();
    // Only loopback on a test machine; with 0.0.0.0 the server demands API_KEY, as in the image.
    Object.assign(env, { HOST: "127.0.0.1", PORT: String(port), API_KEY: "an-api-key-for-the-image-test" });
    const cmd = JSON.parse(ins.filter((i) => i.op === "CMD").pop()?.args ?? "[]") as string[];
    assert.equal(cmd[0], "node");
    const child = spawn(process.execPath, cmd.slice(1).map(remap), { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await waitUntil(`the server to listen (${out})`, () => out.includes("pi server listening"), 20_000);
      const health = JSON.parse(`[${/CMD \[(.*)\]$/.exec(ins.find((i) => i.op === "HEALTHCHECK")?.args ?? "")?.[1] ?? ""}]`) as string[];
      const check = spawnSync(process.execPath, health.slice(1), { env, encoding: "utf8", timeout: 5_000 });
      assert.equal(check.status, 0, `HEALTHCHECK failed: ${check.stderr}`);
      assert.ok(fs.existsSync(path.join(root, "data/server")));
      assert.deepEqual(fs.readdirSync(path.join(root, "workspace")), [], "the server wrote nothing into the workspace");
    } finally {
      // A server that already exited (it could not start) has no exit event left to wait for.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      fs.rmSync(root, { recursive: true, force: true });
    }
    // With the server gone the same check fails: it is no constant.
    const health = JSON.parse(`[${/CMD \[(.*)\]$/.exec(ins.find((i) => i.op === "HEALTHCHECK")?.args ?? "")?.[1] ?? ""}]`) as string[];
    assert.equal(spawnSync(process.execPath, health.slice(1), { env, timeout: 5_000 }).status, 1);
  });

  it("compose.yaml: dclint finds nothing; Redis, two instances on one sessions volume, nginx", () => {
    const lint = spawnSync(
      process.execPath,
      // Key and service order are style rules: the file keeps its anchors first and services in start order.
      [
        path.join(REPO, "node_modules/dclint/bin/dclint.cjs"),
        "deploy/compose.yaml",
        "--disable-rule",
        "service-keys-order",
        "services-alphabetical-order",
        "top-level-properties-order",
        "--max-warnings",
        "0",
      ],
      { cwd: REPO, encoding: "utf8" },
    );
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    const compose = obj(parseYaml(read("deploy/compose.yaml"), { merge: true }));
    const services = obj(compose.services);
    assert.deepEqual(Object.keys(services).sort(), ["nginx", "pi-1", "pi-2", "redis"]);
    const ids = new Set<string>();
    for (const name of ["pi-1", "pi-2"]) {
      const s = obj(services[name]);
      const env = obj(s.environment);
      assert.equal(env.REDIS_URL, "redis://redis:6379/0");
      assert.equal(env.INSTANCE_URL, `http://${name}:3000`);
      ids.add(String(env.INSTANCE_ID));
      for (const secret of ["FLEET_SECRET", "JWT_SECRET", "API_KEY"]) assert.match(String(env[secret]), /^\$\{\w+:\?/, `${secret} comes from the environment, required`);
      assert.equal(s.read_only, true);
      assert.deepEqual(s.tmpfs, ["/tmp"]);
      assert.ok(arr(s.volumes).includes("agent:/data/agent"), "the shared sessions volume");
      assert.ok(arr(s.cap_drop).includes("ALL"));
    }
    assert.equal(ids.size, 2, "distinct INSTANCE_IDs");
    assert.ok(arr(obj(services.nginx).volumes).includes("./nginx.conf:/etc/nginx/conf.d/default.conf:ro"));
    assert.match(JSON.stringify(obj(services.redis).command), /appendonly/);
    assert.ok("agent" in obj(compose.volumes));
  });

  it("nginx.conf: `nginx -t` accepts it; SSE settings present; hash routing documented as optional", () => {
    const conf = read("deploy/nginx.conf");
    for (const line of ["proxy_buffering off;", "proxy_read_timeout 1h;", "gzip off;", 'proxy_set_header Connection "";', "proxy_http_version 1.1;"])
      assert.ok(conf.includes(line), line);
    assert.ok(conf.includes("# hash $pi_chat consistent;"), "routing by chat id is an opt-in optimisation");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-nginx-t-"));
    fs.writeFileSync(path.join(dir, "nginx.conf"), nginxConfFor(18080, [13001, 13002], dir));
    const t = spawnSync("nginx", ["-t", "-p", dir, "-e", path.join(dir, "error.log"), "-c", path.join(dir, "nginx.conf")], { encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(t.status, 0, t.stderr);
  });

  it("kubernetes: every manifest valid against the Kubernetes schemas; probes, preStop, PDB, RWX, secretKeyRef, non-root, read-only root", async () => {
    const { Deployment, StatefulSet } = await import("kubernetes-models/apps/v1");
    const { Service, PersistentVolumeClaim } = await import("kubernetes-models/v1");
    const { PodDisruptionBudget } = await import("kubernetes-models/policy/v1");
    const { Ingress } = await import("kubernetes-models/networking.k8s.io/v1");
    // validate() comes from @kubernetes-models/base, whose types this tsconfig's node10
    // resolution cannot see (exports-only package); it is there at run time.
    type Validating = { validate(): void };
    const v = (m: object) => m as unknown as Validating;
    const models: Record<string, (o: Json) => Validating> = {
      Deployment: (o) => v(new Deployment(o)),
      StatefulSet: (o) => v(new StatefulSet(o)),
      Service: (o) => v(new Service(o)),
      PersistentVolumeClaim: (o) => v(new PersistentVolumeClaim(o)),
      PodDisruptionBudget: (o) => v(new PodDisruptionBudget(o)),
      Ingress: (o) => v(new Ingress(o)),
    };
    const docs: Json[] = [];
    for (const file of fs.readdirSync(path.join(REPO, "deploy/kubernetes")).filter((f) => f.endsWith(".yaml"))) {
      for (const d of parseAllDocuments(read(`deploy/kubernetes/${file}`))) {
        assert.deepEqual(d.errors, [], file);
        const o = obj(d.toJSON());
        const make = models[String(o.kind)];
        assert.ok(make, `${file}: a known kind (${String(o.kind)})`);
        make(o).validate(); // throws on a schema violation
        docs.push(o);
      }
    }
    const byKind = (k: string) => docs.filter((d) => d.kind === k);
    const deploy = byKind("Deployment").find((d) => obj(d.metadata).name === "pi-vscode-server");
    assert.ok(deploy);
    const podSpec = obj(obj(obj(deploy.spec).template).spec);
    const labels = obj(obj(obj(obj(deploy.spec).template).metadata).labels);
    const c = obj(arr(podSpec.containers)[0]);
    assert.equal(obj(obj(c.readinessProbe).httpGet).path, "/api/v1/health");
    assert.equal(obj(obj(c.livenessProbe).httpGet).path, "/api/v1/health");
    assert.ok(obj(obj(c.lifecycle).preStop).exec, "a preStop drain");
    assert.ok(Number(podSpec.terminationGracePeriodSeconds) > 5, "time for the drain and the fleet shutdown");
    const env = arr(c.env).map(obj);
    const secretRef = (name: string) => obj(obj(env.find((e) => e.name === name)?.valueFrom).secretKeyRef);
    for (const name of ["JWT_SECRET", "API_KEY", "FLEET_SECRET"]) assert.equal(secretRef(name).name, "pi-secrets", `${name} from a Secret`);
    assert.equal(obj(obj(env.find((e) => e.name === "INSTANCE_ID")?.valueFrom).fieldRef).fieldPath, "metadata.name");
    assert.match(String(env.find((e) => e.name === "INSTANCE_URL")?.value), /^http:\/\/\$\(POD_IP\):3000$/);
    assert.ok(env.some((e) => e.name === "REDIS_URL"));
    assert.equal(obj(podSpec.securityContext).runAsNonRoot, true);
    assert.equal(obj(c.securityContext).readOnlyRootFilesystem, true);
    assert.equal(obj(c.securityContext).allowPrivilegeEscalation, false);
    const mounts = arr(c.volumeMounts).map(obj);
    assert.ok(
      mounts.some((m) => m.mountPath === "/tmp"),
      "a writable /tmp beside the read-only root",
    );
    const agentVolume = arr(podSpec.volumes)
      .map(obj)
      .find((v) => v.name === mounts.find((m) => m.mountPath === "/data/agent")?.name);
    const claim = String(obj(agentVolume?.persistentVolumeClaim).claimName);
    const pvc = byKind("PersistentVolumeClaim").find((p) => obj(p.metadata).name === claim);
    assert.ok(pvc && arr(obj(pvc.spec).accessModes).includes("ReadWriteMany"), "sessions on a ReadWriteMany volume");
    const pdb = byKind("PodDisruptionBudget")[0];
    assert.deepEqual(obj(obj(pdb.spec).selector).matchLabels, labels);
    const svc = byKind("Service").find((s) => obj(s.metadata).name === "pi-vscode-server");
    assert.deepEqual(obj(svc?.spec).selector, labels);
    assert.equal(obj(arr(obj(svc?.spec).ports)[0]).targetPort, obj(arr(c.ports)[0]).name);
  });
});
