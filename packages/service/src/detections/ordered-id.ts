/**
 * Time-ordered IDs (UUID version 7, RFC 9562) for policies and decisions: rows written in the same
 * millisecond — a burst of detections, a fake clock in tests — still sort in the order they were written
 * (creation order is evaluation order), which random UUIDs as the tie-breaker would not give.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/** A UUIDv7; later calls in this process sort after earlier ones (a 12-bit counter within one millisecond). */
export function orderedId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
