// A TCP relay on 127.0.0.1 that stands for the network between workers and a database server: it adds a
// fixed round-trip delay, counts round trips (a client message answered by the server), and can be cut
// (every open connection dropped, new ones refused) and restored on the same port, the way a network
// partition or a server restart looks from a worker. Used by the outage and fault tests and bench:scale.
import net from 'node:net';

export interface RelayOptions {
  /** Added to every round trip: half on the way to the server, half on the way back. Default 0. */
  readonly delayMs?: number;
  /** The port to listen on; 0 (the default) takes a free one, kept across cut and restore. */
  readonly port?: number;
}

/** Chunks written to `to` after `delayMs`, in the order they arrived. */
class DelayLine {
  private readonly queue: Array<{ at: number; data: Buffer }> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly to: net.Socket,
    private readonly delayMs: number,
  ) {}

  push(data: Buffer): void {
    if (this.delayMs <= 0) {
      this.to.write(data);
      return;
    }
    this.queue.push({ at: performance.now() + this.delayMs, data });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.at - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = performance.now();
      while (this.queue.length > 0 && this.queue[0]!.at <= now + 0.2)
        if (!this.to.destroyed) this.to.write(this.queue.shift()!.data);
        else this.queue.shift();
      this.schedule();
    }, wait);
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

export class Relay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly lines = new Set<DelayLine>();
  private readonly delayMs: number;
  port: number;
  /** Client messages that were answered: one per round trip a client waited for (or sent while waiting). */
  roundTrips = 0;
  /** Connections accepted since the relay was made. */
  connections = 0;

  constructor(
    private readonly target: { host: string; port: number },
    options: RelayOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 0;
    this.port = options.port ?? 0;
  }

  /** A relay to the server of a postgres:// URL. */
  static to(url: string, options: RelayOptions = {}): Relay {
    const target = new URL(url);
    return new Relay({ host: target.hostname, port: Number(target.port || 5432) }, options);
  }

  /** `url` with its host and port pointing at this relay (call after `open`). */
  url(url: string): string {
    const via = new URL(url);
    via.hostname = '127.0.0.1';
    via.port = String(this.port);
    return via.toString();
  }

  /** Starts listening (again, on the same port after a cut). */
  async open(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** Drops every open connection and refuses new ones until `open` is called again. */
  cut(): void {
    this.server?.close();
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    for (const line of this.lines) line.clear();
  }

  async close(): Promise<void> {
    this.cut();
  }

  private relay(client: net.Socket): void {
    this.connections++;
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        // Either side closing ends the pair, as a real connection would.
        client.destroy();
        upstream.destroy();
      });
    }
    const half = this.delayMs / 2;
    const toServer = new DelayLine(upstream, half);
    const toClient = new DelayLine(client, half);
    this.lines.add(toServer).add(toClient);
    client.on('close', () => {
      this.lines.delete(toServer);
      this.lines.delete(toClient);
    });
    // A round trip: the client speaks after the server last spoke (or first). Anything the client sends
    // before the answer comes belongs to the same trip (pipelined messages wait once).
    let clientTurn = true;
    client.on('data', (data: Buffer) => {
      if (clientTurn) this.roundTrips++;
      clientTurn = false;
      toServer.push(data);
    });
    upstream.on('data', (data: Buffer) => {
      clientTurn = true;
      toClient.push(data);
    });
  }
}
