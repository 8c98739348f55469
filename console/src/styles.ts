import { css } from 'lit';

/**
 * Layout shared by every page, as a constructable stylesheet (allowed by the style-src 'self' policy; no
 * inline style attributes anywhere). Colours, spacing and type come from Shoelace's design tokens.
 */
export const shared = css`
  :host { display: block; }
  h1 { font-size: var(--sl-font-size-2x-large); font-weight: var(--sl-font-weight-semibold); margin: 0 0 var(--sl-spacing-medium); }
  h1:focus { outline: none; }
  h2 { font-size: var(--sl-font-size-large); font-weight: var(--sl-font-weight-semibold); margin: var(--sl-spacing-large) 0 var(--sl-spacing-small); }
  p { line-height: var(--sl-line-height-normal); }
  a { color: var(--sl-color-primary-700); }
  .muted { color: var(--sl-color-neutral-700); }
  .row { display: flex; flex-wrap: wrap; gap: var(--sl-spacing-medium); align-items: flex-end; }
  .row > * { min-width: 10rem; }
  .grow { flex: 1 1 16rem; }
  .stack > * + * { margin-top: var(--sl-spacing-medium); }
  form .actions { margin-top: var(--sl-spacing-medium); }
  dl.facts + dl.facts, form + dl.facts { margin-top: var(--sl-spacing-medium); }
  .actions { display: flex; gap: var(--sl-spacing-small); flex-wrap: wrap; align-items: center; }
  table { border-collapse: collapse; width: 100%; font-size: var(--sl-font-size-small); background: var(--sl-color-neutral-0); }
  caption { text-align: left; padding: var(--sl-spacing-x-small) 0; color: var(--sl-color-neutral-700); }
  th, td { text-align: left; padding: var(--sl-spacing-x-small) var(--sl-spacing-small); border-bottom: 1px solid var(--sl-color-neutral-200); vertical-align: top; }
  th { font-weight: var(--sl-font-weight-semibold); background: var(--sl-color-neutral-50); }
  tbody tr:hover { background: var(--sl-color-primary-50); }
  .table-wrap + .table-wrap, .table-wrap + h2 { margin-top: var(--sl-spacing-large); }
  .table-wrap { overflow-x: auto; border: 1px solid var(--sl-color-neutral-200); border-radius: var(--sl-border-radius-medium); }
  code, .mono { font-family: var(--sl-font-mono); font-size: 0.95em; }
  pre { font-family: var(--sl-font-mono); font-size: var(--sl-font-size-x-small); white-space: pre-wrap; word-break: break-all; margin: 0; }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: var(--sl-spacing-medium); }
  sl-card { width: 100%; }
  sl-details::part(header) { padding: var(--sl-spacing-2x-small) var(--sl-spacing-small); }
  sl-details::part(content) { padding: var(--sl-spacing-x-small) var(--sl-spacing-small); }
  sl-alert { margin: var(--sl-spacing-small) 0; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: var(--sl-spacing-2x-small) var(--sl-spacing-large); margin: 0; }
  dl.facts dt { font-weight: var(--sl-font-weight-semibold); color: var(--sl-color-neutral-700); }
  dl.facts dd { margin: 0; }
  .tags { display: flex; flex-wrap: wrap; gap: var(--sl-spacing-2x-small); }
  .pager { display: flex; gap: var(--sl-spacing-small); align-items: center; margin-top: var(--sl-spacing-small); }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  sl-tree { --indent-guide-width: 1px; max-height: 22rem; overflow: auto; border: 1px solid var(--sl-color-neutral-200); border-radius: var(--sl-border-radius-medium); }
  input[type='file'] { font: inherit; }
  .file label { display: block; font-size: var(--sl-input-label-font-size-medium); margin-bottom: var(--sl-spacing-3x-small); }
`;
