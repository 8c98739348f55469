import { LitElement } from 'lit';
import { shared } from '../styles.js';
import type { Capabilities } from '../session.js';
import type { Location } from '../router.js';

/**
 * A page of the console: gets the signed-in person's capabilities and the location from the app, and its
 * heading takes the focus when it is shown (screen readers announce the new page).
 */
export class Page extends LitElement {
  static override properties = { caps: { attribute: false }, location: { attribute: false } };
  static override styles = [shared];
  declare caps: Capabilities;
  declare location: Location;

  /** Moves the focus to the page's heading. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    const h1 = this.renderRoot.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus();
    }
  }
}
