import { describe, expect, it } from 'vitest';
import { SCOPES } from '../platform/catalogue';
import { attributesOf, conditionHints, isKnownAttribute, isPermission, operatorsFor, PERMISSIONS } from './permissions';

describe('the permission registry', () => {
  it('has every scope of the catalogue as a permission, plus iam:service-users:use, each once', () => {
    for (const scope of SCOPES) expect(isPermission(scope.name), scope.name).toBe(true);
    expect(isPermission('iam:service-users:use')).toBe(true);
    expect(PERMISSIONS).toHaveLength(SCOPES.length + 1);
    expect(new Set(PERMISSIONS.map((p) => p.name)).size).toBe(PERMISSIONS.length);
    expect(isPermission('foo:bar')).toBe(false);
    expect(isPermission('')).toBe(false);
  });

  it('limits iam:service-user-email to = and IN', () => {
    expect(attributesOf('iam:service-users:use').map((a) => a.name)).toEqual(['iam:service-user-email']);
    expect(operatorsFor('iam:service-users:use', 'iam:service-user-email')).toEqual(['=', 'IN']);
  });

  it.each([
    ['document:documents:read', 'document:document-type'],
    ['document:documents:delete', 'document:document-type'],
    ['state:app-states:write', 'state:app-id'],
    ['state:user-app-states:read', 'state:app-id'],
    ['state-management:user-app-states:delete', 'state:app-id'],
    ['app-settings:objects:write', 'app-settings:app-id'],
    ['settings:objects:read', 'settings:schema-id'],
    ['storage:buckets:read', 'storage:table'],
  ])('%s supports %s with every operator', (permission, attribute) => {
    expect(operatorsFor(permission, attribute)).toEqual(['=', '!=', '<', '>', 'IN', 'NOT IN', 'startsWith', 'NOT startsWith']);
  });

  it('gives no conditions where the request has nothing to condition on', () => {
    expect(attributesOf('email:emails:send')).toEqual([]);
    expect(attributesOf('settings:schemas:read')).toEqual([]);
    expect(operatorsFor('storage:logs:write', 'storage:table')).toBeNull();
    expect(attributesOf('foo:bar')).toEqual([]);
  });

  it('knows only its own attributes, not inherited object keys', () => {
    expect(isKnownAttribute('document:document-type')).toBe(true);
    expect(isKnownAttribute('toString')).toBe(false);
    expect(isKnownAttribute('__proto__')).toBe(false);
  });

  it('lists hints for the policy editor that agree with the registry', () => {
    const hints = conditionHints();
    expect(hints.map((h) => h.attribute)).toContain('iam:service-user-email');
    for (const hint of hints) {
      expect(hint.permissions.length).toBeGreaterThan(0);
      for (const permission of hint.permissions) expect(operatorsFor(permission, hint.attribute)).toEqual(hint.operators);
    }
  });
});
