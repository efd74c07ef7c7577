import { defineConfig } from 'vite';

// Built into dist/ and served by the gateway at "/", so the page, its
// WebSocket and its API calls share one origin.
export default defineConfig({
  root: '.',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { port: 5173, proxy: { '/api': 'http://127.0.0.1:8080', '/ws': { target: 'ws://127.0.0.1:8080', ws: true } } },
});
