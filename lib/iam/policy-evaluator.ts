// Pure evaluation of parsed policies (PRODUCT.md §6): any matching DENY wins over any ALLOW, and
// no matching ALLOW means no permission.
//
// A statement matches a request when it names the requested permission and every one of its
// conditions holds. A condition on an attribute the request does not carry never holds, whatever
// its operator (`!=` and `NOT IN` included). So when the attribute is absent, a conditional ALLOW
// does not grant and a conditional DENY does not deny; only unconditional statements decide.
// Services therefore pass every attribute they know for the request.
//
// An email attribute (`iam:service-user-email`) compares trimmed and without regard to case.
// Other comparisons follow the policy's literal: against a number literal (`< 10`) a request value that
// is a number or a decimal numeral compares numerically; in every other case both sides compare
// as strings, by UTF-16 code units (`< "10"` is lexicographic).

import { comparableValue } from './permissions';
import type { Condition, ConditionValue, Effect, Statement } from './policy-parser';

export interface PolicyInEffect {
  policyId: string;
  policyName: string;
  statements: readonly Statement[];
  /**
   * Only the policy's DENY statements count: it is bound to some environments only, and the
   * decision is one for the whole account (policies-in-effect.ts), where its ALLOWs grant nothing.
   */
  denyOnly?: boolean;
}

export type RequestAttributes = Readonly<Record<string, string | number | undefined>>;

export interface PermissionRequest {
  permission: string;
  attributes?: RequestAttributes;
}

export interface DecidingStatement {
  policyId: string;
  policyName: string;
  /** 0-based index into the policy's statements. */
  statementIndex: number;
  effect: Effect;
  text: string;
}

export interface Decision {
  allowed: boolean;
  /** The DENY that won, or the first ALLOW that granted; null when nothing matched. */
  decidedBy: DecidingStatement | null;
  reason: string;
}

export function evaluatePermission(policies: readonly PolicyInEffect[], request: PermissionRequest): Decision {
  const attributes = request.attributes ?? {};
  let firstAllow: DecidingStatement | null = null;
  let unmetConditions = 0;
  for (const { policyId, policyName, statements, denyOnly } of policies) {
    for (const [statementIndex, statement] of statements.entries()) {
      if (denyOnly && statement.effect === 'ALLOW') continue;
      if (!statement.permissions.includes(request.permission)) continue;
      if (!statement.conditions.every((c) => conditionHolds(c, attributes))) {
        unmetConditions++;
        continue;
      }
      const decided = { policyId, policyName, statementIndex, effect: statement.effect, text: statement.text };
      if (statement.effect === 'DENY') return denied(decided);
      firstAllow ??= decided;
    }
  }
  return firstAllow ? allowed(firstAllow) : notGranted(request.permission, unmetConditions);
}

function describe(statement: DecidingStatement): string {
  return `statement ${statement.statementIndex + 1} of policy '${statement.policyName}': ${statement.text}`;
}

function allowed(statement: DecidingStatement): Decision {
  return { allowed: true, decidedBy: statement, reason: `Allowed by ${describe(statement)}` };
}

function denied(statement: DecidingStatement): Decision {
  return { allowed: false, decidedBy: statement, reason: `Denied by ${describe(statement)}` };
}

function notGranted(permission: string, unmetConditions: number): Decision {
  const detail =
    unmetConditions === 0
      ? ''
      : ` for this request (the conditions of ${unmetConditions} statement${unmetConditions === 1 ? '' : 's'} naming it do not hold)`;
  return { allowed: false, decidedBy: null, reason: `No policy statement grants '${permission}'${detail}` };
}

export function conditionHolds(condition: Condition, attributes: RequestAttributes): boolean {
  const given = Object.hasOwn(attributes, condition.attribute) ? attributes[condition.attribute] : undefined;
  if (given === undefined) return false;
  // The parser gives literals in this form too (an email lowercased), so such attributes compare without regard to case.
  const actual = comparableValue(condition.attribute, given);
  switch (condition.operator) {
    case '=':
      return compare(actual, condition.value) === 0;
    case '!=':
      return compare(actual, condition.value) !== 0;
    case '<':
      return compare(actual, condition.value) < 0;
    case '>':
      return compare(actual, condition.value) > 0;
    case 'IN':
      return inList(condition.values, actual);
    case 'NOT IN':
      return !inList(condition.values, actual);
    case 'startsWith':
      return String(actual).startsWith(String(condition.value));
    case 'NOT startsWith':
      return !String(actual).startsWith(String(condition.value));
  }
}

interface ListLookup {
  strings: ReadonlySet<string>;
  numbers: ReadonlySet<number>;
  numberTexts: ReadonlySet<string>;
}

// A list may hold thousands of values and is asked for every item of a listing: it is looked up
// in sets built once per parsed list, with the same outcome as comparing with each value.
const LIST_LOOKUPS = new WeakMap<readonly ConditionValue[], ListLookup>();

function listLookup(values: readonly ConditionValue[]): ListLookup {
  let lookup = LIST_LOOKUPS.get(values);
  if (!lookup) {
    const strings = new Set<string>();
    const numbers = new Set<number>();
    for (const v of values) {
      if (typeof v === 'number') numbers.add(v);
      else strings.add(v);
    }
    lookup = { strings, numbers, numberTexts: new Set([...numbers].map(String)) };
    LIST_LOOKUPS.set(values, lookup);
  }
  return lookup;
}

/** Whether `actual` equals one of the values, as `compare` decides equality. */
function inList(values: readonly ConditionValue[], actual: string | number): boolean {
  const { strings, numbers, numberTexts } = listLookup(values);
  const text = String(actual);
  if (strings.has(text)) return true;
  if (numbers.size === 0) return false;
  const numeric = asNumber(actual);
  return numeric !== null ? numbers.has(numeric) : numberTexts.has(text);
}

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

function asNumber(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return DECIMAL.test(value) ? Number(value) : null;
}

/** Negative, zero or positive as `actual` sorts before, with or after `expected`. */
function compare(actual: string | number, expected: ConditionValue): number {
  if (typeof expected === 'number') {
    const numeric = asNumber(actual);
    if (numeric !== null) return Math.sign(numeric - expected);
  }
  const a = String(actual);
  const b = String(expected);
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface PermissionSummary {
  /** Granted by an unconditional ALLOW and not restricted by any DENY. */
  granted: ReadonlySet<string>;
  /**
   * Granted for some requests only: every ALLOW naming it has conditions, or a conditional DENY
   * restricts it. Whether a particular request passes takes evaluatePermission.
   */
  conditionallyGranted: ReadonlySet<string>;
}

/** What an identity holds regardless of request attributes, for display and effective permissions. */
export function grantedPermissions(policies: readonly PolicyInEffect[]): PermissionSummary {
  const allowedAlways = new Set<string>();
  const allowedSometimes = new Set<string>();
  const deniedAlways = new Set<string>();
  const deniedSometimes = new Set<string>();
  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (policy.denyOnly && statement.effect === 'ALLOW') continue;
      const unconditional = statement.conditions.length === 0;
      const target =
        statement.effect === 'ALLOW'
          ? unconditional ? allowedAlways : allowedSometimes
          : unconditional ? deniedAlways : deniedSometimes;
      for (const permission of statement.permissions) target.add(permission);
    }
  }
  const granted = new Set<string>();
  const conditionallyGranted = new Set<string>();
  for (const permission of new Set([...allowedAlways, ...allowedSometimes])) {
    if (deniedAlways.has(permission)) continue;
    if (allowedAlways.has(permission) && !deniedSometimes.has(permission)) granted.add(permission);
    else conditionallyGranted.add(permission);
  }
  return { granted, conditionallyGranted };
}
