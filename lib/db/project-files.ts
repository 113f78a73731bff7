import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Files the database layer loads at run time, found from this module's own place in the project
// rather than the working directory, so the server may be started from anywhere. The production
// build resolves `import.meta.url` to the module's source path under the project at run time.
const here = path.dirname(fileURLToPath(import.meta.url));

/** The committed SQL migrations (drizzle/). */
export const migrationsFolder = path.join(/*turbopackIgnore: true*/ here, '..', '..', 'drizzle');

/** The worker thread that runs the embedded database. */
export const pgliteWorkerFile = path.join(/*turbopackIgnore: true*/ here, 'pglite-worker.mjs');
