import { html, nothing } from 'lit';
import { Page } from '../parts/page.js';
import { api, query, Problem } from '../api.js';
import { wrote } from '../session.js';

interface Sample { line?: number; id?: number; external_id: string; username: string; email?: string; changes?: Record<string, { from: unknown; to: unknown }> }
interface Report {
  dry_run: boolean; snapshot: boolean; skip_invalid: boolean; applied: boolean; revision: number | null; rows: number;
  counts: Record<string, number>; samples: Record<string, Sample[]>;
  invalid: { line: number; external_id: string; errors: { field: string; reason: string }[] }[]; invalid_truncated: boolean;
}

/**
 * SIS import (POST /v1/imports, docs/PROVISIONING.md): choose a CSV file, see the dry run's diff and every
 * invalid row, then apply the same file with the same options. A file with invalid rows changes nothing
 * unless "skip invalid rows" is on.
 */
export class ImportsPage extends Page {
  static override properties = { ...Page.properties, report: { state: true }, error: { state: true }, busy: { state: true }, fileName: { state: true } };
  declare report: Report | null;
  declare error: unknown;
  declare busy: boolean;
  declare fileName: string;
  private file: File | null = null;
  private options = { snapshot: false, skip_invalid: false };

  constructor() {
    super();
    this.report = null;
    this.error = null;
    this.busy = false;
    this.fileName = '';
  }

  private chosen(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.file = input.files?.[0] ?? null;
    this.fileName = this.file?.name ?? '';
    this.report = null;
    this.error = null;
  }

  private async run(dryRun: boolean): Promise<void> {
    if (!this.file) {
      this.error = new Error('Choose a CSV file first.');
      return;
    }
    const box = (n: string) => (this.renderRoot.querySelector(`[name=${n}]`) as any)?.checked === true;
    this.options = { snapshot: box('snapshot'), skip_invalid: box('skip_invalid') };
    this.busy = true;
    this.error = null;
    try {
      const report: Report = await api.postCsv(`/v1/imports${query({ dry_run: dryRun, ...this.options })}`, this.file);
      wrote(report);
      this.report = report;
    } catch (e) {
      this.error = e;
      if (e instanceof Problem && e.code === 'invalid_rows') this.report = null;
    } finally {
      this.busy = false;
    }
  }

  private samples(kind: string, label: string) {
    const rows = this.report?.samples[kind] ?? [];
    if (!rows.length) return nothing;
    return html`<div class="table-wrap"><table><caption>${label} (up to 10 shown)</caption>
      <thead><tr><th scope="col">Line</th><th scope="col">SIS id</th><th scope="col">Username</th><th scope="col">Email</th><th scope="col">Changes</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><td>${r.line ?? '—'}</td><td>${r.external_id}</td><td>${r.username}</td><td>${r.email ?? ''}</td>
        <td>${r.changes ? Object.entries(r.changes).map(([f, c]) => html`<div><code>${f}</code>: ${String(c.from)} → ${String(c.to)}</div>`) : ''}</td></tr>`)}</tbody></table></div>`;
  }

  override render() {
    const r = this.report;
    const invalid = r?.invalid ?? [];
    return html`<h1>SIS import</h1>
      <p class="muted">Upload the student information system's CSV (columns <code>external_id</code>, <code>username</code>, <code>email</code>,
        <code>given_name</code>, <code>family_name</code>, <code>type</code>, <code>department</code>, <code>active</code>, <code>verified</code>).
        Try it first: the dry run shows what would change and every invalid row, and changes nothing.</p>
      <sl-card>
        <div class="stack">
          <div class="file"><label for="csv">CSV file</label><input id="csv" type="file" accept=".csv,text/csv" @change=${this.chosen}></div>
          <sl-checkbox name="snapshot" help-text="The file lists everyone: deactivate SIS users it does not name">Snapshot</sl-checkbox>
          <sl-checkbox name="skip_invalid" help-text="Apply the valid rows even when some are invalid">Skip invalid rows</sl-checkbox>
          <div class="actions">
            <sl-button variant="primary" ?loading=${this.busy} @click=${() => this.run(true)}>Dry run</sl-button>
            <sl-button variant="warning" ?disabled=${!r || !r.dry_run || (invalid.length > 0 && !this.options.skip_invalid)} ?loading=${this.busy}
              @click=${() => this.run(false)}>Apply ${this.fileName || 'import'}</sl-button>
          </div>
        </div>
      </sl-card>
      <provost-problem .error=${this.error}></provost-problem>
      ${r ? html`<section aria-labelledby="report"><h2 id="report">${r.dry_run ? 'Dry run: nothing was changed' : r.applied ? `Applied at revision ${r.revision}` : 'Not applied'}</h2>
        <div role="status" class="tags">
          ${Object.entries(r.counts).map(([k, v]) => html`<sl-badge variant=${k === 'invalid' && v > 0 ? 'danger' : 'neutral'} pill>${k}: ${v}</sl-badge>`)}
          <sl-badge pill>rows: ${r.rows}</sl-badge>
        </div>
        ${invalid.length ? html`<h2>Invalid rows${r.invalid_truncated ? ' (the first 1000)' : ''}</h2>
          <sl-alert variant="danger" open>${r.skip_invalid ? 'These rows are skipped.' : 'A file with invalid rows changes nothing: fix these rows, or choose "Skip invalid rows".'}</sl-alert>
          <div class="table-wrap"><table id="invalid-rows"><caption>Invalid rows by line</caption>
            <thead><tr><th scope="col">Line</th><th scope="col">SIS id</th><th scope="col">Field</th><th scope="col">Reason</th></tr></thead>
            <tbody>${invalid.flatMap((row) => row.errors.map((e) => html`<tr><td>${row.line}</td><td>${row.external_id}</td><td><code>${e.field}</code></td><td>${e.reason}</td></tr>`))}</tbody>
          </table></div>` : nothing}
        ${this.samples('created', 'Created')}${this.samples('updated', 'Updated')}${this.samples('deactivated', 'Deactivated')}${this.samples('unchanged', 'Unchanged')}
      </section>` : nothing}`;
  }
}

customElements.define('provost-imports', ImportsPage);
