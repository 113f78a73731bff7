import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rule of eslint.config.mjs: components and lib reach server actions through
// app/_actions, so moving a route never breaks them.

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rule', () => {
  it('refuses a component that imports from a route group of app/', async () => {
    const messages = await restrictedImports(
      'components/platform-tokens/probe.tsx',
      "import { generateTokenAction } from '@/app/(portal)/platform-tokens/actions';\nexport const probe = generateTokenAction;\n",
    );
    expect(messages).toEqual([expect.stringContaining('@/app/_actions/<feature>')]);
  });

  it('refuses the same import written as a relative path, and from lib/', async () => {
    const messages = await restrictedImports(
      'lib/tokens/probe.ts',
      "import { groups } from '../../app/(portal)/accounts/[accountId]/iam/groups/actions';\nexport const probe = groups;\n",
    );
    expect(messages).toHaveLength(1);
  });

  it('lets components import server actions from app/_actions', async () => {
    const messages = await restrictedImports(
      'components/platform-tokens/probe.tsx',
      "import { generateTokenAction } from '@/app/_actions/platform-tokens';\nexport const probe = generateTokenAction;\n",
    );
    expect(messages).toEqual([]);
  });
});
