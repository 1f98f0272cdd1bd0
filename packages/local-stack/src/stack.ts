import { fileURLToPath } from 'node:url';
import { CLIENT, CLIENT_ENV, PATHS, SERVER, SERVER_ENV } from '@menagerie/telemetry';
import type { ProcessSpec } from './processes.ts';

const packageMain = (name: string) => fileURLToPath(new URL(`../../${name}/dist/main.js`, import.meta.url));

/**
 * The services of the local stack, on their contract ports (PORT for the
 * server and CLIENT_PORT for the client override them).
 */
export function localStack(env: NodeJS.ProcessEnv = process.env): ProcessSpec[] {
  const serverPort = env[SERVER_ENV.port] ?? String(SERVER.port);
  const clientPort = env.CLIENT_PORT ?? String(CLIENT.port);
  const serverUrl = `http://localhost:${serverPort}`;
  const clientUrl = `http://localhost:${clientPort}`;
  return [
    {
      name: 'server',
      command: process.execPath,
      args: [packageMain('server')],
      env: { [SERVER_ENV.port]: serverPort },
      urls: {
        'server API': `${serverUrl}/animals`,
        'server metrics': `${serverUrl}${PATHS.metrics}`,
      },
    },
    {
      name: 'client',
      command: process.execPath,
      args: [packageMain('client')],
      env: { [CLIENT_ENV.port]: clientPort, [CLIENT_ENV.serverUrl]: serverUrl },
      urls: { 'client metrics': `${clientUrl}${PATHS.metrics}` },
    },
  ];
}
