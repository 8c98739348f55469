import { html } from 'lit';
import { Page } from '../parts/page.js';
import '../parts/check-tool.js';

/** Check access: the question campus applications ask, for anyone (authz.check) or oneself. */
export class CheckPage extends Page {
  override render() {
    const anyone = this.caps.anywhere('authz.check');
    return html`<h1>Check access</h1>
      <p class="muted">${anyone ? 'May this person do this here, now? The answer comes from the same index campus applications ask.'
        : 'You may ask about yourself: may you do this here, now?'}</p>
      <sl-card><provost-check-tool .subject=${anyone ? '' : this.caps.me.user.username} ?fixed-subject=${!anyone}></provost-check-tool></sl-card>`;
  }
}

customElements.define('provost-check', CheckPage);
