import { api } from './api.js';

/** One grant of the signed-in person, as GET /v1/me answers it. */
export interface MyGrant { id: number; role: string; scope: string; valid_from: string | null; valid_until: string | null }
export interface User {
  id: number; username: string; email: string; display_name: string | null; type: string;
  department: string | null; external_id: string | null; active: boolean; verified: boolean;
  created_at: string; updated_at: string;
}
export interface Me { user: User; grants: MyGrant[]; permissions: { permission: string; scope: string }[]; revision: number }
export interface Department { code: string; name: string; parent: string | null }

/**
 * What the signed-in person may do, from GET /v1/me's permissions by scope. The console uses it only to
 * hide what would be refused; the server decides every call on its own.
 */
export class Capabilities {
  private readonly byPermission = new Map<string, Set<string>>();

  constructor(readonly me: Me) {
    for (const p of me.permissions) {
      if (!this.byPermission.has(p.permission)) this.byPermission.set(p.permission, new Set());
      this.byPermission.get(p.permission)!.add(p.scope);
    }
  }

  /** Holds the permission globally. */
  global(permission: string): boolean {
    return this.byPermission.get(permission)?.has('global') ?? false;
  }

  /** Holds the permission in at least one scope. */
  anywhere(permission: string): boolean {
    return (this.byPermission.get(permission)?.size ?? 0) > 0;
  }

  /** The scopes the permission is held in ('global', 'department:CS', 'offering:CS101/2026-fall', ...). */
  scopes(permission: string): string[] {
    return [...(this.byPermission.get(permission) ?? [])];
  }

  /**
   * Holds the permission in the scope or one above it. Departments covers their sub-departments (through
   * {@link Tree}), a department its courses' offerings when the course's department is known.
   */
  covers(permission: string, scope: string, tree?: Tree, courseDepartment?: string | null): boolean {
    const held = this.byPermission.get(permission);
    if (!held) return false;
    if (held.has('global') || held.has(scope)) return true;
    let department: string | null = null;
    if (scope.startsWith('department:')) department = scope.slice('department:'.length);
    else if (courseDepartment) department = courseDepartment;
    if (scope.startsWith('offering:')) {
      const course = scope.slice('offering:'.length).split('/')[0];
      if (held.has(`course:${course}`)) return true;
    }
    for (const d of tree ? tree.ancestorsAndSelf(department) : department ? [department] : []) {
      if (held.has(`department:${d}`)) return true;
    }
    return false;
  }
}

/** The department tree, for scope coverage and the tree picker. */
export class Tree {
  readonly byCode = new Map<string, Department>();

  constructor(readonly departments: Department[]) {
    for (const d of departments) this.byCode.set(d.code, d);
  }

  ancestorsAndSelf(code: string | null): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let c = code; c && !seen.has(c); c = this.byCode.get(c)?.parent ?? null) {
      seen.add(c);
      out.push(c);
    }
    return out;
  }

  children(code: string | null): Department[] {
    return this.departments.filter((d) => (d.parent ?? null) === code && (code !== null || !d.parent || !this.byCode.has(d.parent)));
  }

  roots(): Department[] {
    return this.departments.filter((d) => !d.parent || !this.byCode.has(d.parent));
  }
}

/** Every page of a cursor listing ({items, next, has_more}), up to a bound. */
export async function all<T>(path: string, max = 5000): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page: any = await api.get(`${path}${sep}limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    out.push(...page.items);
    after = page.has_more ? page.next : null;
  } while (after && out.length < max);
  return out;
}

let departments: Promise<Tree> | null = null;
/** The department tree, loaded once per sign-in (and again after a change). */
export function departmentTree(reload = false): Promise<Tree> {
  if (!departments || reload) departments = all<Department>('/v1/departments').then((d) => new Tree(d));
  return departments;
}

/** The highest revision a write of this console answered: checks ask for at least it (read-your-writes). */
export const writes = { revision: 0 };
export function wrote(result: any): void {
  if (result && typeof result.revision === 'number' && result.revision > writes.revision) writes.revision = result.revision;
}

export function forgetCaches(): void {
  departments = null;
  courses = null;
  writes.revision = 0;
}

let courses: Promise<Map<string, string>> | null = null;
/** Each course's department (course code -> department code), for scope coverage of offerings. */
export function courseDepartments(): Promise<Map<string, string>> {
  if (!courses) courses = all<{ code: string; department: string }>('/v1/courses', 20000).then((c) => new Map(c.map((x) => [x.code, x.department])));
  return courses;
}
