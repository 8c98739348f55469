import { html, nothing } from 'lit';

/** A table of permissions grouped by scope: one row per scope, its permissions as tags. */
export function permissionsByScope(permissions: { permission: string; scope: string }[], caption: string) {
  const byScope = new Map<string, string[]>();
  for (const p of permissions) {
    if (!byScope.has(p.scope)) byScope.set(p.scope, []);
    byScope.get(p.scope)!.push(p.permission);
  }
  const scopes = [...byScope.keys()].sort((a, b) => (a === 'global' ? -1 : b === 'global' ? 1 : a.localeCompare(b)));
  if (scopes.length === 0) return html`<p class="muted">${caption}: none.</p>`;
  return html`<div class="table-wrap"><table>
    <caption>${caption}</caption>
    <thead><tr><th scope="col">Scope</th><th scope="col">Permissions</th></tr></thead>
    <tbody>${scopes.map((s) => html`<tr data-scope=${s}><th scope="row"><code>${s}</code></th>
      <td><div class="tags">${byScope.get(s)!.sort().map((p) => html`<sl-tag size="small" variant="neutral">${p}</sl-tag>`)}</div></td></tr>`)}
    </tbody></table></div>${nothing}`;
}
