import { html } from 'lit';
import { Page } from '../parts/page.js';
import { href } from '../router.js';
import { window as grantWindow } from '../format.js';
import { permissionsByScope } from '../parts/permissions-by-scope.js';

/** Home: who you are, your grants and what they let you do, and the tasks you can start. */
export class HomePage extends Page {
  override render() {
    const me = this.caps.me;
    const tasks = [
      { show: this.caps.anywhere('users.read'), path: 'users', title: 'Find a person', text: 'Search users, see their grants and sessions, grant or revoke roles.' },
      { show: true, path: 'check', title: 'Check access', text: 'May this person do this here? Ask the same check campus applications ask.' },
      { show: this.caps.global('imports.run'), path: 'imports', title: 'Import from the SIS', text: 'Upload a CSV, review the dry run, apply it.' },
      { show: this.caps.global('audit.read'), path: 'audit', title: 'Audit log', text: 'Who changed what, and when.' },
      { show: this.caps.anywhere('access.review'), path: 'access-review', title: 'Access review', text: 'Who held a permission on a resource at an instant, and through which grant.' },
      { show: this.caps.global('clients.write'), path: 'clients', title: 'API clients', text: 'Keys for campus applications: create, rotate, revoke.' },
    ].filter((t) => t.show);
    return html`
      <h1>Welcome, ${me.user.display_name || me.user.username}</h1>
      <section aria-labelledby="tasks"><h2 id="tasks">What you can do here</h2>
        <div class="cards">${tasks.map((t) => html`<sl-card><strong><a href=${href(t.path)}>${t.title}</a></strong><p class="muted">${t.text}</p></sl-card>`)}</div>
      </section>
      <section aria-labelledby="mine"><h2 id="mine">Your grants</h2>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">Role</th><th scope="col">Scope</th><th scope="col">Window</th></tr></thead>
          <tbody>${me.grants.map((g) => html`<tr><td>${g.role}</td><td><code>${g.scope}</code></td><td>${grantWindow(g.valid_from, g.valid_until)}</td></tr>`)}</tbody>
        </table></div>
      </section>
      <section aria-labelledby="perms"><h2 id="perms">Your effective permissions</h2>
        ${permissionsByScope(me.permissions, 'What your current grants let you do, by scope')}
      </section>`;
  }
}

customElements.define('provost-home', HomePage);
