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
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
