import { LitElement, html, css, nothing } from 'lit';
import { api } from '../api.js';
import { shared } from '../styles.js';
import { all, courseDepartments, departmentTree, wrote, type Capabilities, type Department, type Tree, type User } from '../session.js';
import { dayAfter, startOfDay, today } from '../format.js';

interface Role { name: string; description: string | null; effective_permissions: string[] }
interface Term { code: string; name: string; starts_on: string; ends_on: string }
interface Offering { id: string; course: string; term: string }

/**
 * Grant a role: pick the role, then the scope (everywhere, a department from the tree, or an offering by
 * term), with the window defaulting to the term's dates. Only roles and scopes the signed-in person could
 * delegate somewhere are offered; the server applies the delegation rule and its refusal is shown as sent.
 */
export class GrantDialog extends LitElement {
  static override properties = {
    user: { attribute: false }, caps: { attribute: false },
    roles: { state: true }, tree: { state: true }, terms: { state: true }, offerings: { state: true },
    kind: { state: true }, term: { state: true }, from: { state: true }, lastDay: { state: true },
    department: { state: true }, error: { state: true }, busy: { state: true },
  };
  declare user: User;
  declare caps: Capabilities;
  declare roles: Role[];
  declare tree: Tree | null;
  declare terms: Term[];
  declare offerings: Offering[];
  declare kind: 'global' | 'department' | 'offering';
  declare term: string;
  declare from: string;
  declare lastDay: string;
  declare department: string;
  declare error: unknown;
  declare busy: boolean;
  private courses = new Map<string, string>();

  static override styles = [shared, css`
    sl-dialog { --width: min(46rem, 96vw); }
    form > * + * { margin-top: var(--sl-spacing-medium); }
    .tree-label { font-size: var(--sl-input-label-font-size-medium); margin-bottom: var(--sl-spacing-3x-small); }
  `];

  constructor() {
    super();
    this.roles = [];
    this.tree = null;
    this.terms = [];
    this.offerings = [];
    this.kind = 'offering';
    this.term = '';
    this.from = today();
    this.lastDay = '';
    this.department = '';
    this.error = null;
    this.busy = false;
  }

  /** Opens the dialog, loading roles, departments and terms. */
  async show(): Promise<void> {
    this.error = null;
    this.kind = this.caps.global('grants.write') ? 'offering' : 'offering';
    const dialog = this.renderRoot.querySelector('sl-dialog') as any;
    dialog.show();
    const [roles, tree, terms] = await Promise.all([
      api.get('/v1/roles').then((r) => r.items as Role[]),
      departmentTree(),
      all<Term>('/v1/terms'),
    ]);
    const held = new Set(this.caps.me.permissions.map((p) => p.permission));
    // a role carrying a permission the granter holds nowhere could never be delegated: not offered
    this.roles = roles.filter((r) => r.effective_permissions.every((p) => held.has(p)));
    this.tree = tree;
    this.terms = terms.sort((a, b) => b.starts_on.localeCompare(a.starts_on));
    if (!this.caps.global('grants.write')) {
      this.courses = await courseDepartments();
    }
    const now = today();
    const currentTerm = this.terms.find((t) => t.starts_on <= now && now <= t.ends_on) ?? this.terms[0];
    if (currentTerm) await this.pickTerm(currentTerm.code);
  }

  private async pickTerm(code: string): Promise<void> {
    this.term = code;
    const t = this.terms.find((x) => x.code === code);
    if (t && this.kind === 'offering') {
      this.from = t.starts_on;
      this.lastDay = t.ends_on;
    }
    const offerings = await all<Offering>(`/v1/offerings?term=${encodeURIComponent(code)}`);
    this.offerings = offerings.filter((o) => this.caps.covers('grants.write', `offering:${o.id}`, this.tree ?? undefined, this.courses.get(o.course)));
  }

  private pickKind(kind: 'global' | 'department' | 'offering'): void {
    this.kind = kind;
    if (kind === 'offering') {
      const t = this.terms.find((x) => x.code === this.term);
      if (t) {
        this.from = t.starts_on;
        this.lastDay = t.ends_on;
      }
    } else {
      this.from = today();
      this.lastDay = '';
    }
  }

  private covered(d: Department): boolean {
    return this.caps.covers('grants.write', `department:${d.code}`, this.tree ?? undefined);
  }

  private treeItems(departments: Department[]): unknown {
    return departments.map((d) => html`<sl-tree-item data-code=${d.code} ?selected=${this.department === d.code} expanded>
      ${d.code} — ${d.name}${this.treeItems(this.tree!.children(d.code))}</sl-tree-item>`);
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => String((form.querySelector(`[name=${name}]`) as HTMLInputElement | null)?.value ?? '').trim();
    let scope = 'global';
    if (this.kind === 'department') {
      if (!this.department) {
        this.error = new Error('Choose a department in the tree.');
        return;
      }
      scope = `department:${this.department}`;
    } else if (this.kind === 'offering') {
      scope = `offering:${value('offering')}`;
    }
    const body = {
      role: value('role'), scope, reason: value('reason') || undefined,
      valid_from: startOfDay(value('valid_from')), valid_until: value('last_day') ? startOfDay(dayAfter(value('last_day'))) : undefined,
    };
    this.busy = true;
    this.error = null;
    try {
      const grant = await api.post(`/v1/users/${this.user.id}/grants`, body);
      wrote(grant);
      (this.renderRoot.querySelector('sl-dialog') as any).hide();
      this.dispatchEvent(new CustomEvent('granted', { detail: grant, bubbles: true, composed: true }));
    } catch (e) {
      this.error = e;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const global = this.caps?.global('grants.write');
    const roots = this.tree ? this.tree.departments.filter((d) => this.covered(d) && !(d.parent && this.tree!.byCode.has(d.parent) && this.covered(this.tree!.byCode.get(d.parent)!))) : [];
    return html`<sl-dialog label=${`Grant a role to ${this.user?.username ?? ''}`}>
      <form @submit=${this.submit} id="grant-form">
        <sl-select name="role" label="Role" required placeholder="Choose a role" hoist>
          ${this.roles.map((r) => html`<sl-option value=${r.name}>${r.name}${r.description ? ` — ${r.description}` : ''}</sl-option>`)}
        </sl-select>
        <sl-radio-group name="kind" label="Scope" .value=${this.kind} @sl-change=${(e: Event) => this.pickKind((e.target as any).value)}>
          <sl-radio-button value="offering">A course offering</sl-radio-button>
          <sl-radio-button value="department">A department</sl-radio-button>
          ${global ? html`<sl-radio-button value="global">Everywhere</sl-radio-button>` : nothing}
        </sl-radio-group>
        ${this.kind === 'offering' ? html`<div class="row">
            <sl-select name="term" label="Term" .value=${this.term} hoist @sl-change=${(e: Event) => this.pickTerm((e.target as any).value)}>
              ${this.terms.map((t) => html`<sl-option value=${t.code}>${t.name} (${t.starts_on} – ${t.ends_on})</sl-option>`)}
            </sl-select>
            <sl-select class="grow" name="offering" label="Offering" required hoist placeholder=${this.offerings.length ? 'Choose a course' : 'No offerings you may grant in'}>
              ${this.offerings.map((o) => html`<sl-option value=${o.id}>${o.course}</sl-option>`)}
            </sl-select>
          </div>` : nothing}
        ${this.kind === 'department' ? html`<div><div class="tree-label" id="tree-label">Department</div>
            <sl-tree selection="single" aria-labelledby="tree-label" @sl-selection-change=${(e: CustomEvent) => (this.department = e.detail.selection[0]?.dataset.code ?? '')}>
              ${this.treeItems(roots)}
            </sl-tree></div>` : nothing}
        <div class="row">
          <sl-input type="date" name="valid_from" label="First day" .value=${this.from} help-text="UTC, from 00:00"></sl-input>
          <sl-input type="date" name="last_day" label="Last day" .value=${this.lastDay} help-text="Inclusive; empty: no end"></sl-input>
        </div>
        <sl-input name="reason" label="Reason" help-text="Kept in the audit log" maxlength="500"></sl-input>
        <provost-problem .error=${this.error}></provost-problem>
      </form>
      <sl-button slot="footer" @click=${() => (this.renderRoot.querySelector('sl-dialog') as any).hide()}>Cancel</sl-button>
      <sl-button slot="footer" variant="primary" ?loading=${this.busy}
        @click=${() => (this.renderRoot.querySelector('#grant-form') as HTMLFormElement).requestSubmit()}>Grant</sl-button>
    </sl-dialog>`;
  }
}

customElements.define('provost-grant-dialog', GrantDialog);
