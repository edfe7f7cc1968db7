// The relay the network tests rely on: it delays each round trip by what it was asked, counts round
// trips, and cut drops connections until open is called again on the same port.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Relay } from './relay.js';

const echo = net.createServer((socket) => socket.on('data', (d) => socket.write(d)));
await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
const target = { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Sends one message and waits for its echo; returns the milliseconds it took. */
async function ping(socket: net.Socket, text: string): Promise<number> {
  const start = performance.now();
  const answer = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
  socket.write(text);
  expect(await answer).toBe(text);
  return performance.now() - start;
}

describe('Relay', () => {
  it('adds the round-trip delay and counts round trips', async () => {
    const relay = new Relay(target, { delayMs: 40 });
    await relay.open();
    const socket = await connect(relay.port);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await ping(socket, `m${i}`));
    socket.destroy();
    await relay.close();
    expect(relay.roundTrips).toBe(5);
    // Never faster than the delay; on a loaded machine a timer may fire late, so only a loose upper bound.
    for (const t of times) expect(t).toBeGreaterThanOrEqual(39);
    expect(Math.min(...times)).toBeLessThan(200);
  });

  it('cut drops open connections and refuses new ones; open serves again on the same port', async () => {
    const relay = new Relay(target);
    await relay.open();
    const port = relay.port;
    const socket = await connect(port);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    relay.cut();
    await closed;
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
    await relay.open();
    expect(relay.port).toBe(port);
    const again = await connect(port);
    await ping(again, 'back');
    again.destroy();
    await relay.close();
  });
});
