// Policies at the limits of the language (65,536 characters, 100 statements) are saved, read and
// evaluated as any other. What they cost against small ones, so that no admin's policy can stall
// a token check or a listing: bench/limits.bench.ts.
import { describe, expect, it } from 'vitest';
import { evaluatePermission, grantedPermissions } from './policy-evaluator';
import { MAX_POLICY_LENGTH, MAX_STATEMENTS, parsePolicy, type Statement } from './policy-parser';

function statementsOf(text: string): Statement[] {
  expect(text.length).toBeLessThanOrEqual(MAX_POLICY_LENGTH);
  const result = parsePolicy(text, { saving: true });
  if (!result.ok) throw new Error(result.error.message);
  return result.statements;
}

/** The longest text of `part` repeated that still fits in a policy along with `rest`. */
function fill(part: string, rest: number): string {
  return part.repeat(Math.floor((MAX_POLICY_LENGTH - rest) / part.length));
}

const READ = 'document:documents:read';
const TYPE = 'document:document-type';

describe('policies at the limits', () => {
  it('parses a statement with as many permissions and conditions as fit', () => {
    const permissions = fill(`${READ}, `, MAX_POLICY_LENGTH / 2 + 100);
    const conditions = fill(`${TYPE} != "x" AND `, MAX_POLICY_LENGTH / 2 + 100);
    const text = `ALLOW ${permissions}${READ} WHERE ${conditions}${TYPE} != "y";`;
    const statements = statementsOf(text);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.permissions.length).toBeGreaterThan(1_000);
    expect(statements[0]!.conditions.length).toBeGreaterThan(900);
  });

  it('evaluates a list of over 10,000 values for a thousand items, as a listing does', () => {
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
    const allowed = Array.from({ length: 1_000 }, (_, i) => decide(i % 2 === 0 ? `item-${i}` : list.values[i * 10]!));
    expect(allowed.filter(Boolean)).toHaveLength(500);
    expect(allowed.every((decision, i) => decision === (i % 2 === 0))).toBe(true);
  });

  it('compares list values as the other operators do: numbers as numbers, text as text', () => {
    const [statement] = statementsOf(`ALLOW ${READ} WHERE ${TYPE} IN (7, "8", 0.5);`);
    const policies = [{ policyId: 'p', policyName: 'p', statements: [statement!] }];
    const decide = (type: string | number) => evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: type } }).allowed;
    expect([decide(7), decide('7'), decide('7.0'), decide(8), decide('8'), decide('08'), decide('0.50'), decide('seven')]).toEqual([
      true, true, true, true, true, false, true, false,
    ]);
  });

  it(`evaluates ${MAX_STATEMENTS} statements with lists`, () => {
    const list = Array.from({ length: 60 }, (_, i) => `"t${i}"`).join(', ');
    const text = Array.from({ length: MAX_STATEMENTS }, (_, i) => `ALLOW ${READ} WHERE ${TYPE} NOT IN (${list}) AND ${TYPE} != "s${i}";`).join('\n');
    const policies = [{ policyId: 'p', policyName: 'p', statements: statementsOf(text) }];
    const decide = (type: string) => evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: type } });
    expect(policies[0]!.statements).toHaveLength(MAX_STATEMENTS);
    expect(decide('item-1').allowed).toBe(true);
    // Each statement excludes its own value and the list: one of them still allows "s7", none allows "t3".
    expect(decide('s7').allowed).toBe(true);
    expect(decide('t3').allowed).toBe(false);
    expect(grantedPermissions(policies).conditionallyGranted.has(READ)).toBe(true);
  });
});
