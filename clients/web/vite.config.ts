import { defineConfig } from 'vite';

// `npm run dev` proxies REST to a running gateway (PARLEY_GATEWAY_URL, default the local run's 8080).
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': process.env.PARLEY_GATEWAY_URL ?? 'http://127.0.0.1:8080' } },
});
