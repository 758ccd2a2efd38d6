// The catalog filter: a plain substring, or a glob when it holds * or ?.
export function matcher(query: string): (name: string) => boolean {
  const text = query.trim().toLowerCase();
  if (text === '') return () => true;
  if (!/[*?]/.test(text)) return (name) => name.includes(text);
  const pattern = new RegExp(`^${text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => pattern.test(name);
}

export interface Row {
  readonly kind: 'group' | 'repository';
  readonly name: string;
  readonly count?: number;
  /** Group rows: the namespace ('' for names without one), and whether its repositories are hidden. */
  readonly namespace?: string;
  readonly collapsed?: boolean;
}

/** Repositories grouped by namespace (the part before the last /), a header row per group; collapsed groups keep only their header. */
export function groupByNamespace(names: readonly string[], collapsed: ReadonlySet<string> = new Set()): Row[] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const slash = name.lastIndexOf('/');
    const namespace = slash < 0 ? '' : name.slice(0, slash);
    const list = groups.get(namespace) ?? [];
    list.push(name);
    groups.set(namespace, list);
  }
  const rows: Row[] = [];
  for (const namespace of [...groups.keys()].sort()) {
    const list = groups.get(namespace) ?? [];
    const hidden = collapsed.has(namespace);
    rows.push({ kind: 'group', name: namespace || '(no namespace)', count: list.length, namespace, collapsed: hidden });
    if (!hidden) for (const name of list) rows.push({ kind: 'repository', name });
  }
  return rows;
}
