// A long pi session file, as pi writes it (header, model and thinking entries, then a chain of
// messages: user, assistant with a bash call, its result, an answer with markdown), for tests
// and benches that resume a chat of thousands of messages through the real pi.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const LOREM = "The session host folds pi's events into a normalized transcript and sends small patches to every view.";

/** pi's JSONL: header, model and thinking entries, then a chain of message entries. */
export function sessionJsonl(cwd: string, messages: number): string {
  const t = Date.parse("2026-01-01T00:00:00Z");
  const lines: unknown[] = [{ type: "session", version: 3, id: randomUUID(), timestamp: new Date(t).toISOString(), cwd }];
  let parent: string | null = null;
  let n = 0;
  const entry = (fields: Record<string, unknown>) => {
    const id = (++n).toString(16).padStart(8, "0");
    lines.push({ id, parentId: parent, timestamp: new Date(t + n * 1000).toISOString(), ...fields });
    parent = id;
  };
  entry({ type: "model_change", provider: "pi-demo", modelId: "pi-demo" });
  entry({ type: "thinking_level_change", thinkingLevel: "off" });
  const usage = { input: 700, output: 60, cacheRead: 0, cacheWrite: 0, reasoning: 0, totalTokens: 760, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } };
  const assistant = (content: unknown[], stopReason: string) => ({ role: "assistant", content, api: "openai-completions", provider: "pi-demo", model: "pi-demo", usage, stopReason, timestamp: t + n * 1000 });
  for (let i = 0; i < messages; i++) {
    const turn = Math.floor(i / 4);
    const call = `call_${turn}`;
    let message: unknown;
    switch (i % 4) {
      case 0:
        message = { role: "user", content: [{ type: "text", text: `Step ${turn}: please check the build and fix what fails${turn % 5 ? "." : `, then explain.\n\n${LOREM}`}` }], timestamp: t + n * 1000 };
        break;
      case 1:
        message = assistant([{ type: "text", text: `Running the build for step ${turn}.` }, { type: "toolCall", id: call, name: "bash", arguments: { command: `npm run build -- --step ${turn}` } }], "toolUse");
        break;
      case 2:
        message = { role: "toolResult", toolCallId: call, toolName: "bash", content: [{ type: "text", text: Array.from({ length: 1 + (turn % 8) }, (_, k) => `src/file${k}.ts: ok`).join("\n") }], isError: turn % 17 === 0, timestamp: t + n * 1000 };
        break;
      default: {
        const paras = Array.from({ length: 1 + (turn % 4) }, () => LOREM).join("\n\n");
        const code = turn % 3 === 0 ? `\n\n\`\`\`ts\nexport function step${turn}(): number {\n  return ${turn};\n}\n\`\`\`` : "";
        message = assistant([{ type: "text", text: `**Step ${turn} done.**\n\n${paras}${code}\n\n- checked\n- fixed` }], "stop");
      }
    }
    entry({ type: "message", message });
  }
  return `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
}

/** Writes a session of `messages` messages into the agent dir's sessions; returns its path. */
export function writeSessionFile(agentDir: string, cwd: string, messages: number): string {
  const dir = path.join(agentDir, "sessions", "long");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${messages}-${randomUUID()}.jsonl`);
  fs.writeFileSync(file, sessionJsonl(cwd, messages));
  return file;
}
