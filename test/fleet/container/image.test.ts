// The Dockerfile built and run by a real container engine (Debian's podman with runc) — see
// container/build-image.sh for how the base image is assembled without a registry. The
// container runs with a read-only root, a tmpfs on /tmp and volumes for /data and /workspace,
// as the compose file and the Kubernetes manifests run it; its own HEALTHCHECK must pass.
// Run by `npm run test:container` (6–8 min on a fresh machine): not part of `npm test`.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, waitUntil } from "../support";

const TAG = "localhost/pi-vscode-server:test";
const podman = (...args: string[]) => spawnSync("podman", ["--runtime", "runc", ...args], { encoding: "utf8", timeout: 120_000 });
const LIMITS = ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"];

describe("fleet: the container image (podman)", function () {
  this.timeout(30 * 60_000);
  const name = `pi-fleet-test-${process.pid}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-container-"));

  after(() => {
    podman("rm", "-f", name);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("builds from the Dockerfile unchanged", () => {
    const build = spawnSync("bash", [path.join(__dirname, "build-image.sh"), TAG], { encoding: "utf8", timeout: 25 * 60_000 });
    assert.equal(build.status, 0, `${build.stdout.slice(-3000)}\n${build.stderr.slice(-3000)}`);
    const user = podman("image", "inspect", TAG, "--format", "{{.Config.User}}");
    assert.equal(user.stdout.trim(), "pi");
  });

  it("runs read-only as a non-root user and passes its HEALTHCHECK", async () => {
    for (const d of ["agent", "workspace"]) fs.mkdirSync(path.join(dir, d), { recursive: true, mode: 0o777 });
    fs.chmodSync(path.join(dir, "agent"), 0o777);
    fs.chmodSync(path.join(dir, "workspace"), 0o777);
    const port = await freePort();
    const run = podman(
      "run",
      "-d",
      "--name",
      name,
      ...LIMITS,
      "--read-only",
      "--tmpfs",
      "/tmp",
      "--network",
      "host",
      "-v",
      `${path.join(dir, "agent")}:/data/agent`,
      "-v",
      `${path.join(dir, "workspace")}:/workspace`,
      // Host networking on a test machine: loopback only (0.0.0.0 would need API_KEY and expose it).
      "-e",
      "HOST=127.0.0.1",
      "-e",
      `PORT=${port}`,
      TAG,
    );
    assert.equal(run.status, 0, run.stderr);
    await waitUntil("the health check to pass", () => podman("healthcheck", "run", name).status === 0, 60_000, 1_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${podman("logs", name).stdout.slice(-3000)}`);
    });
    const id = podman("exec", name, "id", "-u");
    assert.equal(id.stdout.trim(), "10001");
    const write = podman("exec", name, "sh", "-c", "touch /app/x");
    assert.notEqual(write.status, 0, "the root filesystem is read-only");
    const tools = podman("exec", name, "sh", "-c", "git --version && rg --version && bash --version | head -1");
    assert.equal(tools.status, 0, tools.stderr);
    podman("stop", "-t", "10", name);
    const health = podman("healthcheck", "run", name);
    assert.notEqual(health.status, 0, "the check fails once the server is gone");
  });
});
