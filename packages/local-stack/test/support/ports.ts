import { createServer } from 'node:net';
import { LOCAL_PORT, type StackPorts } from '../../src/settings.ts';

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
  const names = Object.keys(LOCAL_PORT) as (keyof StackPorts)[];
  const ports = new Set<number>();
  while (ports.size < names.length) ports.add(await freePort());
  const free = [...ports];
  return Object.fromEntries(names.map((name, index) => [name, free[index]])) as unknown as StackPorts;
}
