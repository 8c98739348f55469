import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const systemLibrary = require.resolve('@shoelace-style/shoelace/dist/components/icon/library.system.js');
/** Shoelace's dist/ folder (its package.json is not exported). */
const shoelaceDist = join(dirname(systemLibrary), '../../');

/** Bootstrap Icons (shipped with Shoelace) that the console's pages name. */
const ICONS = [
  'box-arrow-right', 'people', 'person', 'shield-lock', 'diagram-3', 'upload', 'journal-text', 'key',
  'search', 'check2-circle', 'x-octagon', 'exclamation-triangle', 'info-circle', 'download', 'arrow-repeat',
  'trash', 'plus-lg', 'house', 'clipboard-check', 'lock', 'calendar-range', 'book',
];

/**
 * Shoelace's own "system" icons (chevrons, checkmarks, the close x) are data: URLs that its icon element
 * fetch()es, which the console's Content-Security-Policy (connect-src 'self') refuses. This plugin writes
 * them, and the Bootstrap Icons above, as files under icons/, which src/icons.ts points both libraries at.
 */
function iconFiles(): Plugin {
  return {
    name: 'provost-icon-files',
    async generateBundle() {
      const system = (await import('@shoelace-style/shoelace/dist/components/icon/library.system.js')).default;
      // the icon names: the keys of the map in the chunk library.system.js imports
      const chunk = readFileSync(systemLibrary, 'utf8');
      const from = chunk.match(/from "(.+?)"/);
      const source = from ? readFileSync(join(dirname(systemLibrary), from[1]), 'utf8') : chunk;
      const names = [...source.matchAll(/^ {2}"?([a-z-]+)"?: `/gm)].map((m) => m[1]);
      if (names.length < 10) throw new Error(`found only ${names.length} Shoelace system icons: has its layout changed?`);
      for (const name of names) {
        const url: string = system.resolver(name);
        const svg = decodeURIComponent(url.slice(url.indexOf(',') + 1)).trim();
        this.emitFile({ type: 'asset', fileName: `icons/system/${name}.svg`, source: svg });
      }
      for (const name of ICONS) {
        const svg = readFileSync(join(shoelaceDist, 'assets/icons', `${name}.svg`), 'utf8');
        this.emitFile({ type: 'asset', fileName: `icons/default/${name}.svg`, source: svg });
      }
    },
  };
}

export default defineConfig({
  base: '/admin/',
  plugins: [iconFiles()],
  build: {
    target: 'es2022',
    // no inlined data: assets (CSP img-src 'self') and no inline module preload polyfill
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // npm run dev: the console against a Provost on :8080
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
