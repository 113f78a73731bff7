import { describe, expect, it } from 'vitest';
import { formatPolicyError, MAX_POLICY_LENGTH, parsePolicy, type ParseResult, type Statement } from './policy-parser';

function statementsOf(text: string): Statement[] {
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(`expected the policy to parse, got: ${formatPolicyError(result.error)}`);
  return result.statements;
}

function errorOf(text: string): string {
  const result: ParseResult = parsePolicy(text);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  return formatPolicyError(result.error);
}

const PRODUCT_EXAMPLE = `// comment
ALLOW storage:logs:read, storage:buckets:read;
ALLOW iam:service-users:use WHERE iam:service-user-email IN ("a@service.example.com", "b@service.example.com");
DENY document:documents:delete WHERE document:document-type = "dashboard";
`;

describe('parsePolicy: email literals', () => {
  const EMAIL_IN = 'ALLOW iam:service-users:use WHERE iam:service-user-email IN ';

  it('compares them trimmed and lowercased, and gives the text to save with them so', () => {
    const text = `// keep the comment As Is\n${EMAIL_IN}(" CI-Bot@Service.Example.com", 'Exporter@service.example.com ');\nDENY iam:service-users:use WHERE iam:service-user-email = "X@Service.Example.com";`;
    const result = parsePolicy(text, { saving: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.statements.map((s) => s.conditions)).toEqual([
      [{ attribute: 'iam:service-user-email', operator: 'IN', values: ['ci-bot@service.example.com', 'exporter@service.example.com'] }],
      [{ attribute: 'iam:service-user-email', operator: '=', value: 'x@service.example.com' }],
    ]);
    expect(result.normalized).toBe(
      `// keep the comment As Is\n${EMAIL_IN}("ci-bot@service.example.com", 'exporter@service.example.com');\nDENY iam:service-users:use WHERE iam:service-user-email = "x@service.example.com";`,
    );
    // Other attributes keep their case.
    const other = parsePolicy('DENY document:documents:read WHERE document:document-type = "Dashboard";');
    expect(other.ok && other.normalized).toBe('DENY document:documents:read WHERE document:document-type = "Dashboard";');
  });

  it('refuses, when saving, one that is not a valid email, with its line and column', () => {
    const refuse = (text: string) => {
      const result = parsePolicy(text, { saving: true });
      return result.ok ? null : formatPolicyError(result.error);
    };
    expect(refuse(`${EMAIL_IN}("ci-bot@service.example.com",\n  "ci-bot at service");`)).toBe(
      "'ci-bot at service' is not a valid email address at line 2, column 3",
    );
    expect(refuse(`${EMAIL_IN}("   ");`)).toBe("'' is not a valid email address at line 1, column 62");
    expect(refuse('DENY iam:service-users:use WHERE iam:service-user-email = 42;')).toBe(
      "'iam:service-user-email' is compared with an email address in quotes, not a number at line 1, column 59",
    );
    // Read as stored, the same text parses: a saved policy never turns into deny-everything.
    expect(parsePolicy(`${EMAIL_IN}("ci-bot at service");`).ok).toBe(true);
  });
});

describe('parsePolicy: valid policies', () => {
  it('parses the example of PRODUCT.md §6', () => {
    expect(statementsOf(PRODUCT_EXAMPLE)).toEqual([
      {
        effect: 'ALLOW',
        permissions: ['storage:logs:read', 'storage:buckets:read'],
        conditions: [],
        text: 'ALLOW storage:logs:read, storage:buckets:read;',
        line: 2,
        column: 1,
      },
      {
        effect: 'ALLOW',
        permissions: ['iam:service-users:use'],
        conditions: [
          { attribute: 'iam:service-user-email', operator: 'IN', values: ['a@service.example.com', 'b@service.example.com'] },
        ],
        text: 'ALLOW iam:service-users:use WHERE iam:service-user-email IN ("a@service.example.com", "b@service.example.com");',
        line: 3,
        column: 1,
      },
      {
        effect: 'DENY',
        permissions: ['document:documents:delete'],
        conditions: [{ attribute: 'document:document-type', operator: '=', value: 'dashboard' }],
        text: 'DENY document:documents:delete WHERE document:document-type = "dashboard";',
        line: 4,
        column: 1,
      },
    ]);
  });

  it('accepts an empty policy and one with only comments and whitespace', () => {
    expect(statementsOf('')).toEqual([]);
    expect(statementsOf('  \n\t// nothing here\r\n   // nor here')).toEqual([]);
  });

  it('ignores trailing comments and keeps them out of the statement text', () => {
    const [statement] = statementsOf('  ALLOW email:emails:send; // the mailer\nALLOW davis:analyzers:read;// x');
    expect(statement?.text).toBe('ALLOW email:emails:send;');
    expect(statement?.column).toBe(3);
  });

  it('reads keywords in any case, but permissions only as written', () => {
    const [statement] = statementsOf(
      'allow document:documents:read where document:document-type not in ("a") And document:document-type NOT STARTSWITH "b";',
    );
    expect(statement?.effect).toBe('ALLOW');
    expect(statement?.conditions.map((c) => c.operator)).toEqual(['NOT IN', 'NOT startsWith']);
    expect(errorOf('ALLOW Document:documents:read;')).toBe("Unknown permission 'Document:documents:read' at line 1, column 7");
  });

  it('takes both quote kinds and unescapes quotes and backslashes', () => {
    const [statement] = statementsOf(
      String.raw`ALLOW document:documents:read WHERE document:document-type IN ("it's", 'say "hi"', "a\"b", 'c\'d', "back\\slash", '\"');`,
    );
    expect(statement?.conditions[0]).toEqual({
      attribute: 'document:document-type',
      operator: 'IN',
      values: ["it's", 'say "hi"', 'a"b', "c'd", 'back\\slash', '"'],
    });
  });

  it('keeps unicode inside strings and comments', () => {
    const [statement] = statementsOf('// Zürich 😀\nALLOW document:documents:read WHERE document:document-type = "📊 Übersicht";');
    expect(statement?.conditions[0]).toMatchObject({ value: '📊 Übersicht' });
  });

  it('reads numbers as numbers and quoted numerals as strings', () => {
    const [statement] = statementsOf(
      'ALLOW state:app-states:read WHERE state:app-id > -1.5 AND state:app-id < "10" AND state:app-id != 7;',
    );
    expect(statement?.conditions).toEqual([
      { attribute: 'state:app-id', operator: '>', value: -1.5 },
      { attribute: 'state:app-id', operator: '<', value: '10' },
      { attribute: 'state:app-id', operator: '!=', value: 7 },
    ]);
  });

  it('accepts every operator where the attribute allows it', () => {
    for (const condition of ['= "a"', '!= "a"', '< "a"', '> "a"', 'IN ("a")', 'NOT IN ("a", "b")', 'startsWith "a"', 'NOT startsWith "a"']) {
      expect(statementsOf(`DENY document:documents:write WHERE document:document-type ${condition};`)).toHaveLength(1);
    }
    expect(statementsOf('ALLOW iam:service-users:use WHERE iam:service-user-email = "ci-bot@service.example.com";')).toHaveLength(1);
  });

  it('splits statements on ";" wherever the line breaks are, and CRLF counts as one line', () => {
    const statements = statementsOf('ALLOW email:emails:send; DENY\r\n  davis:analyzers:read\r\n  ;');
    expect(statements.map((s) => [s.line, s.column, s.text])).toEqual([
      [1, 1, 'ALLOW email:emails:send;'],
      [1, 26, 'DENY\r\n  davis:analyzers:read\r\n  ;'],
    ]);
  });

  it('allows 100 statements and refuses the 101st where it starts', () => {
    const line = 'ALLOW email:emails:send;\n';
    expect(statementsOf(line.repeat(100))).toHaveLength(100);
    expect(errorOf(line.repeat(100) + '  ' + line)).toBe('A policy can have at most 100 statements at line 101, column 3');
  });

  it(`refuses text longer than ${MAX_POLICY_LENGTH} characters`, () => {
    const comment = `//${'x'.repeat(MAX_POLICY_LENGTH - 2)}`;
    expect(statementsOf(comment)).toEqual([]);
    expect(errorOf(`${comment}y`)).toBe(`The policy is longer than ${MAX_POLICY_LENGTH} characters at line 1, column ${MAX_POLICY_LENGTH + 1}`);
  });
});

describe('parsePolicy: errors point at the first problem', () => {
  const P = 'document:documents:read';
  const W = `ALLOW ${P} WHERE document:document-type`; // 58 characters
  const cases: [name: string, text: string, message: string, line: number, column: number][] = [
    ['not a statement', 'PERMIT email:emails:send;', "Expected 'ALLOW' or 'DENY', found 'PERMIT'", 1, 1],
    ['empty statement', 'ALLOW email:emails:send;;', "Expected 'ALLOW' or 'DENY', found ';'", 1, 25],
    ['no permission', 'ALLOW ;', "Expected a permission after 'ALLOW', found ';'", 1, 7],
    ['keyword as permission', 'DENY WHERE;', "Expected a permission after 'DENY', found 'WHERE'", 1, 6],
    ['unknown permission', '\nALLOW foo:bar;', "Unknown permission 'foo:bar'", 2, 7],
    ['trailing comma', 'ALLOW email:emails:send, ;', "Expected a permission after ',', found ';'", 1, 26],
    ['missing ; at the end', 'ALLOW email:emails:send', "Expected ';' after the statement", 1, 24],
    ['missing ; before a comment', 'ALLOW email:emails:send // done', "Expected ';' after the statement", 1, 24],
    ['missing ; before the next line', '// x\n\nALLOW email:emails:send, davis:analyzers:read\nDENY email:emails:send;', "Expected ';' after the statement", 3, 46],
    ['missing comma', 'ALLOW email:emails:send davis:analyzers:read;', "Expected ',', 'WHERE' or ';' after the permission, found 'davis:analyzers:read'", 1, 25],
    ['missing ; after a condition', `${W} = "a"\n`, "Expected ';' after the statement", 1, 65],
    ['OR is not a keyword', `${W} = "a" OR x;`, "Expected 'AND' or ';' after the condition, found 'OR'", 1, 66],
    ['no attribute', `ALLOW ${P} WHERE ;`, "Expected an attribute after 'WHERE', found ';'", 1, 37],
    ['no attribute after AND', `${W} = "a" AND;`, "Expected an attribute after 'AND', found ';'", 1, 69],
    ['unknown attribute', `ALLOW ${P} WHERE document:owner = "x";`, "Unknown attribute 'document:owner'", 1, 37],
    ['attribute of another permission', `ALLOW ${P} WHERE state:app-id = "x";`, "Attribute 'state:app-id' is not supported by permission 'document:documents:read'", 1, 37],
    ['attribute of one of two permissions', `ALLOW ${P}, email:emails:send WHERE document:document-type = "x";`, "Attribute 'document:document-type' is not supported by permission 'email:emails:send'", 1, 56],
    ['no operator', `${W} "a";`, "Expected an operator (=, !=, <, >, IN, NOT IN, startsWith, NOT startsWith) after 'document:document-type', found '\"a\"'", 1, 60],
    ['== is not an operator', `${W} == "a";`, "Expected a quoted string or a number after '=', found '='", 1, 61],
    ['NOT alone', `${W} NOT = "a";`, "Expected 'IN' or 'startsWith' after 'NOT', found '='", 1, 64],
    ['IN without parentheses', `${W} IN "a";`, "Expected '(' after 'IN', found '\"a\"'", 1, 63],
    ['empty IN list', `${W} IN ();`, "The list after 'IN' must not be empty", 1, 64],
    ['empty NOT IN list', `${W} NOT IN ( );`, "The list after 'NOT IN' must not be empty", 1, 69],
    ['unclosed IN list', `${W} IN ("a" "b");`, "Expected ',' or ')' in the list, found '\"b\"'", 1, 68],
    ['IN list runs to the end', `${W} IN ("a",`, "Expected a quoted string or a number after ',', found the end of the policy", 1, 68],
    ['unquoted value', `${W} = dashboard;`, "Expected a quoted string or a number after '=', found 'dashboard'", 1, 62],
    ['number after startsWith', `${W} startsWith 1;`, "Expected a quoted string after 'startsWith', found '1'", 1, 71],
    ['startsWith on a service user email', 'ALLOW iam:service-users:use WHERE iam:service-user-email startsWith "ci-";', "Operator 'startsWith' is not allowed for attribute 'iam:service-user-email' (allowed: =, IN)", 1, 58],
    ['NOT IN on a service user email', 'ALLOW iam:service-users:use\n  WHERE iam:service-user-email NOT IN ("x");', "Operator 'NOT IN' is not allowed for attribute 'iam:service-user-email' (allowed: =, IN)", 2, 32],
    ['!= on a service user email', 'ALLOW iam:service-users:use WHERE iam:service-user-email != "x";', "Operator '!=' is not allowed for attribute 'iam:service-user-email' (allowed: =, IN)", 1, 58],
    ['unterminated string', `${W} = "dash;\nALLOW email:emails:send;`, 'Unterminated string', 1, 62],
    ['unterminated string at the end', `${W} = 'dash\\'`, 'Unterminated string', 1, 62],
    ['unknown escape', `${W} = "a\\nb";`, "Invalid escape sequence '\\n' in a string (only \\\", \\' and \\\\ are allowed)", 1, 64],
    ['stray character', 'ALLOW email:emails:send; @', "Unexpected character '@'", 1, 26],
    ['lone !', `${W} ! "a";`, "Unexpected character '!'", 1, 60],
    ['unicode inside a name', 'ALLOW email:emails:sënd;', "Unknown permission 'email:emails:sënd'", 1, 7],
    ['emoji outside a string', 'ALLOW 📊;', "Unexpected character '📊'", 1, 7],
    ['NUL in a string', `${W} = "a\u0000";`, 'Control character U+0000 is not allowed', 1, 64],
    ['NUL in a comment', '// a\u0000b\nALLOW email:emails:send;', 'Control character U+0000 is not allowed', 1, 5],
    ['NUL between tokens', 'ALLOW\u0000 email:emails:send;', 'Control character U+0000 is not allowed', 1, 6],
    ['unpaired surrogate', `${W} = "\ud800";`, 'Invalid character (unpaired surrogate)', 1, 63],
    ['invalid number', `${W} < 1.2.3;`, "Invalid number '1.2.3'", 1, 62],
    ['an earlier semantic error wins over a later lexical one', 'ALLOW foo:bar "unterminated', "Unknown permission 'foo:bar'", 1, 7],
  ];

  it.each(cases)('%s', (_name, text, message, line, column) => {
    expect(parsePolicy(text)).toEqual({ ok: false, error: { message, line, column } });
  });
});

describe('formatPolicyError', () => {
  it('says what is wrong and where', () => {
    expect(formatPolicyError({ message: "Expected ';' after the statement", line: 3, column: 17 })).toBe(
      "Expected ';' after the statement at line 3, column 17",
    );
  });
});
