// A real nginx (Debian's, installed by test/env/ensure-tools.sh) in front of a test server, with
// the README's proxy settings, on 127.0.0.1 only, from a scratch prefix (its own config, logs,
// temp dirs and pid file). Its access log is kept so a test can read what a proxy would record.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const NGINX = "/usr/sbin/nginx";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

/** The README's `location /` block (README.md, "Behind a reverse proxy"), pointed at `upstream`. */
export function readmeLocation(upstream: number): string {
  return `location / {
      proxy_pass http://127.0.0.1:${upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Connection "";
      proxy_buffering off;
      gzip off;
      proxy_read_timeout 1h;
    }`;
}

export class Nginx {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** nginx on 127.0.0.1:<free port> proxying everything to 127.0.0.1:`upstream`. */
  static async start(upstream: number): Promise<Nginx> {
    if (!fs.existsSync(NGINX)) throw new Error(`${NGINX} is missing: run bash test/env/ensure-tools.sh`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-nginx-"));
    // nginx's workers run as nobody when the master is root: let them into the prefix.
    fs.chmodSync(dir, 0o755);
    const at = (name: string) => path.join(dir, name);
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const conf = [
        "daemon off;",
        "worker_processes 1;",
        `pid ${at("nginx.pid")};`,
        `error_log ${at("error.log")} warn;`,
        "events { worker_connections 256; }",
        "http {",
        `  access_log ${at("access.log")};`,
        `  client_body_temp_path ${at("body")}; proxy_temp_path ${at("proxy")}; fastcgi_temp_path ${at("fastcgi")}; uwsgi_temp_path ${at("uwsgi")}; scgi_temp_path ${at("scgi")};`,
        "  server {",
        `    listen 127.0.0.1:${port};`,
        "    server_name pi.example.lan;",
        `    ${readmeLocation(upstream)}`,
        "  }",
        "}",
        "",
      ].join("\n");
      fs.writeFileSync(at("nginx.conf"), conf);
      const args = ["-p", dir, "-e", at("error.log"), "-c", at("nginx.conf")];
      const check = spawnSync(NGINX, ["-t", "-q", ...args], { encoding: "utf8" });
      if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
      const nginx = new Nginx(port, dir);
      nginx.child = spawn(NGINX, args, { stdio: "ignore" });
      for (let i = 0; i < 100 && nginx.running; i++) {
        if (await canConnect(port)) return nginx;
        await new Promise((r) => setTimeout(r, 50));
      }
      await nginx.stop(false);
      // Another process took the port between freePort() and nginx's bind: try another.
      if (attempt >= 2) throw new Error(`nginx did not start: ${nginx.errorLog}`);
    }
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get accessLog(): string {
    return this.read("access.log");
  }

  get errorLog(): string {
    return this.read("error.log");
  }

  private read(name: string): string {
    try {
      return fs.readFileSync(path.join(this.dir, name), "utf8");
    } catch {
      return "";
    }
  }

  async stop(removeDir = true): Promise<void> {
    const child = this.child;
    if (child && this.running) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGQUIT"); // graceful: the workers finish, then the master exits
      const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(force);
    }
    if (removeDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
