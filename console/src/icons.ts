import { registerIconLibrary } from '@shoelace-style/shoelace/dist/utilities/icon-library.js';

/**
 * Icons come from files the build writes under icons/ (vite.config.ts): Shoelace's defaults fetch data:
 * URLs, which the Content-Security-Policy refuses.
 */
export function registerIcons(): void {
  registerIconLibrary('default', { resolver: (name) => `/admin/icons/default/${name}.svg` });
  registerIconLibrary('system', { resolver: (name) => `/admin/icons/system/${name}.svg` });
}
