// The page's files are compressed once at load and sent in the best encoding the client accepts.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadStaticFiles } from './static';
import { MIN_COMPRESSED_BYTES, pickEncoding } from './respond';

describe('pickEncoding', () => {
  const both = { br: Buffer.from('b'), gzip: Buffer.from('g') };
  it.each([
    ['gzip, deflate, br, zstd', both, 'br'],
    ['gzip', both, 'gzip'],
    ['br;q=0, gzip', both, 'gzip'],
    ['br;q=0.0, gzip;q=0', both, null],
    ['BR', both, 'br'],
    ['', both, null],
    ['identity', both, null],
    ['br', { gzip: Buffer.from('g') }, null],
    ['gzip, br', {}, null],
  ] as const)('%j → %s', (accept, file, expected) => {
    expect(pickEncoding(accept, file)).toBe(expected);
  });
});

describe('loadStaticFiles', () => {
  it('keeps br and gzip copies of text files worth compressing, which decompress to the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'web-dist-'));
    mkdirSync(join(dir, 'assets'));
    const js = 'console.log("inplay");\n'.repeat(200);
    writeFileSync(join(dir, 'assets', 'app.js'), js);
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets', 'logo.png'), Buffer.alloc(MIN_COMPRESSED_BYTES * 2));
    const files = loadStaticFiles(dir);
    const app = files.get('/assets/app.js');
    expect(brotliDecompressSync(app?.br ?? Buffer.alloc(0)).toString()).toBe(js);
    expect(gunzipSync(app?.gzip ?? Buffer.alloc(0)).toString()).toBe(js);
    expect(app?.br?.length).toBeLessThan(js.length / 10);
    expect(files.get('/index.html')).toMatchObject({ immutable: false });
    expect(files.get('/index.html')?.br).toBeUndefined();
    expect(files.get('/assets/logo.png')?.gzip).toBeUndefined();
  });
});
