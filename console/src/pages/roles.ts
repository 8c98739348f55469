import { html, nothing } from 'lit';
import { Page } from '../parts/page.js';
import { api } from '../api.js';
import { wrote } from '../session.js';

interface Role { name: string; description: string | null; builtin: boolean; permissions: string[]; includes: string[]; effective_permissions: string[] }
interface Permission { name: string; description: string | null }

/**
 * Roles and permissions: each role's own permissions, the roles it includes, and the effective set those
 * give. People with roles.write globally may define permissions and roles here.
 */
export class RolesPage extends Page {
  static override properties = { ...Page.properties, roles: { state: true }, permissions: { state: true }, error: { state: true }, formError: { state: true } };
  declare roles: Role[];
  declare permissions: Permission[];
  declare error: unknown;
  declare formError: unknown;

  constructor() {
    super();
    this.roles = [];
    this.permissions = [];
    this.error = null;
    this.formError = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [roles, permissions] = await Promise.all([api.get('/v1/roles'), api.get('/v1/permissions')]);
      this.roles = roles.items;
      this.permissions = permissions.items;
    } catch (e) {
      this.error = e;
    }
  }

  private async createRole(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (n: string) => (form.querySelector(`[name=${n}]`) as any).value;
    this.formError = null;
    try {
      wrote(await api.post('/v1/roles', {
        name: String(value('name')).trim(), description: String(value('description')).trim() || undefined,
        permissions: value('permissions') || [], includes: value('includes') || [],
      }));
      form.reset();
      await this.load();
    } catch (e) {
      this.formError = e;
    }
  }

  private async createPermission(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (n: string) => String((form.querySelector(`[name=${n}]`) as any).value).trim();
    this.formError = null;
    try {
      wrote(await api.post('/v1/permissions', { name: value('name'), description: value('description') || undefined }));
      form.reset();
      await this.load();
    } catch (e) {
      this.formError = e;
    }
  }

  override render() {
    const editor = this.caps.global('roles.write');
    return html`<h1>Roles &amp; permissions</h1>
      <provost-problem .error=${this.error}></provost-problem>
      <section aria-labelledby="roles"><h2 id="roles">Roles</h2>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">Role</th><th scope="col">Own permissions</th><th scope="col">Includes</th><th scope="col">Effective permissions</th></tr></thead>
          <tbody>${this.roles.map((r) => html`<tr>
            <th scope="row">${r.name}${r.builtin ? html` <sl-badge variant="neutral">built in</sl-badge>` : nothing}<div class="muted">${r.description ?? ''}</div></th>
            <td><div class="tags">${r.permissions.map((p) => html`<sl-tag size="small">${p}</sl-tag>`)}</div></td>
            <td>${r.includes.length ? r.includes.join(', ') : '—'}</td>
            <td><div class="tags">${r.effective_permissions.map((p) => html`<sl-tag size="small" variant="primary">${p}</sl-tag>`)}</div></td></tr>`)}
          </tbody></table></div>
      </section>
      <section aria-labelledby="perms"><h2 id="perms">Permissions</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">Permission</th><th scope="col">Description</th></tr></thead>
          <tbody>${this.permissions.map((p) => html`<tr><td><code>${p.name}</code></td><td>${p.description ?? ''}</td></tr>`)}</tbody></table></div>
      </section>
      ${editor ? html`<section aria-labelledby="define"><h2 id="define">Define</h2>
        <provost-problem .error=${this.formError}></provost-problem>
        <div class="cards">
          <sl-card><form @submit=${this.createPermission} aria-label="New permission" class="stack">
            <strong>New permission</strong>
            <sl-input name="name" label="Name" help-text="Dotted, e.g. library.renew" required></sl-input>
            <sl-input name="description" label="Description"></sl-input>
            <sl-button type="submit">Define permission</sl-button></form></sl-card>
          <sl-card><form @submit=${this.createRole} aria-label="New role" class="stack">
            <strong>New role</strong>
            <sl-input name="name" label="Name" required></sl-input>
            <sl-input name="description" label="Description"></sl-input>
            <sl-select name="permissions" label="Permissions" multiple clearable hoist>${this.permissions.map((p) => html`<sl-option value=${p.name}>${p.name}</sl-option>`)}</sl-select>
            <sl-select name="includes" label="Includes roles" multiple clearable hoist>${this.roles.map((r) => html`<sl-option value=${r.name}>${r.name}</sl-option>`)}</sl-select>
            <sl-button type="submit">Define role</sl-button></form></sl-card>
        </div></section>` : nothing}`;
  }
}

customElements.define('provost-roles', RolesPage);
