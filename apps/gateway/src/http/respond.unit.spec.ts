// Answers of 1 KiB or more are compressed in the best encoding the client accepts; small ones and
// refusing clients get the body as it is.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeBody, MIN_COMPRESSED_BYTES } from './respond';

const large = JSON.stringify({ players: Array.from({ length: 100 }, (_, i) => ({ playerId: `p${i}`, name: 'Pedri', priceCents: 1_000 + i })) });

describe('encodeBody', () => {
  it('sends brotli to a client that accepts it, which decompresses to the body', () => {
    const { encoding, bytes, varies } = encodeBody(large, 'gzip, deflate, br');
    expect({ encoding, varies }).toEqual({ encoding: 'br', varies: true });
    expect(brotliDecompressSync(bytes as Buffer).toString()).toBe(large);
    expect(bytes.length).toBeLessThan(large.length / 4);
  });

  it('sends gzip when brotli is refused or not named', () => {
    for (const accept of ['gzip', 'br;q=0, gzip']) {
      const { encoding, bytes } = encodeBody(large, accept);
      expect(encoding).toBe('gzip');
      expect(gunzipSync(bytes as Buffer).toString()).toBe(large);
    }
  });

  it('sends the body as it is to a client that accepts neither, and says the answer varies', () => {
    expect(encodeBody(large, '')).toEqual({ encoding: null, bytes: large, varies: true });
    expect(encodeBody(large, 'identity, br;q=0')).toEqual({ encoding: null, bytes: large, varies: true });
  });

  it('leaves a body under the threshold alone', () => {
    const small = 'x'.repeat(MIN_COMPRESSED_BYTES - 1);
    expect(encodeBody(small, 'br, gzip')).toEqual({ encoding: null, bytes: small, varies: false });
  });

});
