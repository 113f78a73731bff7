import { z } from 'zod';
import { storableString } from './storage-json';

// The built-in settings schemas. Each object's value is checked with its zod schema, which is
// also listed as JSON Schema by GET /settings/v1/schemas. App settings schemas belong to the
// apps of the app registry (app-engine-registry.ts) and use the same shape.

export interface SettingsSchema {
  schemaId: string;
  displayName: string;
  description: string;
  version: string;
  /** Whether an environment (or app) may hold several objects of it, or at most one. */
  multiObject: boolean;
  value: z.ZodType<Record<string, unknown>>;
}

const text = (max: number) => storableString(z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

const alertingProfile = z.strictObject({
  name: text(100),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  severityRules: z
    .array(
      z.strictObject({
        severityLevel: z.enum(['AVAILABILITY', 'ERROR', 'PERFORMANCE', 'RESOURCE_CONTENTION', 'CUSTOM_ALERT'], {
          error: 'must be one of AVAILABILITY, ERROR, PERFORMANCE, RESOURCE_CONTENTION, CUSTOM_ALERT',
        }),
        delayInMinutes: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').max(1440, 'must be at most 1440'),
      }),
      { error: 'must be an array' },
    )
    .max(20, 'can have at most 20 rules')
    .default([]),
});

const maintenanceWindow = z
  .strictObject({
    name: text(100),
    enabled: z.boolean({ error: 'must be true or false' }).default(true),
    suppression: z.enum(['DETECT_PROBLEMS_AND_ALERT', 'DETECT_PROBLEMS_DONT_ALERT', 'DONT_DETECT_PROBLEMS'], {
      error: 'must be one of DETECT_PROBLEMS_AND_ALERT, DETECT_PROBLEMS_DONT_ALERT, DONT_DETECT_PROBLEMS',
    }),
    start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2025-01-31T22:00:00Z' }),
    end: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2025-02-01T02:00:00Z' }),
  })
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), { message: 'must be after start', path: ['end'] });

const logStorage = z.strictObject({
  name: text(100),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  sendToStorage: z.boolean({ error: 'must be true or false' }),
  matchers: z
    .array(
      z.strictObject({
        attribute: z.enum(['log.source', 'loglevel', 'host.name', 'k8s.namespace.name'], {
          error: 'must be one of log.source, loglevel, host.name, k8s.namespace.name',
        }),
        operator: z.literal('MATCHES', { error: 'must be MATCHES' }),
        values: z.array(text(200), { error: 'must be an array of strings' }).min(1, 'needs at least one value').max(50, 'can have at most 50 values'),
      }),
      { error: 'must be an array' },
    )
    .min(1, 'needs at least one matcher')
    .max(10, 'can have at most 10 matchers'),
});

const hostAnomalyDetection = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  cpuSaturationPercent: z.number({ error: 'must be a number' }).int('must be a whole number').min(50, 'must be at least 50').max(100, 'must be at most 100').default(95),
  memoryUsagePercent: z.number({ error: 'must be a number' }).int('must be a whole number').min(50, 'must be at least 50').max(100, 'must be at most 100').default(90),
});

const ownershipTeam = z.strictObject({
  name: text(100),
  identifier: z.string({ error: 'must be a string' }).regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lowercase letters, digits or "-"'),
  contactEmail: z.email({ error: 'must be an email address' }).max(254, 'must be at most 254 characters').optional(),
});

export const SETTINGS_SCHEMAS: readonly SettingsSchema[] = [
  {
    schemaId: 'builtin:alerting.profile',
    displayName: 'Problem alerting profiles',
    description: 'Which problems raise alerts, and after how long.',
    version: '1.2.0',
    multiObject: true,
    value: alertingProfile,
  },
  {
    schemaId: 'builtin:alerting.maintenance-window',
    displayName: 'Maintenance windows',
    description: 'Planned periods in which problems are not alerted on.',
    version: '2.0.0',
    multiObject: true,
    value: maintenanceWindow,
  },
  {
    schemaId: 'builtin:logmonitoring.log-storage-settings',
    displayName: 'Log storage',
    description: 'Which log records are kept in storage.',
    version: '1.0.3',
    multiObject: true,
    value: logStorage,
  },
  {
    schemaId: 'builtin:anomaly-detection.infrastructure-hosts',
    displayName: 'Anomaly detection for hosts',
    description: 'Thresholds above which host resources count as saturated (one object per environment).',
    version: '1.0.0',
    multiObject: false,
    value: hostAnomalyDetection,
  },
  {
    schemaId: 'builtin:ownership.teams',
    displayName: 'Teams',
    description: 'Teams that own entities, with their contact.',
    version: '1.0.1',
    multiObject: true,
    value: ownershipTeam,
  },
];

export function findSettingsSchema(schemas: readonly SettingsSchema[], schemaId: string): SettingsSchema | undefined {
  return schemas.find((s) => s.schemaId === schemaId);
}

/** A schema as the API lists it: its value as JSON Schema. */
export function schemaView(schema: SettingsSchema) {
  return {
    schemaId: schema.schemaId,
    displayName: schema.displayName,
    description: schema.description,
    version: schema.version,
    multiObject: schema.multiObject,
    schema: z.toJSONSchema(schema.value, { io: 'input', unrepresentable: 'any' }),
  };
}
