import { sql } from 'drizzle-orm';
import { hashPassword } from '@/lib/auth/password';
import { SCOPES } from '@/lib/platform/catalogue';
import type { Db, Tx } from './client';
import {
  accountMembers,
  accounts,
  environments,
  groupMembers,
  groups,
  policies,
  policyBindings,
  serviceUsers,
  users,
} from './schema';

export const DEMO_PASSWORD = 'demo-password';

export const DEMO = {
  accounts: [
    { id: 'acme', name: 'Acme Corp' },
    { id: 'globex', name: 'Globex' },
  ],
  environments: [
    { id: 'acme-prod', accountId: 'acme', name: 'Production' },
    { id: 'acme-staging', accountId: 'acme', name: 'Staging' },
    { id: 'globex-prod', accountId: 'globex', name: 'Production' },
  ],
  users: [
    { email: 'alice@example.com', name: 'Alice' },
    { email: 'bob@example.com', name: 'Bob' },
    { email: 'admin@example.com', name: 'Admin', isInstanceAdmin: true },
  ],
  members: [
    { accountId: 'acme', email: 'alice@example.com', role: 'member' },
    { accountId: 'acme', email: 'bob@example.com', role: 'member' },
    { accountId: 'acme', email: 'admin@example.com', role: 'admin' },
    { accountId: 'globex', email: 'alice@example.com', role: 'member' },
    { accountId: 'globex', email: 'admin@example.com', role: 'admin' },
  ],
  serviceUsers: [
    { accountId: 'acme', email: 'ci-bot@service.example.com', name: 'CI bot', description: 'Runs the CI pipeline' },
    { accountId: 'acme', email: 'exporter@service.example.com', name: 'Exporter', description: 'Nightly data export' },
  ],
} as const;

const allow = (...permissions: string[]) => `ALLOW ${permissions.join(', ')};`;

const DOCUMENT = ['document:documents:read', 'document:documents:write', 'document:documents:delete'];
const STATE = [
  'state:app-states:read',
  'state:app-states:write',
  'state:app-states:delete',
  'state:user-app-states:read',
  'state:user-app-states:write',
  'state:user-app-states:delete',
];
const STORAGE = [
  'storage:buckets:read',
  'storage:events:read',
  'storage:events:write',
  'storage:bizevents:read',
  'storage:bizevents:write',
  'storage:logs:read',
  'storage:logs:write',
];
const AUTOMATION = ['automation:workflows:read', 'automation:workflows:write', 'automation:workflows:run'];
const SETTINGS = ['settings:schemas:read', 'settings:objects:read', 'settings:objects:write'];

/** Every platform permission and the use of every service user: the policy of an account's administrators. */
export function fullAccessPolicy(): string {
  return [
    '// Every platform permission, and the use of every service user of the account.',
    allow(...SCOPES.map((s) => s.name)),
    'ALLOW iam:service-users:use;',
  ].join('\n');
}

interface DemoPolicy {
  accountId: string;
  name: string;
  description: string;
  statements: string;
  /** Group that holds it and who is in that group (user or service-user emails). */
  group: string;
  groupDescription: string;
  members: string[];
}

function demoPolicies(): DemoPolicy[] {
  return [
    {
      accountId: 'acme',
      name: 'Developer access',
      description: 'Documents, states, storage, automation and settings in every environment',
      statements: [
        '// What developers need day to day, in every Acme environment.',
        allow(...DOCUMENT),
        allow(...STATE),
        allow(...STORAGE),
        allow(...AUTOMATION),
        allow(...SETTINGS),
      ].join('\n'),
      group: 'Developers',
      groupDescription: 'Application developers',
      members: ['alice@example.com', 'bob@example.com'],
    },
    {
      accountId: 'acme',
      name: 'Use the CI bot',
      description: 'Generate tokens for the CI bot service user',
      statements: 'ALLOW iam:service-users:use WHERE iam:service-user-email IN ("ci-bot@service.example.com");',
      group: 'CI bot operators',
      groupDescription: 'People who generate tokens for the CI bot',
      members: ['alice@example.com'],
    },
    {
      accountId: 'acme',
      name: 'CI job',
      description: 'What the CI pipeline needs',
      statements: [
        '// Deploy dashboards and app states, run workflows and app functions.',
        allow(...DOCUMENT),
        allow('state:app-states:read', 'state:app-states:write'),
        allow(...AUTOMATION),
        allow('app-engine:apps:run', 'app-engine:apps:install', 'app-engine:functions:run'),
        allow('settings:schemas:read', 'settings:objects:read'),
      ].join('\n'),
      group: 'CI bots',
      groupDescription: 'Service users of the CI pipeline',
      members: ['ci-bot@service.example.com'],
    },
    {
      accountId: 'acme',
      name: 'Data export',
      description: 'Read storage and run the nightly export workflow',
      statements: [
        '// Query every table and mail the result.',
        allow('storage:buckets:read', 'storage:events:read', 'storage:bizevents:read', 'storage:logs:read'),
        allow('automation:workflows:read', 'automation:workflows:run'),
        allow('email:emails:send'),
      ].join('\n'),
      group: 'Exporters',
      groupDescription: 'Service users that export data',
      members: ['exporter@service.example.com'],
    },
    {
      accountId: 'acme',
      name: 'Full access',
      description: 'Every permission',
      statements: fullAccessPolicy(),
      group: 'Administrators',
      groupDescription: 'Account administrators',
      members: ['admin@example.com'],
    },
    {
      accountId: 'globex',
      name: 'Engineering access',
      description: 'Documents and states',
      statements: [allow(...DOCUMENT), allow(...STATE)].join('\n'),
      group: 'Engineering',
      groupDescription: 'Globex engineers',
      members: ['alice@example.com'],
    },
    {
      accountId: 'globex',
      name: 'Full access',
      description: 'Every permission',
      statements: fullAccessPolicy(),
      group: 'Administrators',
      groupDescription: 'Account administrators',
      members: ['admin@example.com'],
    },
  ];
}

async function insertDemoData(tx: Tx): Promise<void> {
  await tx.insert(accounts).values([...DEMO.accounts]);
  await tx.insert(environments).values([...DEMO.environments]);

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const userRows = await tx
    .insert(users)
    .values(DEMO.users.map((u) => ({ isInstanceAdmin: false, ...u, passwordHash })))
    .returning({ id: users.id, email: users.email });
  const userId = new Map(userRows.map((u) => [u.email, u.id]));

  await tx
    .insert(accountMembers)
    .values(DEMO.members.map((m) => ({ accountId: m.accountId, userId: userId.get(m.email)!, role: m.role })));

  const serviceUserRows = await tx
    .insert(serviceUsers)
    .values([...DEMO.serviceUsers])
    .returning({ id: serviceUsers.id, email: serviceUsers.email });
  const serviceUserId = new Map(serviceUserRows.map((s) => [s.email, s.id]));

  for (const p of demoPolicies()) {
    const [group] = await tx
      .insert(groups)
      .values({ accountId: p.accountId, name: p.group, description: p.groupDescription })
      .returning({ id: groups.id });
    const [policy] = await tx
      .insert(policies)
      .values({ accountId: p.accountId, name: p.name, description: p.description, statements: p.statements })
      .returning({ id: policies.id });
    await tx.insert(groupMembers).values(
      p.members.map((email) => ({
        groupId: group!.id,
        userId: userId.get(email) ?? null,
        serviceUserId: serviceUserId.get(email) ?? null,
      })),
    );
    await tx.insert(policyBindings).values({ groupId: group!.id, policyId: policy!.id, accountWide: true });
  }
}

// Several instances may start at once against one PostgreSQL; only one of them seeds. Setting the
// portal up (lib/people/setup.ts) takes the same lock: the first data comes from one or the other.
export const SEED_LOCK_KEY = 727_100_402;

/**
 * Creates the demo data of the product contract in an empty database. A database that
 * already holds any account is left exactly as it is. Returns whether it seeded.
 */
export async function seedDemoData(db: Db): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    const existing = await tx.select({ id: accounts.id }).from(accounts).limit(1);
    if (existing.length > 0) return false;
    await insertDemoData(tx);
    return true;
  });
}
