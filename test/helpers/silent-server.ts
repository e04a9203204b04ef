import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/** A server on 127.0.0.1 that accepts connections and never answers: only a timeout ends an attempt on it. */
export interface SilentServer {
  /** Its port (set once the describe's beforeAll ran). */
  readonly port: number;
  /** How many connections it has accepted so far. */
  readonly connections: number;
  /** Resolves at the next connection it accepts (an I/O event: an attempt is now waiting on it). */
  nextConnection(): Promise<void>;
}

/** Starts a {@link SilentServer} in the calling describe's beforeAll and closes it in its afterAll. */
export function useSilentServer(): SilentServer {
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((listening) => server!.listen(0, '127.0.0.1', listening));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((closed) => server?.close(closed));
  });
  return {
    get port() {
      return port;
    },
    get connections() {
      return sockets.size;
    },
    nextConnection: () => new Promise<void>((resolve) => server!.once('connection', () => resolve())),
  };
}
