import { connect, createServer, type Socket } from 'node:net';

/**
 * What a Kubernetes Service does for the local stack: a stable address in
 * front of the server pod of the moment. A rollout starts the new pod, moves
 * the Service to it and only then stops the old one, so the client and the
 * probe see no gap. Connections already open stay with the pod they reached
 * (as with kube-proxy) until that pod closes them.
 */
export interface ServiceProxy {
  readonly port: number;
  /** Sends new connections to this local port. */
  route(port: number): void;
  close(): Promise<void>;
}

export async function startServiceProxy(port: number, host = '127.0.0.1'): Promise<ServiceProxy> {
  let upstreamPort: number | undefined;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((downstream) => {
    track(downstream);
    if (upstreamPort === undefined) {
      downstream.destroy();
      return;
    }
    const upstream = connect(upstreamPort, '127.0.0.1');
    track(upstream);
    downstream.pipe(upstream).pipe(downstream);
    // A reset on one side resets the other, as a dropped connection would.
    downstream.on('error', () => upstream.destroy());
    upstream.on('error', () => downstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    route(next) {
      upstreamPort = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
