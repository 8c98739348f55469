import { html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { Page } from '../parts/page.js';
import { api, query } from '../api.js';
import { departmentTree, type Tree, type User } from '../session.js';
import { href, replaceQuery } from '../router.js';

interface Filters { q: string; type: string; department: string; active: string; verified: string }

/**
 * Find users: a prefix search (username, email or name) and the listing's filters, 50 a page, paged with the
 * API's cursor (next), so the millionth user is as quick to reach page by page as the first. Earlier pages
 * are remembered as the cursors that led to them.
 */
export class UsersPage extends Page {
  static override properties = { ...Page.properties, items: { state: true }, error: { state: true }, loading: { state: true }, tree: { state: true } };
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
