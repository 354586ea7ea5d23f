// Alias names per cloud and namespace, each pointing at one key id. The key store checks the keys;
// this table only keeps the names.

export interface StoredAlias {
  readonly cloud: string;
  readonly namespace: string;
  readonly name: string;
  keyId: string;
  readonly createdAt: number;
  updatedAt: number;
}

function slot(cloud: string, namespace: string, name: string): string {
  return `${cloud}\u0000${namespace}\u0000${name}`;
}

export class AliasTable {
  private readonly bySlot = new Map<string, StoredAlias>();

  get(cloud: string, namespace: string, name: string): StoredAlias | undefined {
    return this.bySlot.get(slot(cloud, namespace, name));
  }

  add(alias: StoredAlias): void {
    this.bySlot.set(slot(alias.cloud, alias.namespace, alias.name), alias);
  }

  delete(cloud: string, namespace: string, name: string): boolean {
    return this.bySlot.delete(slot(cloud, namespace, name));
  }

  /** Drops every alias of a key (when the key itself is gone). */
  deleteForKey(keyId: string): void {
    for (const [key, alias] of this.bySlot) if (alias.keyId === keyId) this.bySlot.delete(key);
  }

  list(cloud: string, namespace: string): StoredAlias[] {
    return [...this.bySlot.values()].filter((a) => a.cloud === cloud && a.namespace === namespace).sort((a, b) => a.name.localeCompare(b.name));
  }

  all(): StoredAlias[] {
    return [...this.bySlot.values()].map((a) => ({ ...a }));
  }

  clear(): void {
    this.bySlot.clear();
  }
}
