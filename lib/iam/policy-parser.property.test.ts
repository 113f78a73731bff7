// Property test of the parser's contract: whatever the input, it answers (never throws), and an
// error always points inside the input. Seeded, so a failure reproduces; no extra dependencies.
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from './permissions';
import { parsePolicy, type ParseResult } from './policy-parser';

/** mulberry32: small, fast and good enough to drive a fuzzer. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = ReturnType<typeof prng>;

const int = (random: Random, n: number): number => Math.floor(random() * n);
function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[int(random, items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const KEYWORDS = ['ALLOW', 'DENY', 'WHERE', 'AND', 'IN', 'NOT', 'startsWith', 'OR', 'allow', 'Deny', 'where', 'not in'];
const NAMES = [
  ...PERMISSIONS.slice(0, 8).map((p) => p.name),
  'iam:service-users:use',
  'iam:service-user-email',
  'document:document-type',
  'state:app-id',
  'foo:bar',
  'x',
  '_',
];
const PUNCTUATION = [',', ';', '(', ')', '=', '!=', '<', '>', '!', '==', '-', '.', ':', '//', '/', '\\', '"', "'", '`', '@', '#', '*'];
const ODD = ['\u0000', '\u0001', '\u007f', '\u0085', '\ud800', '\udc00', '😀', 'é', 'ß', '\u00a0', '\ufeff', '\u2028', '\t', '\r', '\n', '\r\n', ' '];
const VALUES = ['"a@service.example.com"', "'dashboard'", '"it\\"s"', "'c\\'d'", '"\\\\"', '"\\n"', '"unterminated', "'", '42', '-1.5', '1.2.3', '9'.repeat(400)];

function soupPiece(random: Random): string {
  switch (int(random, 7)) {
    case 0:
      return pick(random, KEYWORDS);
    case 1:
      return pick(random, NAMES);
    case 2:
      return pick(random, PUNCTUATION);
    case 3:
      return pick(random, ODD);
    case 4:
      return pick(random, VALUES);
    case 5:
      return String.fromCharCode(int(random, 0x10000));
    default:
      // Very long tokens of one kind: names, strings, comments, whitespace.
      return pick(random, ['a', '"', ' ', '/', '9', ':', '😀']).repeat(1 + int(random, 3000));
  }
}

function tokenSoup(random: Random): string {
  const pieces: string[] = [];
  const count = int(random, 40);
  for (let i = 0; i < count; i++) pieces.push(soupPiece(random), random() < 0.5 ? ' ' : '');
  return pieces.join('');
}

function randomCodeUnits(random: Random): string {
  const length = int(random, 200);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(random() < 0.7 ? 32 + int(random, 95) : int(random, 0x10000));
  return text;
}

const VALID = [
  `// comment
ALLOW storage:logs:read, storage:buckets:read;
ALLOW iam:service-users:use WHERE iam:service-user-email IN ("a@service.example.com", "b@service.example.com");
DENY document:documents:delete WHERE document:document-type = "dashboard";`,
  `allow document:documents:read, document:documents:write where document:document-type not in ('x', "y") and document:document-type NOT startsWith "tmp-";
DENY state:app-states:write WHERE state:app-id < 10 AND state:app-id > "a"; // trailing`,
  'ALLOW settings:objects:read WHERE settings:schema-id startsWith "builtin:";\r\nDENY email:emails:send;',
];

function mutate(random: Random, text: string): string {
  let result = text;
  const rounds = 1 + int(random, 4);
  for (let r = 0; r < rounds; r++) {
    const at = int(random, result.length + 1);
    const to = Math.min(result.length, at + int(random, 20));
    switch (int(random, 5)) {
      case 0:
        result = result.slice(0, at) + result.slice(to);
        break;
      case 1:
        result = result.slice(0, at) + soupPiece(random) + result.slice(at);
        break;
      case 2:
        result = result.slice(0, at) + result.slice(at, to).repeat(2) + result.slice(to);
        break;
      case 3:
        result = result.slice(0, at);
        break;
      default:
        result = result.slice(0, at) + String.fromCharCode(int(random, 0x10000)) + result.slice(at + 1);
    }
  }
  return result;
}

/** What is wrong with this answer for this input, or null when it keeps the contract. */
function violation(text: string, result: ParseResult): string | null {
  if (result.ok) {
    for (const statement of result.statements) {
      const lineText = text.split('\n')[statement.line - 1] ?? '';
      if (!text.includes(statement.text) || !lineText.slice(statement.column - 1).startsWith(statement.text.split('\n')[0] ?? '')) {
        return `statement text ${JSON.stringify(statement.text)} is not at ${statement.line}:${statement.column}`;
      }
    }
    const again = parsePolicy(result.statements.map((s) => s.text).join('\n'));
    if (!again.ok || JSON.stringify(again.statements.map((s) => [s.effect, s.permissions, s.conditions])) !== JSON.stringify(result.statements.map((s) => [s.effect, s.permissions, s.conditions]))) {
      return 'the statement texts do not parse back to the same statements';
    }
    return null;
  }
  const { message, line, column } = result.error;
  const lines = text.split('\n');
  if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || column < 1) return `bad position ${line}:${column}`;
  if (line > lines.length) return `line ${line} beyond ${lines.length} lines`;
  const lineLength = lines[line - 1]?.length ?? 0;
  if (column > lineLength + 1) return `column ${column} beyond line ${line} of length ${lineLength}`;
  if (message.length === 0 || message === 'The policy could not be read') return `unhelpful message ${JSON.stringify(message)}`;
  if (!message.isWellFormed()) return 'the message is not well-formed text';
  return null;
}

/** Returns how many inputs parsed, so a test can make sure both outcomes were exercised. */
function check(generate: (random: Random) => string, seed: number, runs: number): number {
  const random = prng(seed);
  const failures: string[] = [];
  let parsed = 0;
  for (let run = 0; run < runs && failures.length < 5; run++) {
    const text = generate(random);
    let result: ParseResult;
    try {
      result = parsePolicy(text);
    } catch (e) {
      failures.push(`threw ${String(e)} on ${JSON.stringify(text.slice(0, 200))}`);
      continue;
    }
    if (result.ok) parsed++;
    const problem = violation(text, result);
    if (problem) failures.push(`${problem} (run ${run}): ${JSON.stringify(text.slice(0, 200))}`);
  }
  expect(failures).toEqual([]);
  return parsed;
}

describe('parsePolicy never throws and always points inside the input', () => {
  it('on random mixes of keywords, names, punctuation, quotes, unicode and NUL', () => {
    check(tokenSoup, 0x5eed, 4000);
  });

  it('on random UTF-16 code units', () => {
    check(randomCodeUnits, 0xc0de, 3000);
  });

  it('on random mutations of valid policies', () => {
    const parsed = check((random) => mutate(random, pick(random, VALID)), 0xbeef, 5000);
    expect(parsed).toBeGreaterThan(100);
    expect(parsed).toBeLessThan(4900);
  });

  it('on inputs past the length limit and on huge statement counts', () => {
    check((random) => 'ALLOW email:emails:send;'.repeat(90 + int(random, 3000)) + tokenSoup(random), 0xf00d, 30);
  });

  it('on values that are not text at all', () => {
    for (const value of [undefined, null, 42, {}, []]) {
      // Callers in JavaScript land (form data, JSON) can hand over anything.
      const result = parsePolicy(value as unknown as string);
      expect(result.ok).toBe(false);
    }
  });
});
