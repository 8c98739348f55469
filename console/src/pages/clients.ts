import { html, nothing } from 'lit';
import { Page } from '../parts/page.js';
import { api } from '../api.js';
import { wrote } from '../session.js';
import { when } from '../format.js';

interface Client { id: number; name: string; key_prefix: string; permissions: string[]; owner_id: number | null; owner: string | null; created_at: string; rotated_at: string | null; revoked: boolean }

/**
 * API clients (clients.write globally): keys for campus applications. A new or rotated key is shown once,
 * in a dialog, and never again; whoever creates or rotates a key owns it (docs/SECURITY.md).
 */
export class ClientsPage extends Page {
  static override properties = { ...Page.properties, clients: { state: true }, error: { state: true }, key: { state: true }, copied: { state: true } };
  declare clients: Client[];
  declare error: unknown;
  declare key: { name: string; key: string } | null;
  declare copied: boolean;

  constructor() {
    super();
    this.clients = [];
    this.error = null;
    this.key = null;
    this.copied = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.clients = (await api.get('/v1/clients')).items;
    } catch (e) {
      this.error = e;
    }
  }

  private async showKey(result: any): Promise<void> {
    wrote(result);
    this.key = { name: result.name, key: result.key };
    await this.updateComplete;
    (this.renderRoot.querySelector('#key-dialog') as any).show();
  }

  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = String((form.querySelector('[name=name]') as any).value).trim();
    const permissions = (form.querySelector('[name=permissions]') as any).value as string[];
    this.error = null;
    try {
      await this.showKey(await api.post('/v1/clients', { name, permissions: permissions.length ? permissions : undefined }));
      form.reset();
      await this.load();
    } catch (e) {
      this.error = e;
    }
  }

  private async rotate(c: Client): Promise<void> {
    this.error = null;
    try {
      await this.showKey(await api.post(`/v1/clients/${c.id}/rotate`));
      await this.load();
    } catch (e) {
      this.error = e;
    }
  }

  private async revoke(c: Client): Promise<void> {
    this.error = null;
    try {
      wrote(await api.delete(`/v1/clients/${c.id}`));
      await this.load();
    } catch (e) {
      this.error = e;
    }
  }

  private forgetKey(): void {
    this.key = null;
    this.copied = false;
  }

  private async copy(): Promise<void> {
    if (!this.key) return;
    try {
      await navigator.clipboard.writeText(this.key.key);
      this.copied = true;
    } catch {
      (this.renderRoot.querySelector('#new-key') as any)?.select(); // no clipboard access: select it for Ctrl+C
    }
  }

  override render() {
    const mine = this.caps.me.permissions.filter((p) => p.scope === 'global').map((p) => p.permission);
    return html`<h1>API clients</h1>
      <p class="muted">Keys for campus applications that call <code>/v1/check</code>. A key acts with at most its owner's current authority.</p>
      <provost-problem .error=${this.error}></provost-problem>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Name</th><th scope="col">Key starts</th><th scope="col">Permissions</th><th scope="col">Owner</th><th scope="col">Created</th><th scope="col">Rotated</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${this.clients.map((c) => html`<tr>
          <td>${c.name}</td><td><code>${c.key_prefix}</code></td><td><div class="tags">${c.permissions.map((p) => html`<sl-tag size="small">${p}</sl-tag>`)}</div></td>
          <td>${c.owner ?? '—'}</td><td>${when(c.created_at)}</td><td>${when(c.rotated_at)}</td>
          <td>${c.revoked ? html`<sl-badge variant="neutral">revoked</sl-badge>` : html`<div class="actions">
            <sl-button size="small" @click=${() => this.rotate(c)}><sl-icon slot="prefix" name="arrow-repeat"></sl-icon>Rotate<span class="visually-hidden"> ${c.name}</span></sl-button>
            <sl-button size="small" variant="danger" outline @click=${() => this.revoke(c)}>Revoke<span class="visually-hidden"> ${c.name}</span></sl-button></div>`}</td></tr>`)}</tbody>
      </table></div>
      <h2>New client</h2>
      <form class="row" aria-label="New API client" @submit=${this.create}>
        <sl-input name="name" label="Name" help-text="Lowercase letters, digits, '.', '_' or '-'" required></sl-input>
        <sl-select class="grow" name="permissions" label="Permissions" multiple clearable hoist placeholder="authz.check (default)">
          ${mine.map((p) => html`<sl-option value=${p}>${p}</sl-option>`)}</sl-select>
        <sl-button type="submit" variant="primary">Create client</sl-button>
      </form>
      <sl-dialog id="key-dialog" label="Copy the key now" @sl-after-hide=${this.forgetKey}>
        ${this.key ? html`<p>The key of <strong>${this.key.name}</strong> is shown this once. Store it in the application's secrets now.</p>
          <div class="row"><sl-input class="grow" label="Key" readonly .value=${this.key.key} id="new-key"></sl-input>
          <sl-button @click=${this.copy}>${this.copied ? 'Copied' : 'Copy the key'}</sl-button></div>` : nothing}
        <sl-button slot="footer" variant="primary" @click=${() => (this.renderRoot.querySelector('#key-dialog') as any).hide()}>I have stored it</sl-button>
      </sl-dialog>`;
  }
}

customElements.define('provost-clients', ClientsPage);
