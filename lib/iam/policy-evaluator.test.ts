import { describe, expect, it } from 'vitest';
import { evaluatePermission, grantedPermissions, type PolicyInEffect, type RequestAttributes } from './policy-evaluator';
import { formatPolicyError, parsePolicy } from './policy-parser';

function policy(policyName: string, text: string): PolicyInEffect {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(`test policy does not parse: ${formatPolicyError(parsed.error)}`);
  return { policyId: `id-${policyName}`, policyName, statements: parsed.statements };
}

const READ = 'document:documents:read';
const TYPE = 'document:document-type';
const when = (condition: string): PolicyInEffect[] => [policy('p', `ALLOW ${READ} WHERE ${TYPE} ${condition};`)];

describe('evaluatePermission: operators', () => {
  const cases: [condition: string, value: string | number | undefined, allowed: boolean][] = [
    ['= "dashboard"', 'dashboard', true],
    ['= "dashboard"', 'notebook', false],
    ['= "dashboard"', 'Dashboard', false],
    ['!= "dashboard"', 'notebook', true],
    ['!= "dashboard"', 'dashboard', false],
    ['< "m"', 'dashboard', true],
    ['< "m"', 'notebook', false],
    ['> "m"', 'notebook', true],
    ['> "m"', 'dashboard', false],
    ['< 10', 9, true],
    ['< 10', 10, false],
    ['< 10', '9', true], // a numeral from a URL compares as a number against a number literal
    ['> 2', 10, true],
    ['> 2.5', '2.25', false],
    ['< "10"', 9, false], // a quoted literal compares as text: "9" sorts after "10"
    ['= 7', '7.0', true],
    ['= 7', 'seven', false],
    ['IN ("dashboard", "notebook")', 'notebook', true],
    ['IN ("dashboard", "notebook")', 'launchpad', false],
    ['NOT IN ("dashboard", "notebook")', 'launchpad', true],
    ['NOT IN ("dashboard", "notebook")', 'dashboard', false],
    ['startsWith "dash"', 'dashboard', true],
    ['startsWith "dash"', 'notebook', false],
    ['NOT startsWith "dash"', 'notebook', true],
    ['NOT startsWith "dash"', 'dashboard', false],
    // An absent attribute satisfies no condition, negated ones included.
    ['= "dashboard"', undefined, false],
    ['!= "dashboard"', undefined, false],
    ['NOT IN ("dashboard")', undefined, false],
    ['NOT startsWith "dash"', undefined, false],
  ];

  it.each(cases)('%s with %j: allowed %s', (condition, value, allowed) => {
    const attributes: RequestAttributes = value === undefined ? {} : { [TYPE]: value };
    expect(evaluatePermission(when(condition), { permission: READ, attributes }).allowed).toBe(allowed);
  });

  it('needs every condition of a statement to hold', () => {
    const policies = when('startsWith "dash" AND document:document-type != "dashboard-old"');
    expect(evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: 'dashboard' } }).allowed).toBe(true);
    expect(evaluatePermission(policies, { permission: READ, attributes: { [TYPE]: 'dashboard-old' } }).allowed).toBe(false);
  });
});

describe('evaluatePermission: decisions', () => {
  const developers = policy(
    'Developers',
    `// what the team needs
ALLOW document:documents:read, document:documents:write, document:documents:delete;
DENY document:documents:delete WHERE document:document-type = "dashboard";`,
  );

  it('allows by an unconditional ALLOW and names the statement', () => {
    expect(evaluatePermission([developers], { permission: 'document:documents:write' })).toEqual({
      allowed: true,
      decidedBy: {
        policyId: 'id-Developers',
        policyName: 'Developers',
        statementIndex: 0,
        effect: 'ALLOW',
        text: 'ALLOW document:documents:read, document:documents:write, document:documents:delete;',
      },
      reason:
        "Allowed by statement 1 of policy 'Developers': ALLOW document:documents:read, document:documents:write, document:documents:delete;",
    });
  });

  it('lets a matching DENY win over an ALLOW', () => {
    const decision = evaluatePermission([developers], {
      permission: 'document:documents:delete',
      attributes: { [TYPE]: 'dashboard' },
    });
    expect(decision.allowed).toBe(false);
    expect(decision.decidedBy).toMatchObject({ policyName: 'Developers', statementIndex: 1, effect: 'DENY' });
    expect(decision.reason).toBe(
      `Denied by statement 2 of policy 'Developers': DENY document:documents:delete WHERE ${TYPE} = "dashboard";`,
    );
  });

  it('does not apply a conditional DENY when the attribute is absent or differs', () => {
    expect(evaluatePermission([developers], { permission: 'document:documents:delete' }).allowed).toBe(true);
    const notebook = { permission: 'document:documents:delete', attributes: { [TYPE]: 'notebook' } };
    expect(evaluatePermission([developers], notebook).allowed).toBe(true);
  });

  it('denies when no statement names the permission, or there is no policy at all', () => {
    expect(evaluatePermission([developers], { permission: 'storage:logs:read' })).toEqual({
      allowed: false,
      decidedBy: null,
      reason: "No policy statement grants 'storage:logs:read'",
    });
    expect(evaluatePermission([], { permission: READ }).allowed).toBe(false);
    expect(evaluatePermission([policy('empty', '// nothing yet')], { permission: READ }).allowed).toBe(false);
  });

  it('says when an ALLOW exists but its conditions do not hold', () => {
    const decision = evaluatePermission(when('= "dashboard"'), { permission: READ });
    expect(decision.reason).toBe(
      `No policy statement grants '${READ}' for this request (the conditions of 1 statement naming it do not hold)`,
    );
  });

  it('combines policies: an ALLOW in one, a DENY in another', () => {
    const readers = policy('Readers', 'ALLOW storage:logs:read, storage:buckets:read;');
    const lockdown = policy('Lockdown', 'DENY storage:logs:read;');
    expect(evaluatePermission([readers], { permission: 'storage:logs:read' }).allowed).toBe(true);
    const decision = evaluatePermission([readers, lockdown], { permission: 'storage:logs:read' });
    expect(decision).toMatchObject({ allowed: false, decidedBy: { policyName: 'Lockdown', statementIndex: 0 } });
    // Order does not matter: a DENY wins wherever it is.
    expect(evaluatePermission([lockdown, readers], { permission: 'storage:logs:read' }).allowed).toBe(false);
    expect(evaluatePermission([readers, lockdown], { permission: 'storage:buckets:read' }).decidedBy?.policyName).toBe('Readers');
  });

  it('grants iam:service-users:use only for the listed service user emails', () => {
    const alice = policy(
      'Alice may use the CI bot',
      'ALLOW iam:service-users:use WHERE iam:service-user-email IN ("ci-bot@service.example.com", "deploy@service.example.com");',
    );
    const use = (email: string | undefined) =>
      evaluatePermission([alice], { permission: 'iam:service-users:use', attributes: { 'iam:service-user-email': email } }).allowed;
    expect(use('ci-bot@service.example.com')).toBe(true);
    expect(use('deploy@service.example.com')).toBe(true);
    expect(use('exporter@service.example.com')).toBe(false);
    // An email compares without regard to case or surrounding spaces.
    expect(use('CI-BOT@service.example.com')).toBe(true);
    expect(use(' ci-bot@service.example.com ')).toBe(true);
    expect(use(undefined)).toBe(false);
  });

  it('lets a DENY of a saved email in other letter case or with spaces match', () => {
    // Saved before emails were normalized on save: read as stored, compared case-insensitively.
    const stored = policy('Old lockdown', 'DENY iam:service-users:use WHERE iam:service-user-email IN (" CI-Bot@Service.Example.com ");');
    const everyone = policy('Everyone', 'ALLOW iam:service-users:use;');
    const use = (email: string) =>
      evaluatePermission([everyone, stored], { permission: 'iam:service-users:use', attributes: { 'iam:service-user-email': email } });
    expect(use('ci-bot@service.example.com')).toMatchObject({ allowed: false, decidedBy: { policyName: 'Old lockdown', effect: 'DENY' } });
    expect(use('Ci-Bot@service.example.com').allowed).toBe(false);
    expect(use('exporter@service.example.com').allowed).toBe(true);
    expect(grantedPermissions([everyone, stored]).conditionallyGranted.has('iam:service-users:use')).toBe(true);
  });

  it('counts only the DENY statements of a policy in effect with denyOnly', () => {
    const mixed = { ...policy('Staging', 'ALLOW email:emails:send;\nDENY storage:logs:read;'), denyOnly: true };
    const readers = policy('Readers', 'ALLOW storage:logs:read;');
    expect(evaluatePermission([mixed], { permission: 'email:emails:send' })).toMatchObject({ allowed: false, decidedBy: null });
    expect(evaluatePermission([readers, mixed], { permission: 'storage:logs:read' })).toMatchObject({
      allowed: false,
      decidedBy: { policyName: 'Staging', statementIndex: 1, effect: 'DENY' },
    });
    const summary = grantedPermissions([readers, mixed]);
    expect(summary.granted.has('email:emails:send') || summary.conditionallyGranted.has('email:emails:send')).toBe(false);
    expect(summary.granted.has('storage:logs:read') || summary.conditionallyGranted.has('storage:logs:read')).toBe(false);
  });

  it('ignores attributes that only look like the asked-for one (no prototype lookups)', () => {
    const policies = [policy('p', 'ALLOW state:app-states:read WHERE state:app-id != "x";')];
    const attributes: RequestAttributes = Object.create({ 'state:app-id': 'inherited' }) as RequestAttributes;
    expect(evaluatePermission(policies, { permission: 'state:app-states:read', attributes }).allowed).toBe(false);
  });
});

describe('grantedPermissions', () => {
  it('separates unconditional grants from conditional ones and drops what is always denied', () => {
    const summary = grantedPermissions([
      policy(
        'Developers',
        `ALLOW document:documents:read, document:documents:delete, state:app-states:read, storage:logs:read;
DENY document:documents:delete WHERE document:document-type = "dashboard";
ALLOW settings:objects:read WHERE settings:schema-id startsWith "app:";`,
      ),
      policy('Lockdown', 'DENY storage:logs:read; DENY email:emails:send;'),
      policy('Mail', 'ALLOW iam:service-users:use WHERE iam:service-user-email = "ci-bot@service.example.com";'),
    ]);
    expect([...summary.granted].sort()).toEqual(['document:documents:read', 'state:app-states:read']);
    expect([...summary.conditionallyGranted].sort()).toEqual([
      'document:documents:delete',
      'iam:service-users:use',
      'settings:objects:read',
    ]);
  });

  it('is empty without policies', () => {
    const summary = grantedPermissions([]);
    expect(summary.granted.size + summary.conditionallyGranted.size).toBe(0);
  });
});
