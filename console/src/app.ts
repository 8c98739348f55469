import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import { api, whenSignedOut, Problem } from './api.js';
import { Capabilities, forgetCaches, type Me } from './session.js';
import { current, href, interceptLinks, navigate, onNavigate, type Location } from './router.js';
import type { Page } from './parts/page.js';
import './pages/login.js';
import './pages/home.js';
import './pages/users.js';
import './pages/user.js';
import './pages/roles.js';
import './pages/directory.js';
import './pages/imports.js';
import './pages/audit.js';
import './pages/access-review.js';
import './pages/clients.js';
import './pages/account.js';
import './pages/check.js';

interface NavItem { page: string; label: string; icon: string; show: (c: Capabilities) => boolean }

/** The navigation, each item shown only to people who may use it (the server enforces it regardless). */
const NAV: NavItem[] = [
  { page: '', label: 'Home', icon: 'house', show: () => true },
  { page: 'users', label: 'Users', icon: 'people', show: (c) => c.anywhere('users.read') },
  { page: 'check', label: 'Check access', icon: 'check2-circle', show: () => true },
  { page: 'roles', label: 'Roles & permissions', icon: 'shield-lock', show: () => true },
  { page: 'directory', label: 'Directory', icon: 'diagram-3', show: () => true },
  { page: 'imports', label: 'SIS import', icon: 'upload', show: (c) => c.global('imports.run') },
  { page: 'audit', label: 'Audit log', icon: 'journal-text', show: (c) => c.global('audit.read') },
  { page: 'access-review', label: 'Access review', icon: 'clipboard-check', show: (c) => c.anywhere('access.review') },
  { page: 'clients', label: 'API clients', icon: 'key', show: (c) => c.global('clients.write') },
];

const PAGES: Record<string, string> = {
  '': 'provost-home', users: 'provost-users', check: 'provost-check', roles: 'provost-roles',
  directory: 'provost-directory', imports: 'provost-imports', audit: 'provost-audit',
  'access-review': 'provost-access-review', clients: 'provost-clients', account: 'provost-account',
};

/** The console: sign-in when signed out, else the header, the navigation and the current page. */
export class ProvostApp extends LitElement {
  static override properties = { state: { state: true }, caps: { state: true }, location: { state: true } };
  declare state: 'loading' | 'signed-out' | 'signed-in' | 'unreachable';
  declare caps: Capabilities | null;
  declare location: Location;
  private loadError: unknown = null;

  static override styles = css`
    :host { display: block; min-height: 100vh; }
    .skip { position: absolute; left: -999px; top: 0; background: var(--sl-color-neutral-0); padding: var(--sl-spacing-small); z-index: 10; }
    .skip:focus { left: var(--sl-spacing-small); }
    header { display: flex; align-items: center; justify-content: space-between; gap: var(--sl-spacing-medium);
      background: var(--sl-color-primary-800); color: var(--sl-color-neutral-0); padding: var(--sl-spacing-small) var(--sl-spacing-large); }
    header .brand { font-weight: var(--sl-font-weight-bold); font-size: var(--sl-font-size-large); color: inherit; text-decoration: none; }
    header .who { display: flex; align-items: center; gap: var(--sl-spacing-small); }
    .layout { display: grid; grid-template-columns: 15rem 1fr; min-height: calc(100vh - 3.5rem); }
    nav { background: var(--sl-color-neutral-0); border-right: 1px solid var(--sl-color-neutral-200); padding: var(--sl-spacing-medium) 0; }
    nav ul { list-style: none; margin: 0; padding: 0; }
    nav a { display: flex; align-items: center; gap: var(--sl-spacing-small); padding: var(--sl-spacing-x-small) var(--sl-spacing-large);
      color: var(--sl-color-neutral-800); text-decoration: none; border-left: 3px solid transparent; }
    nav a:hover { background: var(--sl-color-neutral-100); }
    nav a:focus-visible { outline: var(--sl-focus-ring); outline-offset: -3px; }
    nav a[aria-current='page'] { border-left-color: var(--sl-color-primary-600); background: var(--sl-color-primary-50); color: var(--sl-color-primary-800); font-weight: var(--sl-font-weight-semibold); }
    main { padding: var(--sl-spacing-large) var(--sl-spacing-2x-large); max-width: 80rem; }
    main:focus { outline: none; }
    .center { display: grid; place-items: center; min-height: 60vh; }
    @media (max-width: 48rem) { .layout { grid-template-columns: 1fr; } nav { border-right: 0; border-bottom: 1px solid var(--sl-color-neutral-200); } }
  `;

  constructor() {
    super();
    this.state = 'loading';
    this.caps = null;
    this.location = current();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    interceptLinks();
    onNavigate(() => {
      this.location = current();
      void this.focusPage();
    });
    whenSignedOut(() => {
      this.caps = null;
      this.state = 'signed-out';
    });
    void this.loadMe();
  }

  /** Reads GET /v1/me: who is signed in and what they may do. */
  async loadMe(): Promise<void> {
    try {
      const me: Me = await api.get('/v1/me');
      this.caps = new Capabilities(me);
      this.state = 'signed-in';
    } catch (e) {
      if (e instanceof Problem && e.status === 401) {
        this.state = 'signed-out';
      } else {
        this.loadError = e;
        this.state = 'unreachable';
      }
    }
  }

  private async focusPage(): Promise<void> {
    await this.updateComplete;
    const page = this.renderRoot.querySelector('main > *') as Page | null;
    if (page && typeof page.focusHeading === 'function') {
      await page.focusHeading();
    } else if (page instanceof HTMLHeadingElement) {
      page.setAttribute('tabindex', '-1');
      page.focus();
    }
  }

  private async signedIn(): Promise<void> {
    forgetCaches();
    await this.loadMe();
    void this.focusPage();
  }

  private async signOut(): Promise<void> {
    try {
      await api.delete('/v1/sessions/current');
    } catch {
      // already gone: signed out either way
    }
    forgetCaches();
    this.caps = null;
    this.state = 'signed-out';
    navigate('', true);
  }

  override render(): TemplateResult {
    if (this.state === 'loading') return html`<div class="center" role="status"><sl-spinner></sl-spinner><span>Loading…</span></div>`;
    if (this.state === 'unreachable') {
      return html`<main class="center"><div><h1>Provost is not answering</h1><provost-problem .error=${this.loadError}></provost-problem>
        <sl-button @click=${() => this.loadMe()}>Try again</sl-button></div></main>`;
    }
    if (this.state === 'signed-out' || !this.caps) {
      return html`<main id="main"><provost-login @signed-in=${() => this.signedIn()}></provost-login></main>`;
    }
    const caps = this.caps;
    const user = caps.me.user;
    return html`
      <a class="skip" href="#main" @click=${(e: Event) => { e.preventDefault(); void this.focusPage(); }}>Skip to content</a>
      <header>
        <a class="brand" href=${href('')}>Provost</a>
        <div class="who">
          <span>Signed in as <strong>${user.display_name || user.username}</strong> (${user.username})</span>
          <sl-button size="small" href=${href('account')}>Change password</sl-button>
          <sl-button size="small" variant="default" @click=${() => this.signOut()}>
            <sl-icon slot="prefix" name="box-arrow-right"></sl-icon>Sign out</sl-button>
        </div>
      </header>
      <div class="layout">
        <nav aria-label="Console">
          <ul>
            ${NAV.filter((n) => n.show(caps)).map((n) => html`<li><a href=${href(n.page)}
              aria-current=${this.location.page === n.page || (n.page === 'users' && this.location.page === 'users') ? 'page' : nothing}>
              <sl-icon name=${n.icon} aria-hidden="true"></sl-icon>${n.label}</a></li>`)}
          </ul>
        </nav>
        <main id="main" tabindex="-1">${this.page(caps)}</main>
      </div>`;
  }

  private pageKey = '';
  private pageEl: Page | null = null;

  private page(caps: Capabilities): TemplateResult {
    const { page, params } = this.location;
    const tag = page === 'users' && params.length > 0 ? 'provost-user' : PAGES[page];
    if (!tag) return html`<h1>Not found</h1><p>There is no console page at this address. <a href=${href('')}>Home</a></p>`;
    const item = NAV.find((n) => n.page === page);
    if (item && !item.show(caps)) {
      // reached by address: the page's work needs rights this person lacks (the server would refuse it too)
      return html`<h1>${item.label}</h1><sl-alert variant="neutral" open>Your grants do not allow this page. <a href=${href('')}>Home</a></sl-alert>`;
    }
    // one element per address: a page loads its data when it is connected, and keeps it while the app re-renders
    const key = window.location.pathname + window.location.search;
    if (key !== this.pageKey || !this.pageEl) {
      const el = document.createElement(tag) as Page;
      el.location = this.location;
      el.addEventListener('me-changed', () => void this.loadMe());
      this.pageEl = el;
      this.pageKey = key;
    }
    this.pageEl.caps = caps;
    return html`${this.pageEl}`;
  }
}

customElements.define('provost-app', ProvostApp);
