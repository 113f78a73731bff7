import Link from 'next/link';

const linkClass = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100';
const disabledClass = 'rounded-md border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-400';

interface PageLinksProps {
  page: number;
  hasNextPage: boolean;
  /** The URL of a page; pages live in the URL, so they can be shared and work without script. */
  href: (page: number) => string;
  /** False keeps the scroll position, for lists that are not the page's only content. */
  scroll?: boolean;
}

function PageLink({
  target,
  enabled,
  href,
  scroll,
  children,
}: { target: number; enabled: boolean; children: string } & Pick<PageLinksProps, 'href' | 'scroll'>) {
  return enabled ? (
    <Link className={linkClass} href={href(target)} scroll={scroll} prefetch={false}>
      {children}
    </Link>
  ) : (
    <span className={disabledClass} aria-disabled="true">
      {children}
    </span>
  );
}

/** Previous, the current page and Next. */
export function PageLinks({ page, hasNextPage, href, scroll }: PageLinksProps) {
  return (
    <div className="flex items-center gap-2">
      <PageLink target={page - 1} enabled={page > 1} href={href} scroll={scroll}>
        Previous
      </PageLink>
      <span aria-current="page">Page {page.toLocaleString('en-US')}</span>
      <PageLink target={page + 1} enabled={hasNextPage} href={href} scroll={scroll}>
        Next
      </PageLink>
    </div>
  );
}

/** The page links of a list, below it on the right. */
export function Pager(props: PageLinksProps) {
  return (
    <nav aria-label="Pages" className="flex justify-end text-sm text-slate-700">
      <PageLinks {...props} />
    </nav>
  );
}
