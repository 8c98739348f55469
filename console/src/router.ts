/**
 * The console's routes, under /admin/. Plain links (<a href="/admin/users">) navigate without a reload; the
 * server answers index.html for any of these paths, so reloads and bookmarks work too.
 */
export const BASE = '/admin/';

export interface Location { page: string; params: string[]; query: URLSearchParams }

export function current(): Location {
  const rest = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '';
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] ?? '', params: parts.slice(1), query: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();
export function onNavigate(listener: () => void): void {
  listeners.add(listener);
}

/** Goes to a console path ("users/42", "users?q=ann"), adding a history entry unless replace. */
export function navigate(path: string, replace = false): void {
  const url = path.startsWith('/') ? path : BASE + path;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

/** Same-origin clicks on links into the console, from any shadow root, become navigations. */
export function interceptLinks(): void {
  window.addEventListener('popstate', () => listeners.forEach((l) => l()));
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || !url.pathname.startsWith(BASE)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

export function href(path: string): string {
  return BASE + path;
}

/** Records the page's state in the address bar (bookmarks, reload) without re-rendering the page. */
export function replaceQuery(query: Record<string, string | undefined>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  history.replaceState(null, '', window.location.pathname + (s ? `?${s}` : ''));
}
