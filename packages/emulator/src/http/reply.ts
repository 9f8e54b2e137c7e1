import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Reply } from './router.js';

const ODATA_TYPE = 'application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const CHUNK = 64 * 1024;

/** Writes a reply, streaming collections item by item so a 10,000-device page never sits in one string. */
export async function writeReply(
  res: ServerResponse,
  reply: Reply,
  opts: { truncate?: boolean } = {},
): Promise<void> {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.text !== undefined) headers['Content-Type'] ??= 'text/plain; charset=utf-8';
  else if (reply.body !== undefined || reply.stream) {
    headers['Content-Type'] ??= reply.odata ? ODATA_TYPE : JSON_TYPE;
    if (reply.odata) headers['OData-Version'] = '4.0';
  }
  if (reply.body === undefined && !reply.stream && reply.text === undefined) {
    headers['Content-Length'] = '0';
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  res.writeHead(reply.status, headers);
  if (opts.truncate) {
    const whole = reply.text ?? (reply.stream ? streamToString(reply.stream) : JSON.stringify(reply.body));
    res.end(whole.slice(0, Math.max(1, Math.floor(whole.length / 2))));
    return;
  }
  if (!reply.stream) {
    res.end(reply.text ?? JSON.stringify(reply.body));
    return;
  }
  let buffer = openEnvelope(reply.stream.prefix);
  let first = true;
  for (const item of reply.stream.items) {
    buffer += (first ? '' : ',') + JSON.stringify(item);
    first = false;
    if (buffer.length >= CHUNK) {
      if (!res.write(buffer)) await once(res, 'drain');
      buffer = '';
      if (res.destroyed) return;
    }
  }
  buffer += closeEnvelope(reply.stream.suffix);
  res.end(buffer);
}

function openEnvelope(prefix: Record<string, unknown>): string {
  const head = Object.entries(prefix).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{${[...head, '"value":['].join(',')}`;
}

function closeEnvelope(suffix: Record<string, unknown> | undefined): string {
  const tail = Object.entries(suffix ?? {}).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `]${tail.join('')}}`;
}

function streamToString(stream: NonNullable<Reply['stream']>): string {
  return (
    openEnvelope(stream.prefix) +
    [...stream.items].map((i) => JSON.stringify(i)).join(',') +
    closeEnvelope(stream.suffix)
  );
}
