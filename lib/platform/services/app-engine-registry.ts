import { z } from 'zod';
import type { SettingsSchema } from './settings-schemas';
import { storableString } from './storage-json';

// The app registry: built-in apps, their functions and their app settings schemas. Installing
// an app makes its functions callable and its settings storable in one environment. Functions
// are plain TypeScript; an app cannot bring code of its own.

export interface AppFunctionContext {
  /** The app's settings objects in the environment, by schema ID (the first of each). */
  settings: ReadonlyMap<string, Record<string, unknown>>;
  now: Date;
}

export interface AppFunction {
  name: string;
  description: string;
  /** Whether the function is given its app's settings; a call then needs app-settings:objects:read for the app. */
  readsSettings?: boolean;
  input: z.ZodType<unknown>;
  run(input: unknown, ctx: AppFunctionContext): unknown;
}

export interface BuiltInApp {
  id: string;
  name: string;
  version: string;
  description: string;
  settingsSchemas: readonly SettingsSchema[];
  functions: readonly AppFunction[];
}

function fn<I>(definition: {
  name: string;
  description: string;
  readsSettings?: boolean;
  input: z.ZodType<I>;
  run(input: I, ctx: AppFunctionContext): unknown;
}): AppFunction {
  return definition as AppFunction;
}

const GREETING_SCHEMA = 'greeting';

const helloWorld: BuiltInApp = {
  id: 'hello-world',
  name: 'Hello world',
  version: '1.0.0',
  description: 'Greets whoever calls it, in the words its app settings choose.',
  settingsSchemas: [
    {
      schemaId: GREETING_SCHEMA,
      displayName: 'Greeting',
      description: 'How the app greets.',
      version: '1.0.0',
      multiObject: false,
      value: z.strictObject({
        salutation: storableString(z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters')),
        punctuation: z.enum(['!', '.', '?'], { error: "must be one of '!', '.', '?'" }).default('!'),
      }),
    },
  ],
  functions: [
    fn({
      name: 'greet',
      description: 'Returns a greeting for `name`, in the words of the app settings.',
      readsSettings: true,
      input: z.strictObject({ name: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters') }),
      run: ({ name }, ctx) => {
        const greeting = ctx.settings.get(GREETING_SCHEMA);
        const salutation = typeof greeting?.salutation === 'string' ? greeting.salutation : 'Hello';
        const punctuation = typeof greeting?.punctuation === 'string' ? greeting.punctuation : '!';
        return { message: `${salutation}, ${name}${punctuation}` };
      },
    }),
  ],
};

const MAX_TEXT = 100_000;
const textInput = z.strictObject({ text: z.string({ error: 'must be a string' }).max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`) });

const textTools: BuiltInApp = {
  id: 'text-tools',
  name: 'Text tools',
  version: '1.2.0',
  description: 'Counts and reshapes text.',
  settingsSchemas: [],
  functions: [
    fn({
      name: 'word-count',
      description: 'Counts the characters, words and lines of `text`.',
      input: textInput,
      run: ({ text }) => ({
        characters: [...text].length,
        words: text.split(/\s+/u).filter((w) => w !== '').length,
        lines: text === '' ? 0 : text.split(/\r\n|\r|\n/).length,
      }),
    }),
    fn({
      name: 'slugify',
      description: 'Turns `text` into a lowercase, dash-separated slug.',
      input: textInput,
      run: ({ text }) => ({
        slug: text
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, ''),
      }),
    }),
  ],
};

const LINEAR_UNITS: Readonly<Record<string, { dimension: string; factor: number }>> = {
  m: { dimension: 'length', factor: 1 },
  km: { dimension: 'length', factor: 1000 },
  ft: { dimension: 'length', factor: 0.3048 },
  mi: { dimension: 'length', factor: 1609.344 },
  B: { dimension: 'data', factor: 1 },
  kB: { dimension: 'data', factor: 1e3 },
  MB: { dimension: 'data', factor: 1e6 },
  GB: { dimension: 'data', factor: 1e9 },
  KiB: { dimension: 'data', factor: 1024 },
  MiB: { dimension: 'data', factor: 1024 ** 2 },
  GiB: { dimension: 'data', factor: 1024 ** 3 },
};
const TEMPERATURES = ['C', 'F', 'K'] as const;
const UNITS: [string, ...string[]] = ['m', ...Object.keys(LINEAR_UNITS).filter((u) => u !== 'm'), ...TEMPERATURES];

function toKelvin(value: number, unit: string): number {
  if (unit === 'C') return value + 273.15;
  if (unit === 'F') return ((value - 32) * 5) / 9 + 273.15;
  return value;
}

function fromKelvin(value: number, unit: string): number {
  if (unit === 'C') return value - 273.15;
  if (unit === 'F') return ((value - 273.15) * 9) / 5 + 32;
  return value;
}

const dimensionOf = (unit: string) => LINEAR_UNITS[unit]?.dimension ?? 'temperature';
const PRECISION_SCHEMA = 'defaults';

const unitConverter: BuiltInApp = {
  id: 'unit-converter',
  name: 'Unit converter',
  version: '2.0.1',
  description: 'Converts lengths, data sizes and temperatures.',
  settingsSchemas: [
    {
      schemaId: PRECISION_SCHEMA,
      displayName: 'Defaults',
      description: 'Decimal places of results.',
      version: '1.0.0',
      multiObject: false,
      value: z.strictObject({
        precision: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').max(10, 'must be at most 10'),
      }),
    },
  ],
  functions: [
    fn({
      name: 'convert',
      description: `Converts \`value\` from one unit to another of the same kind (${UNITS.join(', ')}), rounded as the app settings say.`,
      readsSettings: true,
      input: z
        .strictObject({
          value: z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number'),
          from: z.enum(UNITS, { error: `must be one of ${UNITS.join(', ')}` }),
          to: z.enum(UNITS, { error: `must be one of ${UNITS.join(', ')}` }),
        })
        .refine((i) => dimensionOf(i.from) === dimensionOf(i.to), {
          message: 'must be a unit of the same kind as from',
          path: ['to'],
        }),
      run: ({ value, from, to }, ctx) => {
        const linearFrom = LINEAR_UNITS[from];
        const linearTo = LINEAR_UNITS[to];
        const converted = linearFrom && linearTo ? (value * linearFrom.factor) / linearTo.factor : fromKelvin(toKelvin(value, from), to);
        const precision = ctx.settings.get(PRECISION_SCHEMA)?.precision;
        const rounded = typeof precision === 'number' ? Number(converted.toFixed(precision)) : converted;
        return { value: rounded, unit: to };
      },
    }),
  ],
};

export const BUILT_IN_APPS: readonly BuiltInApp[] = [helloWorld, textTools, unitConverter];

export function findBuiltInApp(appId: string): BuiltInApp | undefined {
  return BUILT_IN_APPS.find((a) => a.id === appId);
}

export function functionView(f: AppFunction) {
  return {
    name: f.name,
    description: f.description,
    readsSettings: f.readsSettings ?? false,
    input: z.toJSONSchema(f.input, { io: 'input', unrepresentable: 'any' }),
  };
}
