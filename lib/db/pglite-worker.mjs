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
import { MemoryFS, PGlite } from '@electric-sql/pglite';
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

async function run(db, message) {
  switch (message.op) {
    case 'query': {
      const parsers = Object.fromEntries(message.rawTypes.map((type) => [type, asText]));
      return results(await db.query(message.text, message.params, { rowMode: message.rowMode, parsers }));
    }
    case 'exec':
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
