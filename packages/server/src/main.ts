#!/usr/bin/env node
import { ConfigError, serverConfigFromEnv } from './config.ts';
import { ProfileError } from './profile/profile.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ config: serverConfigFromEnv() });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ProfileError) {
      console.error(`menagerie-server: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('menagerie-server: shutdown failed', error);
        process.exit(1);
      },
    );
  };
  // Ctrl-C reaches the whole process group, so a launcher's own SIGTERM may
  // follow: every signal after the first is absorbed by the same shutdown.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
