// `npm run admin -- setup --account "Acme Corp" --email admin@acme.example [--name "Ada Admin"]`
// Sets the portal up from a terminal on the server, as /setup does in a browser: the first account,
// its "Production" environment, and its admin, who is also the instance administrator. The
// password is asked for on the terminal (twice, not shown), or read from standard input when that
// is not a terminal (`… < password-file`); it is never a command-line argument, which other users
// of the machine could see. Uses DATABASE_URL, or else the PGlite folder DATA_DIR (stop the portal
// first: only one process can open that folder).
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { config } from '@/lib/config';
import { migrateDatabase, openDatabase } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { setupFromTerminal } from '@/lib/people/setup';
import { emailField, personName } from '@/lib/validations/people';

const USAGE = 'Usage: npm run admin -- setup --account "<account name>" --email <email> [--name "<your name>"]';

/** Reads one line from the terminal without showing what is typed. */
function askHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (!muted) process.stdout.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('Cancelled.'));
    });
    muted = true;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // The first line is the password; a trailing newline (as `echo` writes) is not part of it.
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const password = await askHidden('Password: ');
  const again = await askHidden('Password again: ');
  if (password !== again) throw new AppError('The passwords do not match.');
  return password;
}

async function setup(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { account: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } },
  });
  if (!values.account?.trim() || !values.email) throw new AppError(USAGE);
  const email = emailField.safeParse(values.email);
  if (!email.success) throw new AppError(`--email: ${email.error.issues[0]?.message ?? 'not an email address'}`);
  const name = personName.safeParse(values.name ?? email.data.split('@')[0]);
  if (!name.success) throw new AppError(`--name: ${name.error.issues[0]?.message ?? 'not a name'}`);
  const password = await readPassword();
  // Migrated, never seeded: this is how a real organization starts.
  const settings = config();
  const database =
    settings.databaseKind === 'postgres'
      ? await openDatabase({ kind: 'postgres', url: settings.databaseUrl!, poolMax: 2 })
      : await openDatabase({ kind: 'pglite', dataDir: settings.dataDir });
  try {
    await migrateDatabase(database);
    const result = await setupFromTerminal(database.db, { accountName: values.account.trim(), name: name.data, email: email.data, password });
    console.log(`Set up: account "${values.account.trim()}" (${result.accountId}) with the environment ${result.environmentId}; ${result.email} is its admin and the instance administrator. Sign in at /sign-in.`);
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'setup') return setup(rest);
  throw new AppError(USAGE);
}

main().catch((error: unknown) => {
  console.error(error instanceof AppError ? error.message : error instanceof Error ? error.message : String(error));
  process.exit(1);
});
