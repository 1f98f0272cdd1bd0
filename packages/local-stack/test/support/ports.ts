import { createServer } from 'node:net';
import type { StackPorts } from '../../src/settings.ts';

/** A port on 127.0.0.1 that was free a moment ago (the kernel's choice). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

export async function freeStackPorts(): Promise<StackPorts> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [server, client, prometheus, alertmanager, blackboxExporter] = [...ports] as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { server, client, prometheus, alertmanager, blackboxExporter };
}
