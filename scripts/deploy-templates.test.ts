import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { renderTemplate } from './cluster-services.mjs';

// The README shows the configurations the tests run nginx and PgBouncer with: the templates in
// deploy/, word for word, so that what is documented is what is tested.

const root = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

it.each([
  ['nginx.conf.template', 'nginx'],
  ['pgbouncer.ini.template', 'ini'],
])('the README shows deploy/%s as it is', (file, language) => {
  const template = fs.readFileSync(path.join(root, 'deploy', file), 'utf8').trimEnd();
  expect(readme).toContain('```' + language + '\n' + template + '\n```');
});

it('a placeholder without a value stops the rendering, naming it', () => {
  expect(() => renderTemplate('nginx.conf.template', { LISTEN_PORT: 1, DIR: '/tmp' })).toThrow(
    'deploy/nginx.conf.template: no value for {{UPSTREAM_SERVERS}}',
  );
});
