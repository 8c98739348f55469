import { html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { Page } from '../parts/page.js';
import { api, query } from '../api.js';
import { departmentTree, type Tree, type User } from '../session.js';
import { href, navigate, replaceQuery } from '../router.js';
import { wrote } from '../session.js';

interface Filters { q: string; type: string; department: string; active: string; verified: string }

/**
 * Find users: a prefix search (username, email or name) and the listing's filters, 50 a page, paged with the
 * API's cursor (next), so the millionth user is as quick to reach page by page as the first. Earlier pages
 * are remembered as the cursors that led to them.
 */
export class UsersPage extends Page {
  static override properties = { ...Page.properties, items: { state: true }, error: { state: true }, loading: { state: true }, tree: { state: true }, createError: { state: true } };
  declare createError: unknown;
  declare items: User[];
  declare error: unknown;
  declare loading: boolean;
  declare tree: Tree | null;
  private filters: Filters = { q: '', type: '', department: '', active: '', verified: '' };
  /** Cursors of the pages before this one ('' for the first); the current page's own cursor is `after`. */
  private previous: string[] = [];
  private cursor = '';
  private next: string | null = null;

  constructor() {
    super();
    this.items = [];
    this.error = null;
    this.loading = false;
    this.tree = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const q = this.location.query;
    this.filters = { q: q.get('q') ?? '', type: q.get('type') ?? '', department: q.get('department') ?? '', active: q.get('active') ?? '', verified: q.get('verified') ?? '' };
    if (!this.caps.global('users.read') && !this.filters.department) {
      // read rights in some departments only: list one of them (a listing without the filter needs them globally)
      const scope = this.caps.scopes('users.read').find((s) => s.startsWith('department:'));
      if (scope) this.filters.department = scope.slice('department:'.length);
    }
    void departmentTree().then((t) => (this.tree = t)).catch(() => (this.tree = null));
    void this.load('');
  }

  private async load(after: string): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const page = await api.get(`/v1/users${query({ limit: 50, after, ...this.filters })}`);
      this.items = page.items;
      this.next = page.has_more ? page.next : null;
      this.cursor = after;
      replaceQuery({ ...this.filters });
    } catch (e) {
      this.error = e;
      this.items = [];
      this.next = null;
    } finally {
      this.loading = false;
    }
  }

  private search(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => String((form.querySelector(`[name=${name}]`) as HTMLInputElement | null)?.value ?? '');
    this.filters = { q: value('q').trim(), type: value('type'), department: value('department'), active: value('active'), verified: value('verified') };
    this.previous = [];
    void this.load('');
  }

  private older(): void {
    if (!this.next) return;
    this.previous.push(this.cursor);
    void this.load(this.next);
  }

  private newer(): void {
    const before = this.previous.pop();
    if (before !== undefined) void this.load(before);
  }

  /** (The select is made anew once the tree has loaded: a value given before its options would not show.) */
  /** POST /v1/users from the "New user" dialog; on success, the new person's page. */
  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = (n: string) => String((form.querySelector(`[name=${n}]`) as any)?.value ?? '').trim();
    const body: Record<string, unknown> = { username: v('username'), email: v('email'), type: v('type'),
      verified: (form.querySelector('[name=verified]') as any).checked };
    if (v('display_name')) body.display_name = v('display_name');
    if (v('department')) body.department = v('department');
    const password = String((form.querySelector('[name=password]') as any).value ?? '');
    if (password) body.password = password;
    this.createError = null;
    try {
      const user = await api.post('/v1/users', body);
      wrote(user);
      (this.renderRoot.querySelector('#new-user') as any).hide();
      navigate(`users/${user.id}`);
    } catch (e) {
      this.createError = e;
    }
  }

  private newUserDialog() {
    const depts = (this.tree?.departments ?? []).filter((d) => this.caps.covers('users.write', `department:${d.code}`, this.tree ?? undefined));
    return html`<sl-dialog id="new-user" label="New user">
      <form id="new-user-form" class="stack" @submit=${this.create}>
        <div class="row"><sl-input name="username" label="Username" required></sl-input><sl-input class="grow" name="email" type="email" label="Email" required></sl-input></div>
        <sl-input name="display_name" label="Display name"></sl-input>
        <div class="row">
          <sl-select name="type" label="Type" value="student" hoist>${['student', 'faculty', 'staff', 'affiliate'].map((t) => html`<sl-option value=${t}>${t}</sl-option>`)}</sl-select>
          <sl-select name="department" label="Department" placeholder=${this.caps.global('users.write') ? 'None' : 'Choose'} ?required=${!this.caps.global('users.write')} clearable hoist>
            ${depts.map((d) => html`<sl-option value=${d.code}>${d.code} — ${d.name}</sl-option>`)}</sl-select>
        </div>
        <sl-input name="password" type="password" label="Password" help-text="Optional: without one, the person signs in through single sign-on elsewhere" autocomplete="new-password" password-toggle></sl-input>
        <sl-checkbox name="verified">Verified</sl-checkbox>
        <provost-problem .error=${this.createError}></provost-problem>
      </form>
      <sl-button slot="footer" @click=${() => (this.renderRoot.querySelector('#new-user') as any).hide()}>Cancel</sl-button>
      <sl-button slot="footer" variant="primary" @click=${() => (this.renderRoot.querySelector('#new-user-form') as HTMLFormElement).requestSubmit()}>Create user</sl-button>
    </sl-dialog>`;
  }

  private departmentChoices(): { code: string; name: string }[] {
    const all = this.tree?.departments ?? [];
    if (this.caps.global('users.read')) return all;
    return all.filter((d) => this.caps.covers('users.read', `department:${d.code}`, this.tree ?? undefined));
  }

  override render() {
    const f = this.filters;
    const pageNumber = this.previous.length + 1;
    return html`
      <h1>Users</h1>
      ${this.caps.anywhere('users.write') ? html`<p><sl-button @click=${() => { this.createError = null; (this.renderRoot.querySelector('#new-user') as any).show(); }}>
        <sl-icon slot="prefix" name="plus-lg"></sl-icon>New user</sl-button></p>${this.newUserDialog()}` : nothing}
      <form role="search" aria-label="Find users" @submit=${this.search}>
        <div class="row">
          <sl-input class="grow" name="q" label="Search" help-text="Start of a username, email or name" .value=${f.q} clearable>
            <sl-icon slot="prefix" name="search"></sl-icon></sl-input>
          <sl-select name="type" label="Type" .value=${f.type} placeholder="Any" clearable>
            ${['student', 'faculty', 'staff', 'affiliate'].map((t) => html`<sl-option value=${t}>${t}</sl-option>`)}
          </sl-select>
          ${keyed(this.tree ? 'loaded' : 'loading', html`<sl-select name="department" label="Department" .value=${f.department} placeholder="Any" ?clearable=${this.caps.global('users.read')}>
            ${this.departmentChoices().map((d) => html`<sl-option value=${d.code}>${d.code} — ${d.name}</sl-option>`)}
          </sl-select>`)}
          <sl-select name="active" label="Active" .value=${f.active} placeholder="Any" clearable>
            <sl-option value="true">Active</sl-option><sl-option value="false">Deactivated</sl-option>
          </sl-select>
          <sl-select name="verified" label="Verified" .value=${f.verified} placeholder="Any" clearable>
            <sl-option value="true">Verified</sl-option><sl-option value="false">Not verified</sl-option>
          </sl-select>
          <sl-button type="submit" variant="primary" ?loading=${this.loading}>Search</sl-button>
        </div>
      </form>
      <provost-problem .error=${this.error}></provost-problem>
      <div class="table-wrap">
        <table aria-busy=${this.loading ? 'true' : 'false'}>
          <caption>Page ${pageNumber}: ${this.items.length} user${this.items.length === 1 ? '' : 's'}${this.next ? ', more after' : ''}</caption>
          <thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Type</th>
            <th scope="col">Department</th><th scope="col">Status</th></tr></thead>
          <tbody>${this.items.map((u) => html`<tr>
            <td><a href=${href(`users/${u.id}`)}>${u.username}</a></td><td>${u.display_name ?? ''}</td><td>${u.email}</td>
            <td>${u.type}</td><td>${u.department ?? '—'}</td>
            <td>${u.active ? 'active' : html`<sl-badge variant="neutral">deactivated</sl-badge>`}${u.verified ? nothing : html` <sl-badge variant="warning">not verified</sl-badge>`}</td>
          </tr>`)}</tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages of users">
        <sl-button ?disabled=${this.previous.length === 0 || this.loading} @click=${this.newer}>Previous page</sl-button>
        <span>Page ${pageNumber}</span>
        <sl-button ?disabled=${!this.next || this.loading} @click=${this.older}>Next page</sl-button>
      </nav>`;
  }
}

customElements.define('provost-users', UsersPage);
