const NUMBER = new Intl.NumberFormat('en-US');

/** "1 token", "1,234 tokens". */
export function tokens(count: number): string {
  return `${NUMBER.format(count)} ${count === 1 ? 'token' : 'tokens'}`;
}

export function formatCount(count: number, capped = false): string {
  return `${NUMBER.format(count)}${capped ? '+' : ''}`;
}
