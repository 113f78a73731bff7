// Vitest's global setup: the template databases of the run, made once before any test file runs.
import { prepareTestTemplates } from './testing';

export default function setup(): Promise<() => Promise<void>> {
  return prepareTestTemplates();
}
