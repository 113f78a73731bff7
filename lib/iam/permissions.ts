// The permission registry of the policy language (PRODUCT.md §6): which permissions a policy may
// name, which condition attributes each one supports, and which operators each attribute takes.
//
// Every scope of the platform catalogue is a permission of the same name, so a token's scopes can
// be intersected with its owner's permissions name by name (PRODUCT.md §3.3). The only permission
// that is not a scope is `iam:service-users:use`, which the portal itself checks before it
// generates a token for a service user (PRODUCT.md §3.6).
//
// Conditions are deliberately few: each attribute is one the platform service can supply from
// the request it is serving (see the descriptions). A policy that conditions on an attribute the
// request does not carry neither grants nor denies (see policy-evaluator.ts).

import { z } from 'zod';
import { SCOPES, type ServiceId } from '../platform/catalogue';
import { truncate } from './policy-lexer';

export const OPERATORS = ['=', '!=', '<', '>', 'IN', 'NOT IN', 'startsWith', 'NOT startsWith'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface AttributeSpec {
  name: string;
  description: string;
  operators: readonly Operator[];
  /**
   * An email compares without regard to case or surrounding spaces: policy literals are saved
   * trimmed and lowercased (and must be valid emails), and both sides are compared that way.
   */
  email?: true;
}

export interface PermissionSpec {
  name: string;
  /** The platform service whose endpoints need it; `iam` for the portal's own permission. */
  service: ServiceId;
  description: string;
  attributes: readonly AttributeSpec[];
}

export const SERVICE_USERS_USE = 'iam:service-users:use';
export const SERVICE_USER_EMAIL = 'iam:service-user-email';

// Matching an email by prefix or by order would make "which service users may I use" impossible
// to read off a policy, so the product limits it to exact matches (PRODUCT.md §6).
const EXACT_OPERATORS: readonly Operator[] = ['=', 'IN'];

export const ATTRIBUTES = {
  [SERVICE_USER_EMAIL]: {
    name: SERVICE_USER_EMAIL,
    description: 'Email of the service user a token is generated for',
    operators: EXACT_OPERATORS,
    email: true,
  },
  'document:document-type': {
    name: 'document:document-type',
    description: 'Type of the document, e.g. "dashboard" or "notebook"',
    operators: OPERATORS,
  },
  'state:app-id': {
    name: 'state:app-id',
    description: 'ID of the app whose state is read, written or deleted',
    operators: OPERATORS,
  },
  'app-settings:app-id': {
    name: 'app-settings:app-id',
    description: 'ID of the app whose settings objects are read or written',
    operators: OPERATORS,
  },
  'settings:schema-id': {
    name: 'settings:schema-id',
    description: 'Schema ID of the settings object',
    operators: OPERATORS,
  },
  'storage:table': {
    name: 'storage:table',
    description: 'Table a query fetches: "events", "bizevents" or "logs"',
    operators: OPERATORS,
  },
} as const satisfies Record<string, AttributeSpec>;

export type AttributeName = keyof typeof ATTRIBUTES;

/**
 * Attributes by permission-name prefix. A prefix ending in ':' covers every action of that
 * resource (read, write, delete), so a new action of a resource inherits its conditions.
 */
const ATTRIBUTE_RULES: readonly { prefix: string; attributes: readonly AttributeName[] }[] = [
  { prefix: 'document:documents:', attributes: ['document:document-type'] },
  { prefix: 'state:app-states:', attributes: ['state:app-id'] },
  { prefix: 'state:user-app-states:', attributes: ['state:app-id'] },
  { prefix: 'state-management:', attributes: ['state:app-id'] },
  { prefix: 'app-settings:objects:', attributes: ['app-settings:app-id'] },
  { prefix: 'settings:objects:', attributes: ['settings:schema-id'] },
  { prefix: 'storage:buckets:read', attributes: ['storage:table'] },
  { prefix: SERVICE_USERS_USE, attributes: [SERVICE_USER_EMAIL] },
];

function attributesForName(name: string): readonly AttributeSpec[] {
  const names = new Set<AttributeName>();
  for (const rule of ATTRIBUTE_RULES) {
    if (rule.prefix.endsWith(':') ? name.startsWith(rule.prefix) : name === rule.prefix) {
      for (const attribute of rule.attributes) names.add(attribute);
    }
  }
  return [...names].map((attribute) => ATTRIBUTES[attribute]);
}

const PORTAL_PERMISSIONS: readonly Omit<PermissionSpec, 'attributes'>[] = [
  { name: SERVICE_USERS_USE, service: 'iam', description: 'Generate platform tokens for a service user' },
];

export const PERMISSIONS: readonly PermissionSpec[] = [...SCOPES, ...PORTAL_PERMISSIONS]
  .filter((p, index, all) => all.findIndex((q) => q.name === p.name) === index)
  .map((p) => ({ name: p.name, service: p.service, description: p.description, attributes: attributesForName(p.name) }));

const BY_NAME: ReadonlyMap<string, PermissionSpec> = new Map(PERMISSIONS.map((p) => [p.name, p]));

export function isPermission(name: string): boolean {
  return BY_NAME.has(name);
}

/** The condition attributes `permission` supports; empty for unknown permissions. */
export function attributesOf(permission: string): readonly AttributeSpec[] {
  return BY_NAME.get(permission)?.attributes ?? [];
}

export function isKnownAttribute(name: string): boolean {
  return Object.hasOwn(ATTRIBUTES, name);
}

function isEmailAttribute(attribute: string): boolean {
  return isKnownAttribute(attribute) && (ATTRIBUTES[attribute as AttributeName] as AttributeSpec).email === true;
}

/** The form in which a value of the attribute is compared: an email trimmed and lowercased. */
export function comparableValue<T extends string | number>(attribute: string, value: T): T | string {
  return typeof value === 'string' && isEmailAttribute(attribute) ? value.trim().toLowerCase() : value;
}

const EMAIL = z.email();

/** Why a policy may not compare the attribute with this literal (saving refuses it), or null. */
export function invalidLiteral(attribute: string, value: string | number): string | null {
  if (!isEmailAttribute(attribute)) return null;
  if (typeof value !== 'string') return `'${attribute}' is compared with an email address in quotes, not a number`;
  const email = comparableValue(attribute, value);
  if (email.length > 320 || !EMAIL.safeParse(email).success) return `'${truncate(email)}' is not a valid email address`;
  return null;
}

/** Operators `attribute` takes under `permission`, or null when the permission does not support it. */
export function operatorsFor(permission: string, attribute: string): readonly Operator[] | null {
  return attributesOf(permission).find((a) => a.name === attribute)?.operators ?? null;
}

export interface ConditionHint {
  attribute: string;
  description: string;
  operators: readonly Operator[];
  /** Permissions that support this attribute. */
  permissions: readonly string[];
}

/** Every attribute with its operators and the permissions it applies to, for the policy editor. */
export function conditionHints(): readonly ConditionHint[] {
  return Object.values(ATTRIBUTES).map((attribute) => ({
    attribute: attribute.name,
    description: attribute.description,
    operators: attribute.operators,
    permissions: PERMISSIONS.filter((p) => p.attributes.some((a) => a.name === attribute.name)).map((p) => p.name),
  }));
}
