import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Pager } from './pager';

const render = (page: number, hasNextPage: boolean) =>
  renderToStaticMarkup(createElement(Pager, { page, hasNextPage, href: (n: number) => `/outbox?page=${n}` }));

describe('the pager', () => {
  it('links to the pages around this one', () => {
    const html = render(1234, true);
    expect(html).toContain('<nav aria-label="Pages"');
    expect(html).toMatch(/<a [^>]*href="\/outbox\?page=1233">Previous<\/a>/);
    expect(html).toContain('<span aria-current="page">Page 1,234</span>');
    expect(html).toMatch(/<a [^>]*href="\/outbox\?page=1235">Next<\/a>/);
  });

  it('shows Previous on the first page and Next on the last as disabled text, not links', () => {
    const html = render(1, false);
    expect(html).not.toContain('<a ');
    expect(html).toMatch(/<span [^>]*aria-disabled="true">Previous<\/span>/);
    expect(html).toMatch(/<span [^>]*aria-disabled="true">Next<\/span>/);
  });
});
