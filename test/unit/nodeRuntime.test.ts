import * as assert from "node:assert/strict";
import {
  candidatesInOrder,
  findNodeRuntime,
  isSupportedNode,
  NodeNotFoundError,
  NodeRuntimeMemo,
  REMEMBER_RUNTIME_MS,
  type NodeCandidate,
} from "../../src/host/nodeRuntime";

const versions = (map: Record<string, string | undefined>) => async (c: NodeCandidate) => map[c.path];

describe("Node discovery", () => {
  it("accepts 22.19+ and rejects older or garbage versions", () => {
    assert.ok(isSupportedNode("v22.19.0"));
    assert.ok(isSupportedNode("v24.21.0"));
    assert.ok(isSupportedNode("23.0.0"));
    assert.ok(!isSupportedNode("v22.18.9"));
    assert.ok(!isSupportedNode("v20.20.2"));
    assert.ok(!isSupportedNode("not a version"));
  });

  it("tries the setting, then the host runtime, then PATH", () => {
    const order = candidatesInOrder({ configuredPath: "/opt/node", hostExecPath: "/host/node", hostVersions: { node: "20.0.0" } });
    assert.deepEqual(
      order.map((c) => c.source),
      ["setting", "host", "path"],
    );
  });

  it("uses the host runtime without spawning when it is new enough", async () => {
    let probes = 0;
    const rt = await findNodeRuntime({
      hostExecPath: "/host/node",
      hostVersions: { node: "24.21.0" },
      probe: async () => {
        probes++;
        return undefined;
      },
    });
    assert.equal(rt.source, "host");
    assert.equal(probes, 0);
  });

  it("runs Electron's host runtime as Node (ELECTRON_RUN_AS_NODE)", async () => {
    const rt = await findNodeRuntime({
      hostExecPath: "/app/code",
      hostVersions: { node: "22.20.0", electron: "37.0.0" },
      probe: versions({ "/app/code": "v22.20.0" }),
    });
    assert.equal(rt.source, "host");
    assert.equal(rt.env.ELECTRON_RUN_AS_NODE, "1");
  });

  it("falls back to node on PATH when the host is too old", async () => {
    const rt = await findNodeRuntime({ hostExecPath: "/host/node", hostVersions: { node: "20.20.2" }, probe: versions({ node: "v24.1.0" }) });
    assert.equal(rt.source, "path");
    assert.equal(rt.version, "v24.1.0");
  });

  it("does not silently fall back when the configured path is broken", async () => {
    await assert.rejects(
      findNodeRuntime({ configuredPath: "/nope/node", hostExecPath: "/host/node", hostVersions: { node: "24.0.0" }, probe: versions({}) }),
      (e: unknown) => e instanceof NodeNotFoundError && /pi\.nodePath/.test(e.message) && /\/nope\/node/.test(e.message),
    );
  });

  it("explains the fix when nothing fits", async () => {
    await assert.rejects(
      findNodeRuntime({ hostExecPath: "/host/node", hostVersions: { node: "18.0.0" }, probe: versions({ node: "v20.1.0" }) }),
      (e: unknown) => e instanceof NodeNotFoundError && /22\.19/.test(e.message) && /v20\.1\.0/.test(e.message) && /Fix:/.test(e.message),
    );
  });

  it("probes a real binary: this test's own node", async () => {
    const rt = await findNodeRuntime({ configuredPath: process.execPath, hostExecPath: "/none", hostVersions: { node: "1.0.0" } }).catch(
      (e: Error) => e,
    );
    if (isSupportedNode(process.version)) assert.ok(!(rt instanceof Error) && rt.version === process.version);
    else assert.ok(rt instanceof NodeNotFoundError, "an old node must be rejected with a NodeNotFoundError");
  });
});

describe("Node discovery, remembered (NodeRuntimeMemo)", () => {
  const input = (configuredPath?: string) => ({ configuredPath, hostExecPath: "/app/code", hostVersions: { node: "22.20.0", electron: "37.0.0" } });
  const counting = () => {
    const calls: Array<string | undefined> = [];
    const find = async (i: { configuredPath?: string }) => {
      calls.push(i.configuredPath);
      if (i.configuredPath === "/broken") throw new NodeNotFoundError(["setting /broken → not runnable"]);
      return { path: i.configuredPath ?? "/app/code", version: "v22.20.0", env: {}, source: "host" as const };
    };
    return { calls, find };
  };

  it("asks once for several chats with the same setting, and again when the setting changes", async () => {
    const { calls, find } = counting();
    const memo = new NodeRuntimeMemo(find);
    await Promise.all([memo.get(input()), memo.get(input()), memo.get(input())]);
    assert.equal(calls.length, 1);
    assert.equal((await memo.get(input("/opt/node"))).path, "/opt/node");
    assert.deepEqual(calls, [undefined, "/opt/node"]);
  });

  it("does not keep a failure: the next chat asks again", async () => {
    const { calls, find } = counting();
    const memo = new NodeRuntimeMemo(find);
    await assert.rejects(memo.get(input("/broken")), NodeNotFoundError);
    await assert.rejects(memo.get(input("/broken")), NodeNotFoundError);
    assert.equal(calls.length, 2);
  });

  it("asks again once REMEMBER_RUNTIME_MS has passed (a Node upgrade is seen)", async () => {
    const { calls, find } = counting();
    let now = 0;
    const memo = new NodeRuntimeMemo(find, () => now);
    await memo.get(input());
    now = REMEMBER_RUNTIME_MS - 1;
    await memo.get(input());
    now = REMEMBER_RUNTIME_MS + 1;
    await memo.get(input());
    assert.equal(calls.length, 2);
  });
});
