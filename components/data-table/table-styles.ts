// The look of every table in the portal, in one place.

/**
 * The frame a table scrolls in when it is wider than the page. `relative` keeps absolutely
 * positioned content (screen-reader text) inside it, so it never widens the page itself.
 */
export const tableFrame = 'relative overflow-x-auto rounded-lg border border-slate-200 bg-white';
export const tableClass = 'w-full text-left text-sm';
export const theadClass = 'bg-slate-50 text-xs uppercase tracking-wide text-slate-600';
export const thClass = 'px-3 py-2 font-semibold whitespace-nowrap';
/** For tables with many columns: less padding, headers that may wrap. */
export const thCompactClass = 'px-2 py-2 font-semibold first:pl-3 last:pr-3';
export const tdCompactClass = 'px-2 py-2 align-top first:pl-3 last:pr-3';
export const tbodyClass = 'divide-y divide-slate-100';
export const tdClass = 'px-3 py-2 align-top';
