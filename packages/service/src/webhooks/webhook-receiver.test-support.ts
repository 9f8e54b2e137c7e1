/** A local webhook receiver for the tests: node:http on 127.0.0.1, port 0, answering from a script. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received (signatures are checked over these bytes). */
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses to answer with, in order; once used up, 200. */
  answers: number[];
  /** Resolves with the next request received (no polling, no sleeping). */
  next(): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(answers: number[] = []): Promise<Receiver> {
  const received: Received[] = [];
  const waiting: ((r: Received) => void)[] = [];
  const receiver = {
    received,
    answers: [...answers],
    next: () => new Promise<Received>((resolve) => waiting.push(resolve)),
  } as Receiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(got);
      res.statusCode = receiver.answers.shift() ?? 200;
      res.end('ok');
      waiting.shift()?.(got);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  return receiver;
}

/** A clock that moves only when told. */
export function fakeClock(start = '2026-11-22T12:00:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}
