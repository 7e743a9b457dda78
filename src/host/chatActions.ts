// The chat actions both faces share (VS Code's router and the HTTP server): the same host
// method behind the same table entry, so an action means the same thing everywhere. Each face
// adds the few that are its own (a new chat shown in *this* view, an editor, the clipboard).
import { ActionError } from "../protocol/actionError";
import type { ActionName, ActionParams, ActionResult } from "../protocol/actions";
import { checkParams } from "../protocol/checkParams";
import type { Chat } from "./chat/chat";
import { FileSearch } from "./workspaceFiles";

/** What a handler may ask of the face that received the request. */
export interface ActionContext {
  /** The chat the request is about; throws ActionError("not_found") when there is none. */
  chat(): Chat;
  /** The chat, started when there is none (VS Code: typing into an empty view). */
  ensureChat(): Promise<Chat>;
  /** The view's folder: its chat's, else the workspace's (`@` works before the first message). */
  folder(): string | undefined;
}

export type ActionHandler<K extends ActionName, C extends ActionContext = ActionContext> = (params: ActionParams<K>, ctx: C) => Promise<ActionResult<K>>;
/** One handler per action of a face; `C` is what that face's context offers beyond ActionContext. */
export type ActionHandlers<N extends ActionName, C extends ActionContext = ActionContext> = { [K in N]: ActionHandler<K, C> };

export type SharedActionName =
  | "olderItems"
  | "prompt"
  | "steer"
  | "followUp"
  | "abort"
  | "clearQueue"
  | "restart"
  | "answerDialog"
  | "models"
  | "setModel"
  | "setThinking"
  | "commands"
  | "findFiles"
  | "piSessions"
  | "resumePiSession"
  | "forkPoints"
  | "fork"
  | "rename";

const done = {};

export function sharedChatActions(files = new FileSearch()): ActionHandlers<SharedActionName> {
  return {
    olderItems: async ({ before }, ctx) => {
      const page = ctx.chat().olderItems(before);
      if (!page) throw new ActionError("not_found", "That item is no longer in this chat (it was reloaded); take a fresh snapshot.");
      return page;
    },
    // Typing before a chat exists starts one in this view.
    prompt: async ({ text, images }, ctx) => {
      await (await ctx.ensureChat()).prompt(text, images);
      return done;
    },
    steer: async ({ text, images }, ctx) => {
      await ctx.chat().steer(text, images);
      return done;
    },
    followUp: async ({ text, images }, ctx) => {
      await (await ctx.ensureChat()).followUp(text, images);
      return done;
    },
    abort: async (_, ctx) => {
      await ctx.chat().abort();
      return done;
    },
    clearQueue: async (_, ctx) => {
      await ctx.chat().clearQueue();
      return done;
    },
    restart: async (_, ctx) => {
      await ctx.chat().restart();
      return done;
    },
    answerDialog: async (answer, ctx) => {
      if (!ctx.chat().answerDialog(answer)) throw new ActionError("not_found", "That question is no longer open (answered, timed out, or unknown).");
      return done;
    },
    models: async (_, ctx) => {
      const { settings } = ctx.chat();
      return { models: await settings.models(), thinkingLevels: await settings.thinkingLevels() };
    },
    setModel: async ({ provider, modelId }, ctx) => {
      await ctx.chat().settings.setModel(provider, modelId);
      return done;
    },
    setThinking: async ({ level }, ctx) => {
      const { settings } = ctx.chat();
      const levels = await settings.thinkingLevels();
      // Not pi's refusal but a bad request: a level that does not exist for this model.
      if (!levels.includes(level as (typeof levels)[number])) throw new ActionError("invalid_params", `The model does not support thinking level "${level}" (available: ${levels.join(", ")}).`);
      await settings.setThinkingLevel(level);
      return done;
    },
    commands: async (_, ctx) => ({ commands: await ctx.chat().commands() }),
    findFiles: async ({ query }, ctx) => {
      const folder = ctx.folder();
      return { files: folder ? await files.search(folder, query) : [] };
    },
    piSessions: async (_, ctx) => ({ piSessions: ctx.chat().history.list().map(({ file, title, modified }) => ({ file, title, modified })) }),
    resumePiSession: async ({ file }, ctx) => {
      const { history } = ctx.chat();
      if (!history.list().some((p) => p.file === file)) throw new ActionError("invalid_params", "That file is not a pi session of this folder.");
      await history.resume(file);
      return done;
    },
    forkPoints: async (_, ctx) => ({ points: await ctx.chat().history.forkPoints() }),
    fork: async ({ entryId }, ctx) => ({ text: await ctx.chat().history.fork(entryId) }),
    rename: async ({ name }, ctx) => {
      await ctx.chat().settings.rename(name);
      return done;
    },
  };
}

/** Checks the raw params against the table and runs the face's handler for the action. */
export async function runAction<N extends ActionName, K extends N, C extends ActionContext>(handlers: ActionHandlers<N, C>, name: K, raw: unknown, ctx: C): Promise<ActionResult<K>> {
  const params = checkParams(name, raw);
  const handler = handlers[name] as ActionHandler<K, C> | undefined;
  if (!handler) throw new ActionError("not_available", `${name} is not available here.`);
  return handler(params, ctx);
}
