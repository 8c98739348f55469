import { LitElement, html, css, nothing } from 'lit';
import { api, query } from '../api.js';
import { shared } from '../styles.js';
import { writes } from '../session.js';

interface Explained { allowed: boolean; because?: { grant: number; role: string; scope: string }[]; revision: number }

/**
 * Asks GET /v1/check (and /v1/check/explain when allowed) what campus applications ask: may this subject do
 * this permission on this resource now? It asks for at least the revision of the console's last write, so a
 * grant or revoke made a moment ago is already counted.
 */
export class CheckTool extends LitElement {
  static override properties = {
    subject: {}, resource: {}, permission: {}, fixedSubject: { type: Boolean, attribute: 'fixed-subject' },
    permissions: { state: true }, result: { state: true }, error: { state: true }, busy: { state: true },
  };
  declare subject: string;
  declare resource: string;
  declare permission: string;
  declare fixedSubject: boolean;
  declare permissions: string[];
  declare result: (Explained & { asked: string }) | null;
  declare error: unknown;
  declare busy: boolean;
  /** How many answers this tool has shown (data-check-seq: tests wait for the next one). */
  private answers = 0;

  static override styles = [shared, css`.result { margin-top: var(--sl-spacing-small); font-size: var(--sl-font-size-large); }`];

  constructor() {
    super();
    this.subject = '';
    this.resource = 'global';
    this.permission = '';
    this.fixedSubject = false;
    this.permissions = [];
    this.result = null;
    this.error = null;
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void api.get('/v1/permissions').then((r) => (this.permissions = r.items.map((p: { name: string }) => p.name))).catch(() => {});
  }

  private async check(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => String((form.querySelector(`[name=${name}]`) as HTMLInputElement | null)?.value ?? '').trim();
    const subject = this.fixedSubject ? this.subject : value('subject');
    const permission = value('permission');
    const resource = value('resource') || 'global';
    this.busy = true;
    this.error = null;
    this.result = null;
    try {
      const params = { subject, permission, resource, at_least_revision: writes.revision || undefined };
      const answer = await api.get(`/v1/check${query(params)}`);
      let because: Explained['because'];
      if (answer.allowed) because = (await api.get(`/v1/check/explain${query(params)}`)).because;
      this.answers++;
      this.result = { ...answer, because, asked: `${permission} on ${resource}` };
    } catch (e) {
      this.error = e;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form @submit=${this.check} aria-label="Check access">
      <div class="row">
        ${this.fixedSubject ? nothing : html`<sl-input name="subject" label="Person (username or id)" .value=${this.subject} required></sl-input>`}
        <sl-select name="permission" label="Permission" .value=${this.permission} required placeholder="Choose">
          ${this.permissions.map((p) => html`<sl-option value=${p}>${p}</sl-option>`)}
        </sl-select>
        <sl-input class="grow" name="resource" label="Resource" .value=${this.resource}
          help-text="global, department:CS, offering:CS101/2026-fall or course:CS101"></sl-input>
        <sl-button type="submit" variant="primary" ?loading=${this.busy}>Check</sl-button>
      </div>
    </form>
    <div role="status" aria-live="polite" class="result">
      ${this.result ? html`<span data-check-result=${this.result.allowed ? 'allowed' : 'denied'} data-check-seq=${this.answers}>
          ${this.result.allowed ? html`<sl-badge variant="success">Allowed</sl-badge>` : html`<sl-badge variant="danger">Denied</sl-badge>`}
          ${this.result.asked} <span class="muted">(revision ${this.result.revision})</span></span>
        ${this.result.because?.length ? html`<p class="muted">Because of: ${this.result.because.map((b) => html`grant ${b.grant} (${b.role} on <code>${b.scope}</code>) `)}</p>` : nothing}`
      : nothing}
    </div>
    <provost-problem .error=${this.error}></provost-problem>`;
  }
}

customElements.define('provost-check-tool', CheckTool);
