// The console's browser tests: Playwright (playwright-core, no browser download) drives the machine's
// headless Chromium against a real Provost and PostgreSQL that ConsoleBrowserTest started and filled.
//
//   PROVOST_URL=http://127.0.0.1:PORT PROVOST_CONSOLE_FIXTURE='{...}' node test/browser.test.mjs
//
// Prints one line per scenario, "RESULT <name> PASS|FAIL|SKIP <detail>", and exits 1 when any failed.
// Screenshots of every main page go to PROVOST_SCREENSHOTS (default ../target/console-screenshots).
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const base = process.env.PROVOST_URL;
const fixture = JSON.parse(process.env.PROVOST_CONSOLE_FIXTURE ?? '{}');
const shots = process.env.PROVOST_SCREENSHOTS ?? new URL('../../target/console-screenshots', import.meta.url).pathname;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const only = process.env.PROVOST_CONSOLE_SCENARIOS ? process.env.PROVOST_CONSOLE_SCENARIOS.split(',') : null;
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
rmSync(shots, { recursive: true, force: true }); // no picture from an earlier run stays
mkdirSync(shots, { recursive: true });

const results = [];
const axeFindings = [];
const cspViolations = [];

class Skip extends Error {}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The API as a client with a bearer token (the admin's, from the fixture): the reference answers. */
async function apiCall(path, { method = 'GET', token = fixture.adminToken, accept = 'application/json', body, headers = {} } = {}) {
  const response = await fetch(base + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), Accept: accept, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* CSV or empty */ }
  return { status: response.status, text, json, headers: response.headers };
}

const profile = mkdtempSync(join(tmpdir(), 'provost-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  viewport: { width: 1280, height: 900 },
  acceptDownloads: true,
});
context.setDefaultTimeout(30_000);
// every Content-Security-Policy violation of any page is recorded (the console must cause none)
await context.addInitScript(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    (window.__cspViolations ??= []).push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
  });
});
const page = context.pages()[0] ?? await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });

async function collectCsp() {
  const found = await page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
  cspViolations.push(...found);
}

async function shot(name) {
  await page.waitForTimeout(300); // let transitions (dialogs, alerts) finish before the picture
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

/** axe-core in the page (evaluated through DevTools, so the page's CSP stays as served): serious or critical violations fail. */
async function axe(name) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  for (const f of found) axeFindings.push(`${name}: ${f}`);
}

async function visit(path, heading) {
  await page.goto(`${base}/admin/${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function signIn(username, password, { keyboard = false } = {}) {
  await page.goto(`${base}/admin/`);
  const login = page.getByLabel('Username or email');
  await login.waitFor();
  if (keyboard) {
    // keyboard only: the username field has the focus, Tab reaches the password, Enter submits
    await page.waitForFunction(() => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a?.tagName === 'INPUT';
    });
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
  } else {
    await login.fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

async function chooseOption(label, option, within = page) {
  await within.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

/** Whether the user page's effective permissions list the permission in the scope. */
async function effective(permission, scope) {
  const row = page.locator(`tr[data-scope="${scope}"]`);
  if (await row.count() === 0) return false;
  return (await row.locator('sl-tag').allTextContents()).map((t) => t.trim()).includes(permission);
}

/** /v1/check as the admin's API client would ask it: the server's own answer. */
async function serverCheck(subject, permission, resource) {
  const r = await apiCall(`/v1/check?subject=${subject}&permission=${permission}&resource=${encodeURIComponent(resource)}`);
  check(r.status === 200, `check answered ${r.status}`);
  return r.json.allowed;
}

/** The check tool: returns 'allowed' or 'denied'. */
async function checkTool(permission, resource) {
  const select = page.getByRole('combobox', { name: 'Permission' });
  await select.click();
  await page.getByRole('option', { name: permission, exact: true }).click();
  await page.getByLabel('Resource').fill(resource);
  const before = await page.locator('[data-check-seq]').getAttribute('data-check-seq', { timeout: 500 }).catch(() => '0');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const result = page.locator(`[data-check-seq="${Number(before) + 1}"]`);
  await result.waitFor();
  const value = await result.getAttribute('data-check-result');
  return value;
}

async function scenario(name, body) {
  if (only && !only.includes(name)) return;
  const started = Date.now();
  try {
    await body();
    await collectCsp();
    results.push([name, 'PASS', `${((Date.now() - started) / 1000).toFixed(1)} s`]);
  } catch (e) {
    if (e instanceof Skip) {
      results.push([name, 'SKIP', e.message]);
    } else {
      results.push([name, 'FAIL', String(e?.stack ?? e).split('\n').slice(0, 6).join(' | ')]);
      await page.screenshot({ path: join(shots, `failed-${name}.png`) }).catch(() => {});
    }
  }
  // every scenario starts signed out
  await page.context().clearCookies();
}

const f = fixture;
const term = f.term; // {code, name, starts_on, ends_on}
const csOffering = `offering:CS101/${term.code}`;
let pastInstant = null; // between the TA grant and its revoke: the access-review scenario asks about it

await scenario('login-and-session-cookie', async () => {
  await page.goto(`${base}/admin/`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await axe('sign-in');
  await shot('sign-in');
  await signIn(f.registrar.username, f.registrar.password, { keyboard: true });
  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === 'provost_session');
  check(session, 'no provost_session cookie after signing in');
  check(session.httpOnly === true, 'the session cookie is not HttpOnly');
  check(session.sameSite === 'Strict', `the session cookie is SameSite=${session.sameSite}`);
  const visible = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, sessionStore: sessionStorage.length }));
  check(!visible.cookie.includes('provost_session') && !visible.cookie.includes(session.value), 'the page script can read the session cookie');
  check(visible.local === 0 && visible.sessionStore === 0, 'the console stored something in web storage');
  // the cookie alone (a cross-site form could send it) is refused without the CSRF header
  const bare = await page.evaluate(async () => { const r = await fetch('/v1/me'); return { status: r.status, body: await r.json() }; });
  check(bare.status === 401 && bare.body.code === 'csrf_header_required', `cookie without the CSRF header answered ${JSON.stringify(bare)}`);
  // the token is nowhere in the page's memory of the sign-in: the answer held no token
  const withHeader = await page.evaluate(async () => (await fetch('/v1/me', { headers: { 'X-Provost-CSRF': '1' } })).status);
  check(withHeader === 200, `cookie with the CSRF header answered ${withHeader}`);
  await shot('home');
  await axe('home');
  // sign out: the cookie goes, and the session it named is over on the server too
  await signOut();
  const after = (await context.cookies(base)).find((c) => c.name === 'provost_session');
  check(!after || after.value === '', 'the session cookie is still set after signing out');
  const replay = await apiCall('/v1/me', { token: null, headers: { Cookie: `provost_session=${session.value}`, 'X-Provost-CSRF': '1' } });
  check(replay.status === 401, `the signed-out session still answers ${replay.status}`);
});

await scenario('registrar-grants-ta-and-revokes', async () => {
  await signIn(f.registrar.username, f.registrar.password);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  await page.getByLabel('Search').fill(f.student.username.slice(0, 4));
  await page.getByRole('button', { name: 'Search' }).click();
  const link = page.getByRole('link', { name: f.student.username, exact: true });
  await link.waitFor();
  await shot('users');
  await axe('users');
  await link.click();
  await page.getByRole('heading', { level: 1, name: new RegExp(f.student.username) }).waitFor();
  await page.getByRole('heading', { name: 'Effective permissions' }).waitFor();
  await page.getByText(/\d+ grants?, current or not/).waitFor();
  // the registrar holds no authz.check: the page's effective permissions are the check it can see
  check(await page.getByRole('heading', { name: 'Check access' }).count() === 0, 'a check tool is offered without authz.check');
  check(!(await effective('grades.write', csOffering)), 'the student may write CS101 grades before any grant');
  check(!(await serverCheck(f.student.id, 'grades.write', csOffering)), 'the server says the student may write CS101 grades before any grant');

  // a grant the delegation rule refuses: the registrar holds no grades.write in MATH
  await page.getByRole('button', { name: 'Grant a role' }).click();
  const dialog = page.getByRole('dialog', { name: /Grant a role/ });
  await dialog.waitFor();
  await chooseOption('Role', /^teaching_assistant/);
  check((await page.getByRole('combobox', { name: 'Term' }).inputValue()).startsWith(term.name), 'the current term is not picked');
  check(await page.getByLabel('First day').inputValue() === term.starts_on, 'the window does not start on the term\'s first day');
  check(await page.getByLabel('Last day').inputValue() === term.ends_on, 'the window does not end on the term\'s last day');
  await chooseOption('Offering', 'MATH101');
  await page.getByRole('button', { name: 'Grant', exact: true }).click();
  // (the dialog's content is slotted into its shadow root: found from the page)
  await page.getByText('cannot_delegate').waitFor();
  check(await page.getByText(/Not allowed/).isVisible(), 'the refusal does not say it is not allowed');
  await shot('grant-refused');
  await axe('grant-dialog');

  // the grant it allows: TA of CS101 for the term
  await chooseOption('Offering', 'CS101');
  await page.getByLabel('Reason').fill('TA for the term');
  await page.getByRole('button', { name: 'Grant', exact: true }).click();
  await page.getByText(`Granted teaching_assistant on ${csOffering}.`).waitFor();
  const granted = Date.now();
  const row = page.locator('tr[data-grant]', { hasText: csOffering });
  await row.waitFor();
  check((await row.textContent()).includes(`${term.starts_on} to ${term.ends_on}`), 'the grant\'s window is not the term\'s');
  await page.locator(`tr[data-scope="${csOffering}"]`).waitFor();
  check(await effective('grades.write', csOffering), 'the effective permissions do not show grades.write on CS101 after the grant');
  check(await serverCheck(f.student.id, 'grades.write', csOffering), 'the server\'s check did not flip to allowed after the grant');
  await shot('user');
  await axe('user');
  // the access-review scenario asks about an instant while the grant held: the next whole second, once passed
  pastInstant = new Date(Math.ceil((granted + 1) / 1000) * 1000);
  while (Date.now() < pastInstant.getTime() + 1500) await page.waitForTimeout(250);

  await row.getByRole('button', { name: /^Revoke/ }).click();
  await page.getByText(`Revoked teaching_assistant on ${csOffering}.`).waitFor();
  await page.locator(`tr[data-scope="${csOffering}"]`).waitFor({ state: 'detached' });
  check(!(await effective('grades.write', csOffering)), 'the effective permissions still show grades.write on CS101 after the revoke');
  check(!(await serverCheck(f.student.id, 'grades.write', csOffering)), 'the server\'s check did not flip back to denied after the revoke');
  const grants = await apiCall(`/v1/users/${f.student.id}/grants`);
  check(!grants.json.items.some((g) => g.scope === csOffering && g.role === 'teaching_assistant'), 'the revoked grant is still listed by the API');

  // two sessions of the student; the registrar ends one of them from the user page, the other goes on
  const first = (await apiCall('/v1/sessions', { method: 'POST', token: null, body: { username: f.student.username, password: f.student.password } })).json.token;
  const second = (await apiCall('/v1/sessions', { method: 'POST', token: null, body: { username: f.student.username, password: f.student.password } })).json.token;
  check(first && second, 'the student could not sign in twice through the API');
  await page.reload();
  await page.getByRole('heading', { name: 'Sessions' }).waitFor();
  const ends = page.getByRole('button', { name: /^End the session started/ });
  await ends.first().waitFor();
  check(await ends.count() === 2, `expected two sessions with an End button, found ${await ends.count()}`);
  await ends.first().click();
  await page.getByText(/The session started .* has ended/).waitFor();
  const after = [await apiCall('/v1/me', { token: first }), await apiCall('/v1/me', { token: second })].map((r) => r.status);
  check(after.filter((st) => st === 401).length === 1 && after.filter((st) => st === 200).length === 1,
    `ending one session should stop exactly one token, got ${after}`);
});

await scenario('department-admin-sees-only-what-they-may-do', async () => {
  await signIn(f.deptAdmin.username, f.deptAdmin.password);
  const nav = page.getByRole('navigation', { name: 'Console' });
  for (const hidden of ['SIS import', 'Audit log', 'API clients', 'Access review']) {
    check(await nav.getByRole('link', { name: hidden }).count() === 0, `a department admin sees "${hidden}"`);
  }
  check(await nav.getByRole('link', { name: 'Users' }).count() === 1, 'a department admin does not see Users');
  // reached by address, a page they may not use says so and offers nothing to press
  await page.goto(`${base}/admin/imports`);
  await page.getByText('Your grants do not allow this page.').waitFor();
  check(await page.getByRole('button', { name: 'Dry run' }).count() === 0, 'the import page offers its buttons to a department admin');
  // users: their department only
  await page.goto(`${base}/admin/users`);
  await page.getByRole('link', { name: f.student.username, exact: true }).waitFor();
  check(await page.getByRole('link', { name: f.mathStudent.username, exact: true }).count() === 0, 'a MATH user is listed to the CS admin');
  check((await page.getByRole('combobox', { name: 'Department' }).inputValue()).startsWith('CS'), 'the department filter does not show CS');
  await shot('users-department-admin');
  // their student: grant dialog offers CS offerings only, and never "Everywhere"
  await page.getByRole('link', { name: f.student.username, exact: true }).click();
  await page.getByRole('button', { name: 'Grant a role' }).click();
  await page.getByRole('dialog', { name: /Grant a role/ }).waitFor();
  check(await page.getByRole('radio', { name: 'Everywhere' }).count() === 0, 'a department admin is offered a global grant');
  await page.getByRole('combobox', { name: 'Offering' }).click();
  check(await page.getByRole('option', { name: 'CS101' }).count() === 1, 'CS101 is not offered to the CS admin');
  check(await page.getByRole('option', { name: 'MATH101' }).count() === 0, 'MATH101 is offered to the CS admin');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  // the registrar's grants, in a scope beyond theirs: no revoke buttons
  await page.goto(`${base}/admin/users/${f.csColleague.id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(f.csColleague.username) }).waitFor();
  await page.locator('tr', { hasText: 'registrar' }).first().waitFor();
  check(await page.getByRole('button', { name: /^Revoke registrar/ }).count() === 0, 'the CS admin is offered to revoke a global registrar grant');
  check(await page.getByRole('button', { name: 'Save profile' }).count() === 0, 'the CS admin may edit someone who outranks them');
  // a MATH person by address: the server refuses, the page says so
  await page.goto(`${base}/admin/users/${f.mathStudent.id}`);
  await page.getByText(/Not allowed/).waitFor();
  await shot('department-admin-refused');
  await axe('department-admin-user');
});

await scenario('import-with-bad-row-changes-nothing', async () => {
  await signIn(f.registrar.username, f.registrar.password);
  const before = await apiCall('/v1/users?limit=500');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'SIS import' }).click();
  await page.getByRole('heading', { level: 1, name: 'SIS import' }).waitFor();
  const csv = 'external_id,username,email,given_name,family_name,type,department,active,verified\n'
    + 'S9001,new.person,new.person@uni.test,New,Person,student,CS,true,true\n'
    + 'S9002,bad.person,not-an-email,Bad,Person,student,CS,true,true\n';
  await page.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Dry run' }).click();
  const invalid = page.locator('#invalid-rows');
  await invalid.waitFor();
  const text = await invalid.textContent();
  check(text.includes('3') && text.includes('S9002') && text.includes('email') && /must be an email/.test(text), `the bad row is not shown: ${text}`);
  check(await page.getByRole('button', { name: /^Apply/ }).isDisabled(), 'Apply is enabled although rows are invalid');
  await shot('import-dry-run');
  await axe('import');
  const after = await apiCall('/v1/users?limit=500');
  check(JSON.stringify(after.json.items) === JSON.stringify(before.json.items), 'the dry run changed users');
  check(!after.json.items.some((u) => u.username === 'new.person'), 'the valid row of a file with a bad row was applied');
});

await scenario('access-review-at-a-past-instant-matches-the-api', async () => {
  const probe = await apiCall('/v1/access-review');
  if (probe.status === 404 && probe.json?.code === 'no_route') throw new Skip('access-review API not present');
  check(pastInstant, 'the registrar scenario did not run, so there is no past instant to ask about');
  const at = pastInstant.toISOString();
  const api = await apiCall(`/v1/access-review?permission=grades.write&resource=${encodeURIComponent(csOffering)}&at=${encodeURIComponent(at)}&limit=500`);
  check(api.status === 200, `the API answered ${api.status} ${api.text}`);
  const expected = api.json.items.flatMap((i) => i.grants.map((g) => `${i.user.id}:${g.id}`)).sort();
  check(api.json.items.some((i) => i.user.id === f.student.id), 'the API does not list the student who was TA at that instant (revoked since)');
  await signIn(f.admin.username, f.admin.password);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Access review' }).click();
  await page.getByRole('heading', { level: 1, name: 'Access review' }).waitFor();
  await chooseOption('Permission', 'grades.write');
  await page.getByLabel('Resource').fill(csOffering);
  await page.getByLabel('At (UTC)').fill(at.slice(0, 19));
  await page.getByRole('button', { name: 'Review' }).click();
  await page.locator('#review').waitFor();
  const shown = (await page.locator('#review tbody tr').evaluateAll((rows) => rows.map((r) => `${r.dataset.user}:${r.children[1].textContent.trim()}`))).sort();
  check(JSON.stringify(shown) === JSON.stringify(expected), `the console shows ${shown} but the API answers ${expected}`);
  await shot('access-review');
  await axe('access-review');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const file = readFileSync(await download.path(), 'utf8');
  const apiCsv = await apiCall(`/v1/access-review?permission=grades.write&resource=${encodeURIComponent(csOffering)}&at=${encodeURIComponent(at)}`, { accept: 'text/csv' });
  check(file === apiCsv.text, 'the downloaded CSV differs from the API\'s');
});

await scenario('every-page-signed-in-as-admin', async () => {
  await signIn(f.admin.username, f.admin.password);
  for (const [path, heading, name] of [
    ['roles', 'Roles & permissions', 'roles'], ['directory', 'Directory', 'directory'], ['audit', 'Audit log', 'audit'],
    ['clients', 'API clients', 'clients'], ['check', 'Check access', 'check'], ['account', 'Change your password', 'account'],
    [`users/${f.student.id}`, new RegExp(f.student.username), 'user-admin'],
  ]) {
    await visit(path, heading);
    await page.waitForTimeout(500);
    await shot(name);
    await axe(name);
  }
  // a new person, from the users page, lands on their own page
  await visit('users', 'Users');
  await page.getByRole('button', { name: 'New user' }).click();
  await page.getByRole('dialog', { name: 'New user' }).waitFor();
  await page.getByLabel('Username').fill('new.hire');
  await page.getByLabel('Email').fill('new.hire@uni.test');
  await chooseOption('Department', /^CS —/, page.locator('#new-user-form'));
  await shot('new-user');
  await axe('new-user');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('heading', { level: 1, name: /new\.hire/ }).waitFor();
  const created = await apiCall('/v1/users?q=new.hire');
  check(created.json.items.length === 1 && created.json.items[0].department === 'CS', `the new user is not in CS: ${created.text}`);

  // API clients: the key is shown once, in a dialog
  await visit('clients', 'API clients');
  await page.getByLabel('Name').fill('timetable');
  await page.getByRole('button', { name: 'Create client' }).click();
  const keyDialog = page.getByRole('dialog', { name: 'Copy the key now' });
  await keyDialog.waitFor();
  const key = await page.getByLabel('Key', { exact: true }).inputValue();
  check(key.length > 20, 'no key shown');
  await shot('client-key');
  await axe('client-key');
  await page.getByRole('button', { name: 'I have stored it' }).click();
  const works = await apiCall('/v1/check?subject=1&permission=users.read', { token: key });
  check(works.status === 200, `the new key does not work: ${works.status}`);
  // the check tool, as the admin (authz.check): the student's TA grant is gone
  await visit('check', 'Check access');
  await page.getByLabel('Person (username or id)').fill(f.student.username);
  check(await checkTool('grades.write', csOffering) === 'denied', 'the check tool says the revoked TA may write grades');
  await page.getByLabel('Person (username or id)').fill(f.registrar.username);
  check(await checkTool('users.read', 'department:CS') === 'allowed', 'the check tool denies the registrar users.read in CS');
  await page.getByText('Because of: grant').waitFor();
  await shot('check');
  await visit('clients', 'API clients');
  await page.getByRole('button', { name: 'Revoke timetable' }).click();
  await page.getByText('revoked').first().waitFor();
  const revoked = await apiCall('/v1/check?subject=1&permission=users.read', { token: key });
  check(revoked.status === 401, `the revoked key still answers ${revoked.status}`);
});

await scenario('accessibility-axe-no-serious-violations', async () => {
  check(axeFindings.length === 0, `axe-core found:\n  ${axeFindings.join('\n  ')}`);
});

await scenario('content-security-policy-no-violations', async () => {
  check(cspViolations.length === 0, `CSP violations:\n  ${cspViolations.join('\n  ')}`);
  check(pageErrors.length === 0, `script errors in the page:\n  ${pageErrors.join('\n  ')}`);
});

await context.close();
rmSync(profile, { recursive: true, force: true });
for (const [name, outcome, detail] of results) console.log(`RESULT ${name} ${outcome} ${detail.replace(/\n/g, ' / ')}`);
const failed = results.filter((r) => r[1] === 'FAIL').length;
const skipped = results.filter((r) => r[1] === 'SKIP').length;
console.log(`${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
