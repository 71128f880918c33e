// Builds the renderer (React UI) alone: `npm run build:renderer`. The same bundle is loaded by
// Electron (file://, hence the relative base) and served by the browser mode (main/web).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const rendererRoot = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    // Keeps the CSP strict: no inlined data: module scripts, every asset is a same-origin file.
    assetsInlineLimit: 0,
  },
});
