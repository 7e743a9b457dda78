// A fleet instance in its own process, for tests that kill it (-9) or stop it (SIGTERM):
// starts Fleet from the environment, takes the leases and pi slots named in CHATS, prints
// "ready", and on SIGTERM runs the graceful fleet shutdown, printing each step.
import { Fleet } from "../../src/server/fleet/fleet";
import { fleetConfigFromEnv } from "../../src/server/fleet/fleetConfig";

async function main(): Promise<void> {
  const config = fleetConfigFromEnv(process.env);
  if (!config) throw new Error("REDIS_URL is not set");
  const fleet = await Fleet.start({
    config,
    log: () => undefined,
    clientBufferBytes: 1 << 20,
    heartbeatMs: 60_000,
    remoteSnapshot: () => Promise.reject(new Error("not used")),
    onLeaseLost: (chatId) => process.stdout.write(`lost ${chatId}\n`),
    onIdLost: () => process.stdout.write("id lost\n"),
  });
  for (const chatId of (process.env.CHATS ?? "").split(",").filter(Boolean)) {
    const got = await fleet.leases.acquire(chatId);
    if (!got.ok) throw new Error(`could not take ${chatId}: ${JSON.stringify(got)}`);
    await fleet.caps.admit(chatId);
  }
  process.stdout.write("ready\n");
  process.once("SIGTERM", () => {
    void fleet
      .shutdown(async () => {
        process.stdout.write("stopping pi\n");
        await new Promise((r) => setTimeout(r, 200));
      })
      .then(() => {
        process.stdout.write("stopped\n");
        process.exit(0);
      });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exit(2);
});
