import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries: `sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`. */
export const SIGNATURE_HEADER = 'x-mde-bridge-signature';
export const EVENT_HEADER = 'x-mde-bridge-event';
export const DELIVERY_HEADER = 'x-mde-bridge-delivery';

/** The signature header's value for a body. */
export function signPayload(secret: string, rawBody: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * Whether `header` is the signature of `rawBody` under `secret` — for receivers (and the tests). Compare the
 * bytes as received: a body parsed and serialised again may differ and would not verify.
 *
 * @example if (!verifySignature(secret, rawBody, req.headers['x-mde-bridge-signature'])) reply(401)
 */
export function verifySignature(
  secret: string,
  rawBody: string | Uint8Array,
  header: string | string[] | null | undefined,
): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signPayload(secret, rawBody));
  const given = Buffer.from(header.trim());
  // Constant time, so the comparison does not tell an attacker how much of a forged signature was right.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
