import { LitElement, html, css, nothing } from 'lit';
import { Problem } from '../api.js';

/**
 * Shows what the server answered when it refused: status, machine code, detail, and each field's reason,
 * exactly as the problem JSON says (the server's rules, e.g. 403 cannot_delegate, are the message).
 */
export class ProblemView extends LitElement {
  static override properties = { error: { attribute: false } };
  declare error: unknown;

  static override styles = css`
    :host { display: block; }
    ul { margin: var(--sl-spacing-x-small) 0 0; padding-left: var(--sl-spacing-large); }
    code { font-family: var(--sl-font-mono); }
    strong { display: block; }
  `;

  override render() {
    const e = this.error;
    if (!e) return nothing;
    if (e instanceof Problem) {
      return html`<sl-alert variant=${e.status >= 500 ? 'warning' : 'danger'} open>
        <sl-icon slot="icon" name="x-octagon"></sl-icon>
        <strong>${title(e)} <span>(HTTP ${e.status}${e.code ? html`, <code>${e.code}</code>` : nothing})</span></strong>
        ${e.detail}
        ${e.errors.length
          ? html`<ul aria-label="Problems by field">${e.errors.slice(0, 200).map((x) => html`<li><code>${x.field}</code>: ${x.reason}</li>`)}</ul>
            ${e.errors.length > 200 ? html`<p>… and ${e.errors.length - 200} more</p>` : nothing}`
          : nothing}
      </sl-alert>`;
    }
    return html`<sl-alert variant="warning" open><sl-icon slot="icon" name="exclamation-triangle"></sl-icon>
      <strong>The request did not reach Provost</strong>${String((e as Error)?.message ?? e)}</sl-alert>`;
  }
}

function title(e: Problem): string {
  switch (e.status) {
    case 400: return 'Provost refused the input';
    case 401: return 'Not signed in';
    case 403: return 'Not allowed';
    case 404: return 'Not found';
    case 409: return 'Conflict';
    case 413: return 'Too large';
    case 429: return 'Too many attempts';
    default: return String(e.body.title ?? 'Refused');
  }
}

customElements.define('provost-problem', ProblemView);
