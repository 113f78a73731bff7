import type { Db } from '@/lib/db';

/**
 * A statement prepared once per database (named, so that PostgreSQL keeps its plan per
 * connection) for the hottest reads of the platform API. Inside a transaction, use the query
 * builder instead: a prepared statement belongs to the database, not to the transaction.
 */
export function preparedPerDatabase<T>(prepare: (db: Db) => T): (db: Db) => T {
  const byDb = new WeakMap<Db, T>();
  return (db) => {
    let prepared = byDb.get(db);
    if (prepared === undefined) {
      prepared = prepare(db);
      byDb.set(db, prepared);
    }
    return prepared;
  };
}
