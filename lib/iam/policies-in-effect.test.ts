import { describe, expect, it } from 'vitest';
import { compileStoredPolicy, policiesInEffect } from './policies-in-effect';
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

describe('compileStoredPolicy', () => {
  it('parses the stored text', () => {
    const compiled = compileStoredPolicy({ id: 'p1', name: 'Readers', statements: 'ALLOW storage:logs:read;' });
    expect(compiled).toMatchObject({ policyId: 'p1', policyName: 'Readers', statements: [{ effect: 'ALLOW' }] });
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
