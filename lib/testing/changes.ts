import { onChanges, type Change } from '@/lib/changes';

/** Collects the changes published while `work` runs. */
export async function publishedDuring(work: () => Promise<unknown>): Promise<Change[]> {
  const seen: Change[] = [];
  const stop = onChanges((changes) => seen.push(...changes));
  try {
    await work();
  } finally {
    stop();
  }
  return seen;
}
