// `npm run bench`: every number we quote, measured in one run on this machine.
import { printChatMemory, runChatMemory } from "./chatMemory";
import { printChatStart, runChatStart } from "./chatStart";
import { printFlood, runFlood } from "./flood";
import { runSessionStart } from "./sessionStart";
import { printSizes } from "./sizes";

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  await printSizes();
  const start = await runSessionStart();
  console.log(
    `new session → ready: ${start.hostMs.toFixed(0)} ms median; raw pi spawn → get_state: ${start.rawMs.toFixed(0)} ms (ratio ${(start.hostMs / start.rawMs).toFixed(2)}x)`,
  );
  printFlood(await runFlood(20_000));
  printChatMemory(await runChatMemory());
  // A real VS Code per run (≈ 1 min each, and it needs the .vsix and code-server): only on request.
  if (process.env.BENCH_START === "1") printChatStart(await runChatStart(Number(process.env.BENCH_RUNS ?? 3)));
  else console.log("chat start in a real VS Code: npm run bench:start (or BENCH_START=1 npm run bench)");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
