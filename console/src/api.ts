/**
 * The console's only way to the server: the public API, same origin, with the session cookie the server set
 * at sign-in (HttpOnly, so this code never sees the token) and the CSRF header that makes the cookie count.
 */

/** An RFC 9457 problem answered by the server, kept whole so pages can show its code and field errors. */
export class Problem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: { field: string; reason: string }[];
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const detail = String(body.detail ?? body.title ?? `HTTP ${status}`);
    super(detail);
    this.status = status;
    this.code = String(body.code ?? '');
    this.detail = detail;
    this.errors = Array.isArray(body.errors) ? (body.errors as { field: string; reason: string }[]) : [];
    this.body = body;
  }
}

/** Called when the server says the session is gone (401): the app shows the sign-in page. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export const CSRF_HEADER = 'X-Provost-CSRF';

type Json = Record<string, any>;

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { [CSRF_HEADER]: '1', Accept: 'application/json', ...headers },
  };
  if (body instanceof Blob || typeof body === 'string') {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let problem: Json = {};
    try {
      problem = await response.json();
    } catch {
      problem = { title: response.statusText || `HTTP ${response.status}` };
    }
    const error = new Problem(response.status, problem);
    if (response.status === 401 && !path.startsWith('/v1/sessions') && path !== '/v1/me/password') onSignedOut();
    throw error;
  }
  return response;
}

async function json(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any> {
  const response = await send(method, path, body, headers);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** A query string from the non-empty entries of an object. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  get: (path: string) => json('GET', path),
  post: (path: string, body?: unknown) => json('POST', path, body ?? {}),
  patch: (path: string, body: unknown) => json('PATCH', path, body),
  delete: (path: string) => json('DELETE', path),
  /** A CSV upload (imports). */
  postCsv: (path: string, csv: Blob | string) => json('POST', path, csv, { 'Content-Type': 'text/csv' }),
  /** A GET answered as CSV text. */
  getCsv: async (path: string): Promise<string> => (await send('GET', path, undefined, { Accept: 'text/csv' })).text(),
  /** Whether this server has a route (its 404 for an unknown route has code no_route; any other answer means yes). */
  exists: async (path: string): Promise<boolean> => {
    try {
      await send('GET', path);
      return true;
    } catch (e) {
      return !(e instanceof Problem && e.status === 404 && e.code === 'no_route');
    }
  },
};
