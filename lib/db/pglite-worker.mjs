// The embedded database (PGlite) in a thread of its own. PGlite runs PostgreSQL compiled to
// WebAssembly in the calling thread, so a long statement would block the app's event loop, and
// its statement_timeout (signal based) never fires. Here it blocks only this thread, and the app
// can stop a statement that runs too long by terminating the thread (lib/db/pglite-worker-client.ts).
//
// Messages from the app, answered in order, one at a time:
//   { id, op: 'query', text, params, rowMode, rawTypes }  rawTypes: type OIDs returned as text
//   { id, op: 'exec', text }
//   { id, op: 'dump', compression }
//   { id, op: 'close' }
// Answers: { id, result } or { id, error }. Once open: { ready: true }, or { failed: error }.
import { parentPort, workerData } from 'node:worker_threads';
import { MemoryFS, PGlite, parse, protocol } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const asText = (value) => value;

/** The fields of a PostgreSQL error, without the statement and parameters PGlite attaches. */
function errorFields(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) {
    if (key === 'query' || key === 'params' || key === 'queryOptions') continue;
    if (value === undefined || typeof value === 'function' || (typeof value === 'object' && value !== null)) continue;
    fields[key] = value;
  }
  return fields;
}

function results(result) {
  return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows, command: result.command, rowCount: result.rowCount };
}

const { serialize } = protocol;
const UNDEFINED_PREPARED_STATEMENT = '26000';
const FEATURE_NOT_SUPPORTED = '0A000';
/** How many statements the session keeps prepared; the least recently used ones are closed beyond it. */
const PREPARED_STATEMENTS = 300;

/**
 * Statements by their text, prepared once under a name of their own and executed after that.
 * PGlite's `query` sends every statement unnamed, so PostgreSQL parses and plans it anew each
 * time, which on the app's small tables costs many times what running it does (the token list,
 * seven joins: 37 ms sent as text, 3 ms prepared). PostgreSQL replans a prepared statement
 * whose tables changed. A Map keeps insertion order: a statement used moves to its end.
 */
class Statements {
  #named = new Map();
  #unused = [];
  #count = 0;

  /** The prepared statement of a text, or undefined; marks it as just used. */
  take(text) {
    const statement = this.#named.get(text);
    if (statement) {
      this.#named.delete(text);
      this.#named.set(text, statement);
    }
    return statement;
  }

  /** A name no statement of the session has. */
  newName() {
    return `s${++this.#count}`;
  }

  add(text, statement) {
    this.#named.set(text, statement);
  }

  /** A statement to close (its result's columns changed): prepared again when next asked for. */
  forget(text) {
    const statement = this.#named.get(text);
    if (!statement) return;
    this.#named.delete(text);
    this.#unused.push(statement.name);
  }

  /** Forgets every statement: the session no longer has them (DEALLOCATE ALL, DISCARD ALL). */
  clear() {
    this.#named.clear();
    this.#unused = [];
  }

  /** The names of the statements to close: those forgotten and the least recently used beyond the limit. */
  takeUnused() {
    for (const [text, statement] of this.#named) {
      if (this.#named.size <= PREPARED_STATEMENTS) break;
      this.#named.delete(text);
      this.#unused.push(statement.name);
    }
    const names = this.#unused;
    this.#unused = [];
    return names;
  }
}

const statements = new Statements();

/** Sends protocol messages; a PostgreSQL error is thrown, the messages before it are returned. */
const send = (db, message) => db.execProtocolStream(message, { syncToFs: false });

function serialized(db, params, types) {
  return params.map((param, i) => {
    if (param === null || param === undefined) return null;
    const serializer = db.serializers[types[i]];
    return serializer ? serializer(param) : param.toString();
  });
}

/** Closes the statements no longer kept, between transactions (a failed one accepts nothing but its end). */
async function closeUnused(db) {
  if (db.isInTransaction()) return;
  const names = statements.takeUnused();
  if (names.length === 0) return;
  for (const name of names) await send(db, serialize.close({ type: 'S', name }));
  await send(db, serialize.sync());
}

/** One statement with parameters, run as PGlite's `query` runs it but through a named prepared statement. */
async function preparedQuery(db, text, params, options) {
  await closeUnused(db);
  const messages = [];
  try {
    let statement = statements.take(text);
    if (!statement) {
      const name = statements.newName();
      messages.push(...(await send(db, serialize.parse({ name, text }))));
      const types = parse.parseDescribeStatementResults(await send(db, serialize.describe({ type: 'S', name })));
      statement = { name, types };
      statements.add(text, statement);
    }
    messages.push(...(await send(db, serialize.bind({ statement: statement.name, values: serialized(db, params, statement.types) }))));
    messages.push(...(await send(db, serialize.describe({ type: 'P' }))));
    messages.push(...(await send(db, serialize.execute({}))));
  } catch (error) {
    if (lostStatements(error)) statements.clear();
    if (changedResult(error)) statements.forget(text);
    throw error;
  } finally {
    messages.push(...(await send(db, serialize.sync())));
  }
  if (!db.isInTransaction()) await db.syncToFs();
  return parse.parseResults(messages, db.parsers, options)[0];
}

const lostStatements = (error) => error?.code === UNDEFINED_PREPARED_STATEMENT;
/** A prepared statement whose tables changed so that its result's columns did (PostgreSQL refuses to run it). */
const changedResult = (error) => error?.code === FEATURE_NOT_SUPPORTED && /cached plan must not change result type/.test(error.message);

/** Whether a statement ends the session's prepared statements. */
const deallocates = (text) => /\b(deallocate|discard\s+all)\b/i.test(text);

/**
 * A statement with parameters. Retried once, prepared again, when the session had lost its
 * statements or the statement's result changed (a schema change), unless a transaction was open:
 * the error has ended it.
 */
async function query(db, text, params, options) {
  if (deallocates(text)) {
    statements.clear();
    return await db.query(text, params, options);
  }
  try {
    return await preparedQuery(db, text, params, options);
  } catch (error) {
    if (!(lostStatements(error) || changedResult(error)) || db.isInTransaction()) throw error;
    return await preparedQuery(db, text, params, options);
  }
}

async function run(db, message) {
  switch (message.op) {
    case 'query': {
      const parsers = Object.fromEntries(message.rawTypes.map((type) => [type, asText]));
      return results(await query(db, message.text, message.params, { rowMode: message.rowMode, parsers }));
    }
    case 'exec':
      if (deallocates(message.text)) statements.clear();
      return (await db.exec(message.text)).map(results);
    case 'dump':
      return await db.dumpDataDir(message.compression);
    case 'close':
      await db.close();
      return null;
    default:
      throw new Error(`Unknown operation ${message.op}`);
  }
}

/** PGlite's in-memory file system, holding a copy of a closed data directory before PostgreSQL starts. */
class CopyFS extends MemoryFS {
  constructor(files) {
    super();
    this.files = files;
  }

  async initialSyncFs() {
    await super.initialSyncFs();
    const FS = this.pg.Module.FS;
    // Where PGlite keeps PGDATA; it finds a database there and starts it instead of running initdb.
    const root = '/pglite/data';
    if (!FS.analyzePath(root).exists) FS.mkdirTree(root);
    for (const file of this.files) {
      if (file.data) FS.writeFile(root + file.path, file.data);
      else FS.mkdir(root + file.path);
    }
    this.files = [];
  }
}

const SHARED_BUFFERS = '32MB';

let db;
try {
  // pg_trgm backs the substring search of the admin token list (see the migrations).
  db = await PGlite.create({
    dataDir: workerData.dataDir ?? undefined,
    loadDataDir: workerData.loadDataDir,
    fs: workerData.files ? new CopyFS(workerData.files) : undefined,
    extensions: { pg_trgm },
    // PGlite allocates all of its shared buffers in the WebAssembly heap at start; PostgreSQL's
    // default of 128 MB was a third of the server's resident memory. The files are read through
    // the operating system's cache anyway. A copied data directory (test databases) keeps its own.
    startParams: workerData.files ? undefined : [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
    pgliteWasmModule: workerData.pgliteWasmModule,
    initdbWasmModule: workerData.initdbWasmModule,
  });
} catch (error) {
  parentPort.postMessage({ failed: errorFields(error) });
}

if (db) {
  let queue = Promise.resolve();
  parentPort.on('message', (message) => {
    queue = queue.then(async () => {
      try {
        parentPort.postMessage({ id: message.id, result: await run(db, message) });
      } catch (error) {
        parentPort.postMessage({ id: message.id, error: errorFields(error) });
      }
    });
  });
  parentPort.postMessage({ ready: true });
}
