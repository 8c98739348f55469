import { html, nothing } from 'lit';
import { Page } from '../parts/page.js';
import { api, query } from '../api.js';
import { all, departmentTree, wrote, type Department, type Tree } from '../session.js';

interface Course { code: string; title: string; department: string }
interface Term { code: string; name: string; starts_on: string; ends_on: string }
interface Offering { id: string; course: string; term: string; capacity: number | null }

/**
 * The catalogue: the department tree, courses, terms and offerings. People with directory.write somewhere
 * get the forms to add to it (the server checks the scope of each).
 */
export class DirectoryPage extends Page {
  static override properties = {
    ...Page.properties, tree: { state: true }, courses: { state: true }, terms: { state: true }, offerings: { state: true },
    error: { state: true }, formError: { state: true }, courseDept: { state: true }, offeringTerm: { state: true },
  };
  declare tree: Tree | null;
  declare courses: Course[];
  declare terms: Term[];
  declare offerings: Offering[];
  declare error: unknown;
  declare formError: unknown;
  declare courseDept: string;
  declare offeringTerm: string;

  constructor() {
    super();
    this.tree = null;
    this.courses = [];
    this.terms = [];
    this.offerings = [];
    this.error = null;
    this.formError = null;
    this.courseDept = '';
    this.offeringTerm = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      [this.tree, this.terms] = await Promise.all([departmentTree(true), all<Term>('/v1/terms')]);
      this.terms.sort((a, b) => b.starts_on.localeCompare(a.starts_on));
      if (!this.offeringTerm && this.terms[0]) this.offeringTerm = this.terms[0].code;
      await Promise.all([this.loadCourses(), this.loadOfferings()]);
    } catch (e) {
      this.error = e;
    }
  }

  private async loadCourses(): Promise<void> {
    this.courses = (await api.get(`/v1/courses${query({ limit: 500, department: this.courseDept })}`)).items;
  }

  private async loadOfferings(): Promise<void> {
    this.offerings = this.offeringTerm ? (await api.get(`/v1/offerings${query({ limit: 500, term: this.offeringTerm })}`)).items : [];
  }

  private async create(event: SubmitEvent, path: string, fields: string[]): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const v = String((form.querySelector(`[name=${f}]`) as any)?.value ?? '').trim();
      if (v) body[f] = v;
    }
    this.formError = null;
    try {
      wrote(await api.post(path, body));
      form.reset();
      await this.load();
    } catch (e) {
      this.formError = e;
    }
  }

  private treeItems(departments: Department[]): unknown {
    return departments.map((d) => html`<sl-tree-item expanded>${d.code} — ${d.name}${this.treeItems(this.tree!.children(d.code))}</sl-tree-item>`);
  }

  override render() {
    const writer = this.caps.anywhere('directory.write');
    const depts = this.tree?.departments ?? [];
    return html`<h1>Directory</h1>
      <provost-problem .error=${this.error}></provost-problem>
      <provost-problem .error=${this.formError}></provost-problem>
      <sl-tab-group>
        <sl-tab slot="nav" panel="departments">Departments</sl-tab>
        <sl-tab slot="nav" panel="courses">Courses</sl-tab>
        <sl-tab slot="nav" panel="terms">Terms</sl-tab>
        <sl-tab slot="nav" panel="offerings">Offerings</sl-tab>

        <sl-tab-panel name="departments">
          <p class="muted">${depts.length} departments. A grant on a department covers its sub-departments, their courses and offerings.</p>
          ${this.tree ? html`<sl-tree aria-label="Department tree">${this.treeItems(this.tree.roots())}</sl-tree>` : html`<sl-spinner></sl-spinner>`}
          ${writer ? html`<h2>New department</h2><form class="row" aria-label="New department" @submit=${(e: SubmitEvent) => this.create(e, '/v1/departments', ['code', 'name', 'parent'])}>
            <sl-input name="code" label="Code" required></sl-input><sl-input class="grow" name="name" label="Name" required></sl-input>
            <sl-select name="parent" label="Parent" placeholder="None (a school)" clearable hoist>${depts.map((d) => html`<sl-option value=${d.code}>${d.code}</sl-option>`)}</sl-select>
            <sl-button type="submit">Add department</sl-button></form>` : nothing}
        </sl-tab-panel>

        <sl-tab-panel name="courses">
          <div class="row"><sl-select label="Department" placeholder="All" clearable hoist .value=${this.courseDept}
            @sl-change=${(e: Event) => { this.courseDept = (e.target as any).value; void this.loadCourses(); }}>
            ${depts.map((d) => html`<sl-option value=${d.code}>${d.code} — ${d.name}</sl-option>`)}</sl-select></div>
          <div class="table-wrap"><table><caption>${this.courses.length} courses${this.courses.length === 500 ? ' (the first 500; filter by department)' : ''}</caption>
            <thead><tr><th scope="col">Code</th><th scope="col">Title</th><th scope="col">Department</th></tr></thead>
            <tbody>${this.courses.map((c) => html`<tr><td>${c.code}</td><td>${c.title}</td><td>${c.department}</td></tr>`)}</tbody></table></div>
          ${writer ? html`<h2>New course</h2><form class="row" aria-label="New course" @submit=${(e: SubmitEvent) => this.create(e, '/v1/courses', ['code', 'title', 'department'])}>
            <sl-input name="code" label="Code" required></sl-input><sl-input class="grow" name="title" label="Title" required></sl-input>
            <sl-select name="department" label="Department" required hoist>${depts.map((d) => html`<sl-option value=${d.code}>${d.code}</sl-option>`)}</sl-select>
            <sl-button type="submit">Add course</sl-button></form>` : nothing}
        </sl-tab-panel>

        <sl-tab-panel name="terms">
          <div class="table-wrap"><table><thead><tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Starts</th><th scope="col">Ends</th></tr></thead>
            <tbody>${this.terms.map((t) => html`<tr><td>${t.code}</td><td>${t.name}</td><td>${t.starts_on}</td><td>${t.ends_on}</td></tr>`)}</tbody></table></div>
          ${this.caps.global('directory.write') ? html`<h2>New term</h2><form class="row" aria-label="New term" @submit=${(e: SubmitEvent) => this.create(e, '/v1/terms', ['code', 'name', 'starts_on', 'ends_on'])}>
            <sl-input name="code" label="Code" help-text="e.g. 2027-spring" required></sl-input><sl-input name="name" label="Name" required></sl-input>
            <sl-input type="date" name="starts_on" label="Starts on" required></sl-input><sl-input type="date" name="ends_on" label="Ends on" required></sl-input>
            <sl-button type="submit">Add term</sl-button></form>` : nothing}
        </sl-tab-panel>

        <sl-tab-panel name="offerings">
          <div class="row"><sl-select label="Term" hoist .value=${this.offeringTerm} @sl-change=${(e: Event) => { this.offeringTerm = (e.target as any).value; void this.loadOfferings(); }}>
            ${this.terms.map((t) => html`<sl-option value=${t.code}>${t.name}</sl-option>`)}</sl-select></div>
          <div class="table-wrap"><table><caption>${this.offerings.length} offerings${this.offerings.length === 500 ? ' (the first 500)' : ''}</caption>
            <thead><tr><th scope="col">Offering</th><th scope="col">Course</th><th scope="col">Term</th><th scope="col">Capacity</th></tr></thead>
            <tbody>${this.offerings.map((o) => html`<tr><td><code>offering:${o.id}</code></td><td>${o.course}</td><td>${o.term}</td><td>${o.capacity ?? '—'}</td></tr>`)}</tbody></table></div>
          ${writer ? html`<h2>New offering</h2><form class="row" aria-label="New offering" @submit=${(e: SubmitEvent) => this.create(e, '/v1/offerings', ['course', 'term'])}>
            <sl-input name="course" label="Course code" required></sl-input>
            <sl-select name="term" label="Term" required hoist>${this.terms.map((t) => html`<sl-option value=${t.code}>${t.code}</sl-option>`)}</sl-select>
            <sl-button type="submit">Add offering</sl-button></form>` : nothing}
        </sl-tab-panel>
      </sl-tab-group>`;
  }
}

customElements.define('provost-directory', DirectoryPage);
