import { html } from 'lit';
import { Page } from '../parts/page.js';
import { api, query } from '../api.js';
import { instant } from '../format.js';
import { replaceQuery } from '../router.js';

interface AuditEvent { id: number; at: string; actor_id: number | null; actor: string; action: string; target: string; before: unknown; after: unknown; request_id: string | null }

/**
 * The audit log (audit.read globally), oldest first in commit order, filtered by actor, target and action,
 * paged with the log's own cursor (after the last id seen), the same way a reader tails it.
 */
export class AuditPage extends Page {
  static override properties = { ...Page.properties, items: { state: true }, error: { state: true }, loading: { state: true } };
  declare items: AuditEvent[];
  declare error: unknown;
  declare loading: boolean;
  private filters = { actor: '', target: '', action: '', after: '' };
  private previous: string[] = [];
  private next: string | null = null;

  constructor() {
    super();
    this.items = [];
    this.error = null;
    this.loading = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const q = this.location.query;
    this.filters = { actor: q.get('actor') ?? '', target: q.get('target') ?? '', action: q.get('action') ?? '', after: '' };
    void this.load('');
  }

  private async load(after: string): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const page = await api.get(`/v1/audit${query({ limit: 50, actor: this.filters.actor, target: this.filters.target, action: this.filters.action, after })}`);
      this.items = page.items;
      this.next = page.has_more ? String(page.next) : null;
      this.filters.after = after;
      replaceQuery({ actor: this.filters.actor, target: this.filters.target, action: this.filters.action });
    } catch (e) {
      this.error = e;
      this.items = [];
    } finally {
      this.loading = false;
    }
  }

  private filter(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = (n: string) => String((form.querySelector(`[name=${n}]`) as any).value ?? '').trim();
    this.filters = { actor: v('actor'), target: v('target'), action: v('action'), after: '' };
    this.previous = [];
    void this.load('');
  }

  override render() {
    return html`<h1>Audit log</h1>
      <form class="row" aria-label="Filter the audit log" @submit=${this.filter}>
        <sl-input name="actor" label="Actor" help-text="User id, username or client:name" .value=${this.filters.actor} clearable></sl-input>
        <sl-input name="target" label="Target" help-text="e.g. user:42, role:registrar" .value=${this.filters.target} clearable></sl-input>
        <sl-input name="action" label="Action" help-text="e.g. grant.create" .value=${this.filters.action} clearable></sl-input>
        <sl-button type="submit" variant="primary" ?loading=${this.loading}>Filter</sl-button>
      </form>
      <provost-problem .error=${this.error}></provost-problem>
      <div class="table-wrap"><table aria-busy=${this.loading ? 'true' : 'false'}>
        <caption>Events in commit order, page ${this.previous.length + 1}</caption>
        <thead><tr><th scope="col">Id</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Before / after</th></tr></thead>
        <tbody>${this.items.map((e) => html`<tr><td>${e.id}</td><td>${instant(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td><code>${e.target}</code></td>
          <td>${e.before || e.after ? html`<sl-details summary="Show"><pre>${JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre></sl-details>` : '—'}</td></tr>`)}</tbody>
      </table></div>
      <nav class="pager" aria-label="Pages of events">
        <sl-button ?disabled=${this.previous.length === 0 || this.loading} @click=${() => { const p = this.previous.pop(); if (p !== undefined) void this.load(p); }}>Previous page</sl-button>
        <sl-button ?disabled=${!this.next || this.loading} @click=${() => { if (this.next) { this.previous.push(this.filters.after); void this.load(this.next); } }}>Next page</sl-button>
      </nav>`;
  }
}

customElements.define('provost-audit', AuditPage);
