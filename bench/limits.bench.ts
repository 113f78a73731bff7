// Input at the limits costs what its size says, not its square: a policy of the longest text and
// the most statements, a list condition of over 10,000 values, and a request body nested 100,000
// levels deep, each against the same work at a small size, measured alternately in one run.
//   parsing a 65,536-character policy against one a sixteenth as long: at most 32× (linear: 16×);
//   an item against a list of 10,000+ values against a list of 100: at most 3× (looked up, not scanned);
//   100 statements against 10: at most 20× (linear: 10×);
//   checking a body nested 100,000 levels against one nested 100: at most 3× (it stops at the limit).
// `npm run bench -- limits`, or on its own: `npx tsx bench/limits.bench.ts`.
import { evaluatePermission, type PolicyInEffect } from '@/lib/iam/policy-evaluator';
import { MAX_POLICY_LENGTH, MAX_STATEMENTS, parsePolicy, type Statement } from '@/lib/iam/policy-parser';
import { checkBodyValue } from '@/lib/platform/input';
import { compare, runAlone, type Bench, type BenchReport } from './measure';

const READ = 'document:documents:read';
const TYPE = 'document:document-type';

function statementsOf(text: string): Statement[] {
  if (text.length > MAX_POLICY_LENGTH) throw new Error(`A policy of ${text.length} characters is over the limit.`);
  const result = parsePolicy(text, { saving: true });
  if (!result.ok) throw new Error(result.error.message);
  return result.statements;
}

/** A statement of `length` characters at most, half permissions and half conditions. */
function longStatement(length: number): string {
  const fill = (part: string, room: number) => part.repeat(Math.floor(room / part.length));
  return `ALLOW ${fill(`${READ}, `, length / 2 - 100)}${READ} WHERE ${fill(`${TYPE} != "x" AND `, length / 2 - 100)}${TYPE} != "y";`;
}

/** A policy with one NOT IN list of values, as long as fits in `length` characters. */
function listPolicy(length: number): PolicyInEffect[] {
  const items: string[] = [];
  for (let size = 200, i = 0; size < length - 10; i++) {
    items.push(`"${i.toString(36)}"`);
    size += items.at(-1)!.length + 1;
  }
  return [{ policyId: 'p', policyName: 'p', statements: statementsOf(`ALLOW ${READ} WHERE ${TYPE} NOT IN (${items.slice(0, -1).join(',')});`) }];
}

function manyStatements(count: number): PolicyInEffect[] {
  const list = Array.from({ length: 60 }, (_, i) => `"t${i}"`).join(', ');
  const text = Array.from({ length: count }, (_, i) => `ALLOW ${READ} WHERE ${TYPE} NOT IN (${list}) AND ${TYPE} != "s${i}";`).join('\n');
  return [{ policyId: 'p', policyName: 'p', statements: statementsOf(text) }];
}

const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`) as unknown;

/** Runs `work` for each of 1,000 listing items (distinct values, as a listing asks). */
const perItem = (policies: PolicyInEffect[]) => async () => {
  for (let i = 0; i < 1_000; i++) evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: `item-${i}` } });
};

function refused(value: unknown): void {
  try {
    checkBodyValue(value);
  } catch {
    return;
  }
  throw new Error('expected the body to be refused');
}

const limitsBench: Bench = async () => {
  const longText = longStatement(MAX_POLICY_LENGTH);
  const shortText = longStatement(MAX_POLICY_LENGTH / 16);
  const parsing = await compare(
    async () => statementsOf(shortText),
    async () => statementsOf(longText),
  );

  const longList = listPolicy(MAX_POLICY_LENGTH);
  const shortList = listPolicy(600);
  const lists = await compare(perItem(shortList), perItem(longList), { repetitions: 15 });

  const statements = await compare(perItem(manyStatements(MAX_STATEMENTS / 10)), perItem(manyStatements(MAX_STATEMENTS)), { repetitions: 15 });

  const deep = nested(100_000);
  const shallow = nested(100);
  const depth = await compare(
    async () => refused(shallow),
    async () => refused(deep),
  );

  const listValues = (longList[0]!.statements[0]!.conditions[0] as { values: readonly string[] }).values.length;
  const shortValues = (shortList[0]!.statements[0]!.conditions[0] as { values: readonly string[] }).values.length;
  const report: BenchReport = {
    title: 'Input at the limits',
    small: 'small input',
    large: 'input at the limit',
    ratios: [
      { name: `parsing a policy: ${shortText.length} vs ${longText.length} characters`, ...parsing, max: 32 },
      { name: `1,000 items against a list: ${shortValues} vs ${listValues} values`, ...lists, max: 3 },
      { name: `1,000 items against ${MAX_STATEMENTS / 10} vs ${MAX_STATEMENTS} statements`, ...statements, max: 20 },
      { name: 'refusing a body nested 100 vs 100,000 levels', ...depth, max: 3 },
    ],
    notes: [`the list policy has ${listValues} values in ${MAX_POLICY_LENGTH} characters; the deep body is refused at 64 levels, without recursion`],
  };
  return report;
};

export default limitsBench;

if (process.argv[1]?.endsWith('limits.bench.ts')) runAlone(limitsBench);
