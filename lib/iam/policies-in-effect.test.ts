import { describe, expect, it } from 'vitest';
import { compileStoredPolicy, policiesForDecision, policiesInEffect } from './policies-in-effect';
import { evaluatePermission } from './policy-evaluator';

describe('policiesInEffect', () => {
  const bindings = [
    { policyId: 'everywhere', environmentIds: null },
    { policyId: 'prod-only', environmentIds: ['acme-prod'] },
    { policyId: 'staging-only', environmentIds: ['acme-staging'] },
    { policyId: 'everywhere', environmentIds: ['acme-prod'] }, // bound again through another group
    { policyId: 'nowhere', environmentIds: [] },
  ];

  it('takes account-wide bindings and those limited to the environment, each policy once', () => {
    expect(policiesInEffect(bindings, 'acme-prod')).toEqual(['everywhere', 'prod-only']);
    expect(policiesInEffect(bindings, 'acme-staging')).toEqual(['everywhere', 'staging-only']);
    expect(policiesInEffect(bindings, 'globex-prod')).toEqual(['everywhere']);
  });

  it('takes only account-wide bindings for an account-level check', () => {
    expect(policiesInEffect(bindings, null)).toEqual(['everywhere']);
    expect(policiesInEffect([], null)).toEqual([]);
  });
});

describe('policiesForDecision', () => {
  const compiled = (id: string, text: string) => compileStoredPolicy({ id, name: id, statements: text });
  const byId = new Map([
    ['everywhere', compiled('everywhere', 'ALLOW iam:service-users:use;')],
    ['prod-only', compiled('prod-only', 'ALLOW email:emails:send;\nDENY iam:service-users:use WHERE iam:service-user-email = "ci-bot@service.example.com";')],
    ['nowhere', compiled('nowhere', 'DENY iam:service-users:use;')],
  ]);
  const bindings = [
    { policyId: 'everywhere', environmentIds: null },
    { policyId: 'prod-only', environmentIds: ['acme-prod'] },
    { policyId: 'nowhere', environmentIds: [] },
  ];
  const use = (environmentId: string | null, email: string) =>
    evaluatePermission(policiesForDecision(bindings, byId, environmentId), {
      permission: 'iam:service-users:use',
      attributes: { 'iam:service-user-email': email },
    }).allowed;

  it('decides in an environment with the policies that apply there', () => {
    expect(policiesForDecision(bindings, byId, 'acme-prod').map((p) => [p.policyId, p.denyOnly ?? false])).toEqual([
      ['everywhere', false],
      ['prod-only', false],
    ]);
    expect(use('acme-prod', 'ci-bot@service.example.com')).toBe(false);
    expect(use('acme-staging', 'ci-bot@service.example.com')).toBe(true);
  });

  it('lets a DENY bound to any environment count for the whole account, but not its ALLOWs', () => {
    expect(policiesForDecision(bindings, byId, null).map((p) => [p.policyId, p.denyOnly ?? false])).toEqual([
      ['everywhere', false],
      ['prod-only', true],
    ]);
    expect(use(null, 'ci-bot@service.example.com')).toBe(false);
    expect(use(null, 'exporter@service.example.com')).toBe(true);
    const send = evaluatePermission(policiesForDecision(bindings, byId, null), { permission: 'email:emails:send' });
    expect(send.allowed).toBe(false);
  });
});

describe('compileStoredPolicy', () => {
  it('parses the stored text', () => {
    const compiled = compileStoredPolicy({ id: 'p1', name: 'Readers', statements: 'ALLOW storage:logs:read;' });
    expect(compiled).toMatchObject({ policyId: 'p1', policyName: 'Readers', statements: [{ effect: 'ALLOW' }] });
  });

  it('reads a saved email literal that is not a valid email without turning the policy into deny-everything', () => {
    const old = compileStoredPolicy({ id: 'p3', name: 'Old', statements: 'ALLOW iam:service-users:use WHERE iam:service-user-email IN ("CI-Bot@Service.Example.com", "typo");' });
    expect(old.statements[0]!.conditions).toEqual([
      { attribute: 'iam:service-user-email', operator: 'IN', values: ['ci-bot@service.example.com', 'typo'] },
    ]);
  });

  it('turns a policy that no longer parses into one that denies everything, and says why', () => {
    const broken = compileStoredPolicy({ id: 'p2', name: 'Old', statements: 'DENY storage:retired:read;' });
    const readers = compileStoredPolicy({ id: 'p1', name: 'Readers', statements: 'ALLOW storage:logs:read;' });
    const decision = evaluatePermission([readers, broken], { permission: 'storage:logs:read' });
    expect(decision.allowed).toBe(false);
    expect(decision.decidedBy?.policyName).toBe('Old');
    expect(decision.reason).toContain("Unknown permission 'storage:retired:read' at line 1, column 6");
  });
});
