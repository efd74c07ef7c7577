// Records only one service may write carry its signature: HMAC-SHA256 over the
// record's key and framed value, under a key shared by the writer and the
// reader (ORDER_SIGNING_KEY between the gateway and settlement). Kafka's ACLs
// already keep other principals off the topic; the signature is the second
// wall: a record changed on the way, or written by anyone holding broker
// rights but not the key (an operator tool, a misconfigured ACL), is
// dead-lettered as `forged` and never settled.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IHeaders } from 'kafkajs';

export const SIGNATURE_HEADER = 'x-inplay-signature';

/** A record whose signature is missing or wrong. */
export class ForgedRecordError extends Error {
  override readonly name = 'ForgedRecordError';
}

function mac(secret: string, key: Buffer | string | null, value: Buffer): Buffer {
  const keyBytes = key === null ? Buffer.alloc(0) : Buffer.isBuffer(key) ? key : Buffer.from(key);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(keyBytes.length);
  // The key's length first, so no split of key+value bytes can be moved across the boundary.
  return createHmac('sha256', secret).update(length).update(keyBytes).update(value).digest();
}

/** The header that signs a record (key as sent, value as framed). */
export function signatureHeaders(secret: string, key: string, value: Buffer): IHeaders {
  return { [SIGNATURE_HEADER]: mac(secret, key, value).toString('base64url') };
}

/** Throws ForgedRecordError unless the record carries a valid signature under `secret`. */
export function verifyRecordSignature(secret: string, message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders | undefined }): void {
  const header = message.headers?.[SIGNATURE_HEADER];
  const given = Array.isArray(header) ? header[0] : header;
  if (given === undefined) throw new ForgedRecordError(`no ${SIGNATURE_HEADER} header: not written by the service that owns this topic`);
  const expected = mac(secret, message.key, message.value ?? Buffer.alloc(0));
  const actual = Buffer.from(given.toString(), 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new ForgedRecordError(`${SIGNATURE_HEADER} does not match the record: changed or forged`);
}
