import { html, nothing } from 'lit';
import { Page } from '../parts/page.js';
import { api } from '../api.js';

/** Change one's own password (POST /v1/me/password): needs the current one; every other session ends. */
export class AccountPage extends Page {
  static override properties = { ...Page.properties, error: { state: true }, done: { state: true }, busy: { state: true } };
  declare error: unknown;
  declare done: boolean;
  declare busy: boolean;

  constructor() {
    super();
    this.error = null;
    this.done = false;
    this.busy = false;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = (n: string) => String((form.querySelector(`[name=${n}]`) as any).value);
    this.error = null;
    this.done = false;
    if (v('new_password') !== v('confirm')) {
      this.error = new Error('The new password and its confirmation differ.');
      return;
    }
    this.busy = true;
    try {
      await api.post('/v1/me/password', { current_password: v('current_password'), new_password: v('new_password') });
      this.done = true;
      form.reset();
    } catch (e) {
      this.error = e;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<h1>Change your password</h1>
      <p class="muted">At least 10 characters; not your username or email, nor a common password. Your other sessions end.</p>
      <sl-card><form class="stack" aria-label="Change your password" @submit=${this.submit}>
        <sl-input name="current_password" type="password" label="Current password" autocomplete="current-password" required password-toggle></sl-input>
        <sl-input name="new_password" type="password" label="New password" autocomplete="new-password" minlength="10" required password-toggle></sl-input>
        <sl-input name="confirm" type="password" label="New password again" autocomplete="new-password" required password-toggle></sl-input>
        <provost-problem .error=${this.error}></provost-problem>
        <div role="status">${this.done ? html`<sl-alert variant="success" open>Password changed. Your other sessions have ended.</sl-alert>` : nothing}</div>
        <sl-button type="submit" variant="primary" ?loading=${this.busy}>Change password</sl-button>
      </form></sl-card>`;
  }
}

customElements.define('provost-account', AccountPage);
