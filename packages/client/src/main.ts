#!/usr/bin/env node
import { startClient } from './client.ts';
import { ConfigError, clientConfigFromEnv } from './config.ts';

let client: Awaited<ReturnType<typeof startClient>>;
try {
  client = await startClient({ config: clientConfigFromEnv() });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`menagerie-client: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
const stop = () => {
  client.stop().then(() => process.exit(0));
};
// Ctrl-C reaches the whole process group, so a launcher's own SIGTERM may
// follow: every signal after the first is absorbed by the same shutdown.
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
await client.finished;
process.exit(0);
