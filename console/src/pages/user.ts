import { html, nothing } from 'lit';
import { Page } from '../parts/page.js';
import { api, query, Problem } from '../api.js';
import { courseDepartments, departmentTree, wrote, type Tree, type User } from '../session.js';
import { current, instant, when, window as grantWindow } from '../format.js';
import { href } from '../router.js';
import { permissionsByScope } from '../parts/permissions-by-scope.js';
import '../parts/grant-dialog.js';
import '../parts/check-tool.js';
import type { GrantDialog } from '../parts/grant-dialog.js';

interface Grant { id: number; role: string; scope: string; valid_from: string | null; valid_until: string | null; reason: string | null; granted_by: number | null; revision: number }
interface Session { id: number; created_at: string; last_seen_at: string; expires_at: string; current: boolean }
interface Event { id: number; at: string; actor: string; action: string; target: string; before: unknown; after: unknown }

/**
 * One person: profile, grants with their windows (grant, revoke), effective permissions by scope, sessions
 * (end them), the audit trail, and a check tool that shows a grant's effect at once. Each part loads on its
 * own, and a part the signed-in person may not read says so instead of failing the page.
 */
export class UserPage extends Page {
  static override properties = {
    ...Page.properties, userId: {}, user: { state: true }, grants: { state: true }, sessions: { state: true },
    events: { state: true }, effective: { state: true }, errors: { state: true }, notice: { state: true }, tree: { state: true },
  };
  declare userId: string;
  declare user: User | null;
  declare grants: Grant[] | null;
  declare sessions: Session[] | null;
  declare events: Event[] | null;
  declare effective: { permission: string; scope: string }[] | null;
  /** Where the effective permissions come from: the server's access answer, or the grants and roles. */
  private effectiveFrom: 'server' | 'grants' = 'grants';
  declare errors: Record<string, unknown>;
  declare notice: string;
  declare tree: Tree | null;
  /** A permission and scope the person holds that the signed-in person does not: they may not act on them. */
  private outranked: string | null = null;
  private courseDepts = new Map<string, string>();

  constructor() {
    super();
    this.user = null;
    this.grants = null;
    this.sessions = null;
    this.events = null;
    this.effective = null;
    this.errors = {};
    this.notice = '';
    this.tree = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.userId = this.location.params[0];
    void this.loadAll();
  }

  private fail(part: string, e: unknown): void {
    this.errors = { ...this.errors, [part]: e };
  }

  private async loadAll(): Promise<void> {
    this.tree = await departmentTree().catch(() => null);

    try {
      this.user = await api.get(`/v1/users/${encodeURIComponent(this.userId)}`);
    } catch (e) {
      this.fail('user', e);
      return;
    }
    await Promise.all([this.loadGrants(), this.loadSessions(), this.loadAudit()]);
  }

  /**
   * Grants, effective permissions and whether the person outranks the viewer, computed first and shown
   * together: a render between them would offer, for a moment, buttons that domination forbids.
   */
  private async loadGrants(): Promise<void> {
    try {
      const [listed, roles] = await Promise.all([api.get(`/v1/users/${this.userId}/grants`), api.get('/v1/roles')]);
      const grants: Grant[] = listed.items;
      if (grants.some((g) => g.scope.startsWith('offering:'))) {
        // an offering is covered by grants on its course's department: which one that is, the catalogue says
        this.courseDepts = await courseDepartments().catch(() => new Map());
      }
      const byRole = new Map<string, string[]>(roles.items.map((r: any) => [r.name, r.effective_permissions]));
      const seen = new Set<string>();
      let effective: { permission: string; scope: string }[] = [];
      for (const g of grants) {
        if (!current(g.valid_from, g.valid_until) || !this.user?.active) continue;
        for (const p of byRole.get(g.role) ?? []) {
          const key = `${p} ${g.scope}`;
          if (!seen.has(key)) {
            seen.add(key);
            effective.push({ permission: p, scope: g.scope });
          }
        }
      }
      let from: 'server' | 'grants' = 'grants';
      // where the server can say it itself (GET /v1/users/{id}/access, access.review), its answer is shown
      try {
        const access = await api.get(`/v1/users/${this.userId}/access`);
        effective = access.permissions.map((p: { permission: string; scope: string }) => ({ permission: p.permission, scope: p.scope }));
        from = 'server';
      } catch {
        // no such route on this server, or no access.review here: the grants above are the source
      }
      // domination (docs/SECURITY.md): every permission of every grant not yet ended, held here in that scope or above
      let outranked: string | null = null;
      for (const g of grants) {
        if (g.valid_until && Date.parse(g.valid_until) <= Date.now()) continue;
        const dept = g.scope.startsWith('offering:') ? this.courseDepts.get(g.scope.slice(9).split('/')[0]) : null;
        const missing = (byRole.get(g.role) ?? []).find((p) => !this.caps.covers(p, g.scope, this.tree ?? undefined, dept));
        if (missing) {
          outranked = `${missing} on ${g.scope}`;
          break;
        }
      }
      this.outranked = outranked;
      this.effectiveFrom = from;
      this.effective = effective;
      this.grants = grants;
    } catch (e) {
      this.fail('grants', e);
    }
  }


  private async loadSessions(): Promise<void> {
    try {
      this.sessions = (await api.get(`/v1/users/${this.userId}/sessions`)).items;
    } catch (e) {
      this.fail('sessions', e);
    }
  }

  private async loadAudit(): Promise<void> {
    if (!this.caps.global('audit.read')) return;
    try {
      // the newest events about this person: the log is ascending by id, so page to its end (bounded)
      let after = '';
      let items: Event[] = [];
      for (let i = 0; i < 20; i++) {
        const page = await api.get(`/v1/audit${query({ target: `user:${this.userId}`, limit: 200, after })}`);
        items = items.concat(page.items).slice(-200);
        if (!page.has_more) break;
        after = page.next;
      }
      this.events = items.reverse();
    } catch (e) {
      this.fail('audit', e);
    }
  }

  private mayWrite(): boolean {
    const u = this.user;
    if (!u || this.outranked || this.grants === null) return false;
    return this.caps.covers('users.write', u.department ? `department:${u.department}` : 'global', this.tree ?? undefined);
  }

  private mayRevoke(g: Grant): boolean {
    if (this.user?.id === this.caps.me.user.id || this.outranked) return false;
    const courseDept = g.scope.startsWith('offering:') ? this.courseDepts.get(g.scope.slice(9).split('/')[0]) : null;
    return this.caps.covers('grants.write', g.scope, this.tree ?? undefined, courseDept);
  }

  private async revoke(g: Grant): Promise<void> {
    this.errors = { ...this.errors, revoke: null };
    try {
      const result = await api.delete(`/v1/grants/${g.id}`);
      wrote(result);
      this.notice = `Revoked ${g.role} on ${g.scope}.`;
      await this.loadGrants();
    } catch (e) {
      this.fail('revoke', e);
    }
  }

  private async endSession(s: Session): Promise<void> {
    try {
      wrote(await api.delete(`/v1/users/${this.userId}/sessions/${s.id}`));
      this.notice = `The session started ${when(s.created_at)} has ended.`;
      await this.loadSessions();
    } catch (e) {
      this.fail('sessions-end', e);
    }
  }

  private async endSessions(): Promise<void> {
    try {
      wrote(await api.delete(`/v1/users/${this.userId}/sessions`));
      this.notice = 'Every session of this person has ended.';
      await this.loadSessions();
    } catch (e) {
      this.fail('sessions-end', e);
    }
  }

  private async saveProfile(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => (form.querySelector(`[name=${name}]`) as any)?.value;
    const u = this.user!;
    const change: Record<string, unknown> = {};
    const fields: [string, unknown][] = [['display_name', value('display_name')], ['email', value('email')], ['type', value('type')],
      ['department', value('department') || null], ['verified', (form.querySelector('[name=verified]') as any).checked]];
    for (const [k, v] of fields) if ((u as any)[k] !== v && !(v === '' && (u as any)[k] === null)) change[k] = v;
    this.errors = { ...this.errors, profile: null };
    if (Object.keys(change).length === 0) {
      this.notice = 'Nothing changed.';
      return;
    }
    try {
      this.user = await api.patch(`/v1/users/${u.id}`, change);
      wrote(this.user);
      this.notice = 'Profile saved.';
    } catch (e) {
      this.fail('profile', e);
    }
  }

  private async setActive(active: boolean): Promise<void> {
    try {
      this.user = active ? await api.patch(`/v1/users/${this.userId}`, { active: true }) : (await api.delete(`/v1/users/${this.userId}`)) ?? this.user;
      if (!active) this.user = await api.get(`/v1/users/${this.userId}`);
      this.notice = active ? 'Reactivated.' : 'Deactivated; their sessions have ended.';
      await Promise.all([this.loadGrants(), this.loadSessions()]);
    } catch (e) {
      this.fail('profile', e);
    }
  }

  private section(part: string, body: () => unknown): unknown {
    const e = this.errors[part];
    if (e instanceof Problem && e.status === 403) return html`<p class="muted">You may not see this part (${e.code || 'forbidden'}).</p>`;
    if (e) return html`<provost-problem .error=${e}></provost-problem>`;
    return body();
  }

  override render() {
    if (this.errors.user) return html`<h1>User ${this.userId}</h1><provost-problem .error=${this.errors.user}></provost-problem>`;
    const u = this.user;
    if (!u) return html`<h1>User ${this.userId}</h1><sl-spinner></sl-spinner>`;
    const writable = this.mayWrite() && u.id !== this.caps.me.user.id;
    const mayGrant = this.caps.anywhere('grants.write') && u.id !== this.caps.me.user.id && u.active && !this.outranked && this.grants !== null;
    const lastScope = this.grants?.length ? this.grants[this.grants.length - 1].scope : 'global';
    return html`
      <p><a href=${href('users')}>← Users</a></p>
      <h1>${u.display_name || u.username} <span class="muted">(${u.username})</span></h1>
      ${u.active ? nothing : html`<sl-alert variant="neutral" open>This account is deactivated: it holds nothing and cannot sign in.</sl-alert>`}
      ${this.outranked && u.id !== this.caps.me.user.id ? html`<sl-alert variant="neutral" open><sl-icon slot="icon" name="lock"></sl-icon>
        This person holds more than you do (<code>${this.outranked}</code>), so you may not change their account or grants.</sl-alert>` : nothing}
      <div role="status" aria-live="polite">${this.notice ? html`<sl-alert variant="success" open closable @sl-after-hide=${() => (this.notice = '')}>${this.notice}</sl-alert>` : nothing}</div>

      <section aria-labelledby="profile"><h2 id="profile">Profile</h2>
        ${writable ? html`<form @submit=${this.saveProfile} aria-labelledby="profile">
            <div class="row">
              <sl-input name="display_name" label="Display name" .value=${u.display_name ?? ''}></sl-input>
              <sl-input class="grow" name="email" type="email" label="Email" .value=${u.email} required></sl-input>
              <sl-select name="type" label="Type" .value=${u.type}>${['student', 'faculty', 'staff', 'affiliate'].map((t) => html`<sl-option value=${t}>${t}</sl-option>`)}</sl-select>
              <sl-select name="department" label="Department" .value=${u.department ?? ''} placeholder="None" clearable>
                ${(this.tree?.departments ?? []).map((d) => html`<sl-option value=${d.code}>${d.code}</sl-option>`)}</sl-select>
              <sl-checkbox name="verified" ?checked=${u.verified}>Verified</sl-checkbox>
            </div>
            <div class="actions">
              <sl-button type="submit" variant="primary">Save profile</sl-button>
              ${u.active ? html`<sl-button variant="danger" outline @click=${() => this.setActive(false)}>Deactivate</sl-button>`
                : html`<sl-button @click=${() => this.setActive(true)}>Reactivate</sl-button>`}
            </div>
            <provost-problem .error=${this.errors.profile}></provost-problem>
          </form>`
        : html`<dl class="facts">
            <dt>Username</dt><dd>${u.username}</dd><dt>Email</dt><dd>${u.email}</dd><dt>Type</dt><dd>${u.type}</dd>
            <dt>Department</dt><dd>${u.department ?? '—'}</dd><dt>Verified</dt><dd>${u.verified ? 'yes' : 'no'}</dd></dl>`}
        <dl class="facts"><dt>Id</dt><dd>${u.id}</dd><dt>SIS id</dt><dd>${u.external_id ?? '—'}</dd>
          <dt>Created</dt><dd>${when(u.created_at)}</dd><dt>Updated</dt><dd>${when(u.updated_at)}</dd></dl>
      </section>

      <section aria-labelledby="grants"><h2 id="grants">Grants</h2>
        ${mayGrant ? html`<sl-button variant="primary" @click=${() => (this.renderRoot.querySelector('provost-grant-dialog') as GrantDialog).show()}>
          <sl-icon slot="prefix" name="plus-lg"></sl-icon>Grant a role</sl-button>
          <provost-grant-dialog .user=${u} .caps=${this.caps} @granted=${(e: CustomEvent) => { this.notice = `Granted ${e.detail.role} on ${e.detail.scope}.`; void this.loadGrants(); }}></provost-grant-dialog>` : nothing}
        <provost-problem .error=${this.errors.revoke}></provost-problem>
        ${this.section('grants', () => this.grants === null ? html`<sl-spinner></sl-spinner>` : html`<div class="table-wrap"><table>
          <caption>${this.grants.length} grant${this.grants.length === 1 ? '' : 's'}, current or not</caption>
          <thead><tr><th scope="col">Role</th><th scope="col">Scope</th><th scope="col">Window</th><th scope="col">Now</th><th scope="col">Reason</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${this.grants.map((g) => html`<tr data-grant=${g.id}>
            <td>${g.role}</td><td><code>${g.scope}</code></td><td>${grantWindow(g.valid_from, g.valid_until)}</td>
            <td>${current(g.valid_from, g.valid_until) ? html`<sl-badge variant="success">current</sl-badge>` : html`<sl-badge variant="neutral">not current</sl-badge>`}</td>
            <td>${g.reason ?? ''}</td>
            <td>${this.mayRevoke(g) ? html`<sl-button size="small" variant="danger" outline @click=${() => this.revoke(g)}>Revoke<span
              class="visually-hidden"> ${g.role} on ${g.scope}</span></sl-button>` : nothing}</td></tr>`)}</tbody></table></div>`)}
      </section>

      <section aria-labelledby="effective"><h2 id="effective">Effective permissions</h2>
        ${this.effective ? permissionsByScope(this.effective, this.effectiveFrom === 'server'
          ? 'What this person may do now, by scope, as the server answers it (a department covers its sub-departments, courses and offerings)'
          : 'What this person may do now, by scope, from their current grants and the roles\' effective permissions (a department covers its sub-departments, courses and offerings)') : nothing}
      </section>

      ${this.caps.anywhere('authz.check') ? html`<section aria-labelledby="check"><h2 id="check">Check access</h2>
        <sl-card><provost-check-tool fixed-subject .subject=${String(u.id)} .resource=${lastScope} permission="grades.write"></provost-check-tool></sl-card></section>` : nothing}

      <section aria-labelledby="sessions"><h2 id="sessions">Sessions</h2>
        ${this.section('sessions', () => this.sessions === null ? html`<sl-spinner></sl-spinner>` : html`
          <div class="table-wrap"><table><caption>${this.sessions.length} session${this.sessions.length === 1 ? '' : 's'} not ended</caption>
            <thead><tr><th scope="col">Started</th><th scope="col">Last seen</th><th scope="col">Expires</th>${writable || u.id === this.caps.me.user.id ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
            <tbody>${this.sessions.map((s) => html`<tr><td>${when(s.created_at)}${s.current ? ' (this one)' : ''}</td><td>${when(s.last_seen_at)}</td><td>${when(s.expires_at)}</td>${writable || u.id === this.caps.me.user.id ? html`<td><sl-button size="small" variant="danger" outline @click=${() => this.endSession(s)}>End<span class="visually-hidden"> the session started ${when(s.created_at)}</span></sl-button></td>` : nothing}</tr>`)}</tbody>
          </table></div>
          ${this.sessions.length && (writable || u.id === this.caps.me.user.id) ? html`<p><sl-button variant="danger" outline @click=${() => this.endSessions()}>End every session</sl-button></p>` : nothing}
          <provost-problem .error=${this.errors['sessions-end']}></provost-problem>`)}
      </section>

      ${this.caps.global('audit.read') ? html`<section aria-labelledby="trail"><h2 id="trail">Audit trail</h2>
        ${this.section('audit', () => this.events === null ? html`<sl-spinner></sl-spinner>` : html`<div class="table-wrap"><table>
          <caption>The latest ${this.events.length} events about this person, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
          <tbody>${this.events.map((e) => html`<tr><td>${instant(e.at)}</td><td>${e.actor}</td><td>${e.action}</td>
            <td><sl-details summary="Before and after"><pre>${JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre></sl-details></td></tr>`)}</tbody>
        </table></div>`)}</section>` : nothing}`;
  }
}

customElements.define('provost-user', UserPage);
