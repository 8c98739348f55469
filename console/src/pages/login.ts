import { LitElement, html, css } from 'lit';
import { api } from '../api.js';
import { shared } from '../styles.js';

/**
 * Sign-in: POST /v1/sessions with "cookie": true. The server sets the session as an HttpOnly cookie and
 * answers without the token, so the page's script never holds it.
 */
export class LoginPage extends LitElement {
  static override properties = { error: { state: true }, busy: { state: true } };
  declare error: unknown;
  declare busy: boolean;

  static override styles = [shared, css`
    :host { display: grid; place-items: center; min-height: 100vh; }
    sl-card { width: min(26rem, 92vw); }
    form > * + * { margin-top: var(--sl-spacing-medium); }
    .brand { font-size: var(--sl-font-size-large); font-weight: var(--sl-font-weight-bold); color: var(--sl-color-primary-700); margin: 0; }
  `];

  constructor() {
    super();
    this.error = null;
    this.busy = false;
  }

  override async firstUpdated(): Promise<void> {
    const first = this.renderRoot.querySelector('sl-input') as (HTMLElement & { updateComplete: Promise<unknown> }) | null;
    if (first) {
      await first.updateComplete; // its inner input exists only once it has rendered
      first.focus();
    }
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const login = (form.querySelector('[name=login]') as HTMLInputElement).value.trim();
    const password = (form.querySelector('[name=password]') as HTMLInputElement).value;
    this.busy = true;
    this.error = null;
    try {
      const body = login.includes('@') ? { email: login, password, cookie: true } : { username: login, password, cookie: true };
      await api.post('/v1/sessions', body);
      this.dispatchEvent(new CustomEvent('signed-in', { bubbles: true, composed: true }));
    } catch (e) {
      this.error = e;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<sl-card>
      <p class="brand" slot="header">Provost</p>
      <h1>Sign in</h1>
      <form @submit=${this.submit}>
        <sl-input name="login" label="Username or email" autocomplete="username" required></sl-input>
        <sl-input name="password" type="password" label="Password" autocomplete="current-password" password-toggle required></sl-input>
        <provost-problem .error=${this.error}></provost-problem>
        <sl-button type="submit" variant="primary" ?loading=${this.busy}>Sign in</sl-button>
      </form>
    </sl-card>`;
  }
}

customElements.define('provost-login', LoginPage);
