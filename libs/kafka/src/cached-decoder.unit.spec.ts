// The fold decoder: the registry client decodes the first record of a schema
// id (and its schema is kept); later records of that id are decoded by the
// kept type, synchronously.
import { describe, expect, it } from 'vitest';
import { cachedDecoder, type Serde } from './serde';

const framed = (schemaId: number, body: string): Buffer => {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, Buffer.from(body)]);
};

describe('cachedDecoder', () => {
  it('asks the registry once per schema id, then decodes synchronously with that schema', async () => {
    const registryDecodes: number[] = [];
    const schemaFetches: number[] = [];
    const serde = {
      decode: async (buffer: Buffer) => { registryDecodes.push(buffer.readInt32BE(1)); return { via: 'registry', body: buffer.subarray(5).toString() }; },
      registry: { getSchema: async (id: number) => { schemaFetches.push(id); return { fromBuffer: (payload: Buffer) => ({ via: `schema ${id}`, body: payload.toString() }) }; } },
    } as unknown as Pick<Serde, 'decode' | 'registry'>;
    const decode = cachedDecoder(serde);

    const first = decode(framed(7, 'a'));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ via: 'registry', body: 'a' });
    expect(decode(framed(7, 'b'))).toEqual({ via: 'schema 7', body: 'b' });
    expect(await decode(framed(8, 'c'))).toEqual({ via: 'registry', body: 'c' });
    expect(decode(framed(8, 'd'))).toEqual({ via: 'schema 8', body: 'd' });
    expect(registryDecodes).toEqual([7, 8]);
    expect(schemaFetches).toEqual([7, 8]);
  });

  it('leaves a buffer that is not in the wire format to the registry client (which names the error)', async () => {
    const serde = { decode: async () => { throw new Error('bad magic byte'); }, registry: { getSchema: async () => ({ fromBuffer: () => null }) } } as unknown as Pick<Serde, 'decode' | 'registry'>;
    await expect(cachedDecoder(serde)(Buffer.from([1, 2]))).rejects.toThrow('bad magic byte');
  });
});
