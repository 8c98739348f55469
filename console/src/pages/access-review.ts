import { html, nothing } from 'lit';
import { Page } from '../parts/page.js';
import { api, query } from '../api.js';
import { instant, window as grantWindow } from '../format.js';
import { href } from '../router.js';

interface ReviewGrant { id: number; role: string; role_chain: string[]; scope: string; valid_from: string | null; valid_until: string | null; granted_by: { id: number; username: string } | null; reason: string | null }
interface ReviewItem { user: { id: number; username: string; display_name: string | null; type: string; department: string | null }; grants: ReviewGrant[] }
interface Review { permission: string; resource: string; at: string; history_complete: boolean; items: ReviewItem[]; next: string | number | null; has_more: boolean }

/**
 * Access review (GET /v1/access-review): who held a permission on a resource at an instant, through which
 * grant and role chain, and who granted it; the same answer as CSV for the auditor's spreadsheet.
 */
export class AccessReviewPage extends Page {
  static override properties = { ...Page.properties, review: { state: true }, error: { state: true }, busy: { state: true }, permissions: { state: true }, available: { state: true } };
  declare review: Review | null;
  declare error: unknown;
  declare busy: boolean;
  declare permissions: string[];
  declare available: boolean | null;
  private asked: Record<string, string | undefined> = {};
  private previous: string[] = [];
  private cursor = '';

  constructor() {
    super();
    this.review = null;
    this.error = null;
    this.busy = false;
    this.permissions = [];
    this.available = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void api.exists('/v1/access-review').then((yes) => (this.available = yes));
    void api.get('/v1/permissions').then((r) => (this.permissions = r.items.map((p: { name: string }) => p.name))).catch(() => {});
  }

  private params(form: HTMLFormElement): Record<string, string | undefined> {
    const v = (n: string) => String((form.querySelector(`[name=${n}]`) as any)?.value ?? '').trim();
    const at = v('at');
    return { permission: v('permission'), resource: v('resource') || 'global', at: at ? new Date(`${at.length === 16 ? `${at}:00` : at}Z`).toISOString() : undefined };
  }

  private async ask(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.asked = this.params(event.target as HTMLFormElement);
    this.previous = [];
    await this.load('');
  }

  private async load(after: string): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      this.review = await api.get(`/v1/access-review${query({ ...this.asked, limit: 50, after })}`);
      this.cursor = after;
    } catch (e) {
      this.error = e;
      this.review = null;
    } finally {
      this.busy = false;
    }
  }

  private async download(): Promise<void> {
    this.error = null;
    try {
      const csv = await api.getCsv(`/v1/access-review${query({ ...this.asked })}`);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `access-review-${this.asked.permission}-${(this.asked.resource ?? 'global').replace(/[^A-Za-z0-9._-]+/g, '_')}-${(this.review?.at ?? 'now').replace(/[:]/g, '')}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      this.error = e;
    }
  }

  override render() {
    if (this.available === false) {
      return html`<h1>Access review</h1><sl-alert variant="neutral" open>This Provost has no access-review API yet (GET /v1/access-review).</sl-alert>`;
    }
    const r = this.review;
    return html`<h1>Access review</h1>
      <p class="muted">Who could do this on this resource at this instant, through which grant, and who granted it. Past instants are answered from history.</p>
      <form class="row" aria-label="Access review question" @submit=${this.ask}>
        <sl-select name="permission" label="Permission" required placeholder="Choose" hoist>${this.permissions.map((p) => html`<sl-option value=${p}>${p}</sl-option>`)}</sl-select>
        <sl-input class="grow" name="resource" label="Resource" value="global" help-text="global, department:CS, course:CS101 or offering:CS101/2026-fall"></sl-input>
        <sl-input name="at" type="datetime-local" step="1" label="At (UTC)" help-text="Empty: now"></sl-input>
        <sl-button type="submit" variant="primary" ?loading=${this.busy}>Review</sl-button>
      </form>
      <provost-problem .error=${this.error}></provost-problem>
      ${r ? html`<section aria-labelledby="answer">
        <h2 id="answer"><code>${r.permission}</code> on <code>${r.resource}</code> at ${instant(r.at)}</h2>
        ${r.history_complete ? nothing : html`<sl-alert variant="warning" open>This instant is before history began: the answer uses the oldest state known.</sl-alert>`}
        <div class="actions"><sl-button @click=${this.download}><sl-icon slot="prefix" name="download"></sl-icon>Download CSV</sl-button></div>
        <div class="table-wrap"><table id="review">
          <caption>${r.items.length} ${r.items.length === 1 ? 'person' : 'people'} on this page${r.has_more ? ', more after' : ''}</caption>
          <thead><tr><th scope="col">Person</th><th scope="col">Grant</th><th scope="col">Role chain</th><th scope="col">Scope</th><th scope="col">Window</th><th scope="col">Granted by</th><th scope="col">Reason</th></tr></thead>
          <tbody>${r.items.flatMap((item) => item.grants.map((g, i) => html`<tr data-user=${item.user.id}>
            <td>${i === 0 ? html`<a href=${href(`users/${item.user.id}`)}>${item.user.username}</a> <span class="muted">${item.user.display_name ?? ''}</span>` : ''}</td>
            <td>${g.id}</td><td>${g.role_chain.join(' › ')}</td><td><code>${g.scope}</code></td><td>${grantWindow(g.valid_from, g.valid_until)}</td>
            <td>${g.granted_by?.username ?? '—'}</td><td>${g.reason ?? ''}</td></tr>`))}</tbody>
        </table></div>
        <nav class="pager" aria-label="Pages of people">
          <sl-button ?disabled=${this.previous.length === 0} @click=${() => { const p = this.previous.pop(); if (p !== undefined) void this.load(p); }}>Previous page</sl-button>
          <sl-button ?disabled=${!r.has_more} @click=${() => { this.previous.push(this.cursor); void this.load(String(r.next)); }}>Next page</sl-button>
        </nav>
      </section>` : nothing}`;
  }
}

customElements.define('provost-access-review', AccessReviewPage);
