// The scripted model's rules: what it answers to a given conversation.
// The last user message selects a script; a tool result gets a short comment.
// Keywords (first word of the prompt) make tests and the demo deterministic:
//   demo                    explain, write pi-demo.txt with the write tool, then comment
//   write <path> <text...>  call the write tool
//   edit <path> <old> <new> call the edit tool: replace the word <old> by <new>
//   read <path>             call the read tool
//   bash <command...>       call the bash tool (`bash exit 3` ends with exit code 3)
//   flood <n>               stream n one-character deltas
//   slow <n>                stream n deltas 20 ms apart (for abort tests)
//   think <text...>         reasoning first, then the text
//   fail <status>           answer with that HTTP status
//   anything else           echo it back in a short markdown reply

export interface ChatMessage {
  role: string;
  /** Parts: `text`, or `image_url` (`data:<mime>;base64,…`) for images a user attached. */
  content?: string | Array<{ type: string; text?: string; image_url?: { url: string } }> | null;
  tool_calls?: unknown[];
}

export interface ChatRequestBody {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  tools?: unknown[];
}

export interface ScriptedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface ReplyPlan {
  text?: string[];
  reasoning?: string[];
  toolCalls?: ScriptedToolCall[];
  delayMs?: number;
  status?: number;
  errorMessage?: string;
}

export function messageText(message: ChatMessage | undefined): string {
  if (!message?.content) return "";
  if (typeof message.content === "string") return message.content;
  return message.content.map((p) => p.text ?? "").join("");
}

/** Splits text into small pieces so the reply really streams. */
export function pieces(text: string, size = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

let toolCallCounter = 0;
function toolCall(name: string, args: Record<string, unknown>): ScriptedToolCall {
  toolCallCounter++;
  return { id: `call_${toolCallCounter}`, name, arguments: args };
}

const DEMO_INTRO =
  "Hi! I'm the **Pi demo model**: a scripted stand-in that needs no API key.\n\n" +
  "I'll show the whole loop: I stream this answer, then call pi's `write` tool to create `pi-demo.txt` " +
  "in your workspace, and then comment on the result.";
const DEMO_FILE = "Hello from the Pi demo model.\nThis file was written by pi's write tool.\n";

function lastUserIndex(messages: ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === "user") return i;
  return -1;
}

function planForPrompt(prompt: string): ReplyPlan {
  const trimmed = prompt.trim();
  const [keyword = "", ...rest] = trimmed.split(/\s+/);
  const arg = rest.join(" ");
  switch (keyword.toLowerCase()) {
    case "demo":
      return { text: pieces(DEMO_INTRO), toolCalls: [toolCall("write", { path: "pi-demo.txt", content: DEMO_FILE })] };
    case "write": {
      const [path = "out.txt", ...words] = rest;
      return { text: [`Writing ${path}.`], toolCalls: [toolCall("write", { path, content: `${words.join(" ")}\n` })] };
    }
    case "edit": {
      const [path = "out.txt", oldText = "", newText = ""] = rest;
      return { text: [`Editing ${path}.`], toolCalls: [toolCall("edit", { path, edits: [{ oldText, newText }] })] };
    }
    case "read":
      return { text: [`Reading ${arg}.`], toolCalls: [toolCall("read", { path: arg })] };
    case "bash":
      return { text: ["Running a command."], toolCalls: [toolCall("bash", { command: arg })] };
    case "flood": {
      const n = Math.max(1, Number.parseInt(arg, 10) || 1000);
      return { text: Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))) };
    }
    case "slow": {
      const n = Math.max(1, Number.parseInt(arg, 10) || 200);
      return { text: Array.from({ length: n }, (_, i) => `w${i} `), delayMs: 20 };
    }
    case "think":
      return { reasoning: pieces("Let me think about that carefully."), text: pieces(arg || "Thought about it.") };
    case "fail":
      return { status: Number.parseInt(arg, 10) || 500, errorMessage: "scripted failure" };
    default:
      return { text: pieces(`You said: **${trimmed || "(nothing)"}**\n\nThis reply comes from the scripted demo model.`) };
  }
}

export function planReply(body: ChatRequestBody): ReplyPlan {
  const messages = body.messages ?? [];
  const last = messages[messages.length - 1];
  const system = messages.find((m) => m.role === "system");
  // pi asks for a summary when it compacts: answer with one.
  if (system && /summar/i.test(messageText(system)) && !body.tools?.length) {
    return { text: ["Summary: the user and the scripted model exchanged a few messages."] };
  }
  if (last?.role === "tool") {
    const prompt = messageText(messages[lastUserIndex(messages)]);
    const result = messageText(last).slice(0, 200);
    if (prompt.trim().toLowerCase().startsWith("demo")) {
      return { text: pieces("Done: `pi-demo.txt` now exists in your workspace. Open it from the explorer to see it.") };
    }
    return { text: pieces(`Tool finished. Result: ${result}`) };
  }
  return planForPrompt(messageText(messages[lastUserIndex(messages)]));
}
