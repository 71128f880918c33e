// electron-vite: `npm run dev` (dev server + Electron), `npm run build` (out/), `npm run start`.
//   out/main/index.js    main process (ESM, package.json "type": "module"; Electron 41 runs it)
//   out/main/trainer.js  trainer entry, forked as an Electron utility process
//   out/main/predictor.js  predictor entry (Playground, file predictions), forked with child_process
//   out/preload/index.cjs  CommonJS with everything bundled in: sandboxed preloads can neither be
//                          ES modules nor require() anything but a few Electron built-ins
//   out/renderer/        the React UI (same output folder as vite.renderer.config.ts)
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './main/app/window-options';

const r = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Writes main/app/window-options.ts's policy into index.html as the only CSP <meta> (a file:
 * page has no response headers to carry it). The dev server gets the dev policy, which allows
 * the inline scripts and styles Vite and React refresh inject there.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'comparo:csp-meta',
    transformIndexHtml(html, context) {
      const policy = (context.server ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY)
        .split('; ')
        .filter((directive) => !directive.startsWith('frame-ancestors')) // ignored (and warned about) in <meta>
        .join('; ');
      return {
        html: html.replace(/<meta\s[^>]*http-equiv\s*=\s*["']?Content-Security-Policy["']?[^>]*>\s*/gi, ''),
        tags: [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
      };
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: r('./out/main'),
      // Dependencies stay in node_modules (native better-sqlite3, tfjs); optional ones too.
      externalizeDeps: { include: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'] },
      sourcemap: true,
      rolldownOptions: {
        input: {
          index: r('./main/app/index.ts'),
          trainer: r('./main/training/trainer-process.ts'),
          predictor: r('./main/inference/predictor-process.ts'),
          pretrainer: r('./main/training/pretrain-process.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: r('./out/preload'),
      externalizeDeps: false,
      sourcemap: 'inline',
      rolldownOptions: {
        input: { index: r('./main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: r('./renderer'),
    plugins: [react(), contentSecurityPolicyMeta()],
    build: {
      outDir: r('./out/renderer'),
      assetsInlineLimit: 0,
      sourcemap: true,
      rolldownOptions: { input: r('./renderer/index.html') },
    },
  },
});
