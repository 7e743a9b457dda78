// How a file is named in a message so pi reads it: `@path`, relative to the chat's workspace
// folder, with `/` separators. A path with spaces or quotes is quoted the way pi's own editor
// completes it (`@"my file.ts"`).

export function mention(path: string): string {
  return /[\s"']/.test(path) ? `@"${path}"` : `@${path}`;
}
