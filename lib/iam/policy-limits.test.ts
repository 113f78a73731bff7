// Policies at the limits of the language (65,536 characters, 100 statements): saving, reading and
// evaluating them stays quick, so that no admin's policy can stall a token check or a listing.
import { describe, expect, it } from 'vitest';
import { evaluatePermission, grantedPermissions } from './policy-evaluator';
import { MAX_POLICY_LENGTH, MAX_STATEMENTS, parsePolicy, type Statement } from './policy-parser';

function statementsOf(text: string): Statement[] {
  expect(text.length).toBeLessThanOrEqual(MAX_POLICY_LENGTH);
  const result = parsePolicy(text, { saving: true });
  if (!result.ok) throw new Error(result.error.message);
  return result.statements;
}

function elapsed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** The longest text of `part` repeated that still fits in a policy along with `rest`. */
function fill(part: string, rest: number): string {
  return part.repeat(Math.floor((MAX_POLICY_LENGTH - rest) / part.length));
}

const READ = 'document:documents:read';
const TYPE = 'document:document-type';

describe('policies at the limits', () => {
  it('parses a statement with as many permissions and conditions as fit quickly', () => {
    const permissions = fill(`${READ}, `, MAX_POLICY_LENGTH / 2 + 100);
    const conditions = fill(`${TYPE} != "x" AND `, MAX_POLICY_LENGTH / 2 + 100);
    const text = `ALLOW ${permissions}${READ} WHERE ${conditions}${TYPE} != "y";`;
    let statements = statementsOf(text); // once to warm up
    expect(elapsed(() => (statements = statementsOf(text)))).toBeLessThan(400);
    expect(statements[0]!.conditions.length).toBeGreaterThan(900);
  });

  it('evaluates a list of over 10,000 values a thousand times quickly, as a listing does', () => {
    const items: string[] = [];
    for (let length = 200, i = 0; length < MAX_POLICY_LENGTH - 10; i++) {
      items.push(`"${i.toString(36)}"`);
      length += items.at(-1)!.length + 1;
    }
    const values = items.slice(0, -1).join(',');
    const [statement] = statementsOf(`ALLOW ${READ} WHERE ${TYPE} NOT IN (${values});`);
    const list = statement!.conditions[0] as { values: readonly string[] };
    expect(list.values.length).toBeGreaterThan(10_000);
    const policies = [{ policyId: 'p', policyName: 'p', statements: [statement!] }];
    const decide = (type: string | number) => evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: type } }).allowed;
    expect(decide(list.values[5_000]!)).toBe(false);
    expect(decide('dashboard')).toBe(true);
    for (let i = 0; i < 100; i++) decide(`warm-up-${i}`);
    expect(elapsed(() => {
      for (let i = 0; i < 1000; i++) decide(`item-${i}`);
    })).toBeLessThan(400);
  });

  it('compares list values as the other operators do: numbers as numbers, text as text', () => {
    const [statement] = statementsOf(`ALLOW ${READ} WHERE ${TYPE} IN (7, "8", 0.5);`);
    const policies = [{ policyId: 'p', policyName: 'p', statements: [statement!] }];
    const decide = (type: string | number) => evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: type } }).allowed;
    expect([decide(7), decide('7'), decide('7.0'), decide(8), decide('8'), decide('08'), decide('0.50'), decide('seven')]).toEqual([
      true, true, true, true, true, false, true, false,
    ]);
  });

  it(`evaluates ${MAX_STATEMENTS} statements with lists in a few milliseconds at most`, () => {
    const list = Array.from({ length: 60 }, (_, i) => `"t${i}"`).join(', ');
    const text = Array.from({ length: MAX_STATEMENTS }, (_, i) => `ALLOW ${READ} WHERE ${TYPE} NOT IN (${list}) AND ${TYPE} != "s${i}";`).join('\n');
    const policies = [{ policyId: 'p', policyName: 'p', statements: statementsOf(text) }];
    expect(elapsed(() => {
      for (let i = 0; i < 200; i++) evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: `item-${i}` } });
    })).toBeLessThan(1000);
    expect(grantedPermissions(policies).conditionallyGranted.has(READ)).toBe(true);
  });
});
