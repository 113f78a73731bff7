import { expect, type Locator, type Page } from '@playwright/test';

// Moving through a page with the keyboard, as a person does: Tab and Shift+Tab, arrows in menus.
// Locators here only read where focus is.

export async function isFocused(target: Locator): Promise<boolean> {
  if ((await target.count()) !== 1) return false;
  return target.evaluate((el) => el === el.ownerDocument.activeElement);
}

/** Whether `target` comes before the focused element, so that Shift+Tab is the way there. */
async function isBehindFocus(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const active = el.ownerDocument.activeElement;
    if (!active || active === el.ownerDocument.body) return false;
    return (el.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  });
}

/**
 * Presses Tab, or Shift+Tab when the target lies behind the focus, until `target` has focus; fails
 * naming the target when it never does.
 */
export async function tabTo(page: Page, target: Locator, { max = 80 }: { max?: number } = {}) {
  await expect(target).toBeVisible();
  const key = (await isBehindFocus(target)) ? 'Shift+Tab' : 'Tab';
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  expect(await isFocused(target), `${target} not reached after ${max} presses of ${key}`).toBe(true);
}

/** Presses ArrowDown in an open menu until `item` is focused. */
export async function arrowTo(page: Page, item: Locator, max = 8) {
  for (let i = 0; i < max; i++) {
    if (await isFocused(item)) return;
    await page.keyboard.press('ArrowDown');
  }
  await expect(item).toBeFocused();
}

export async function expectFocusWithin(container: Locator) {
  await expect.poll(() => container.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
}

/** Focus is on `target`, and still is once the timers of a closing dialog have run. */
export async function expectFocusSettled(page: Page, target: Locator) {
  await expect(target).toBeFocused();
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 150)));
  expect(await isFocused(target), `${target} lost focus after settling`).toBe(true);
}

/**
 * A row's confirm dialog by keyboard: Escape, then "Cancel", each give focus back to the button
 * that asked; confirming removes the row with its button, and focus lands on the outcome.
 */
export async function cancelThenConfirm(
  page: Page,
  { button, dialog: title, confirm, outcome }: { button: Locator; dialog: string; confirm: string; outcome: string },
) {
  const dialog = page.getByRole('alertdialog', { name: title });
  await tabTo(page, button);
  await page.keyboard.press('Enter');
  await expectFocusWithin(dialog);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expectFocusSettled(page, button);

  await page.keyboard.press('Enter');
  await expectFocusWithin(dialog);
  await tabTo(page, dialog.getByRole('button', { name: 'Cancel' }));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expectFocusSettled(page, button);

  await page.keyboard.press('Enter');
  await expectFocusWithin(dialog);
  await tabTo(page, dialog.getByRole('button', { name: confirm, exact: true }));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(button).toHaveCount(0);
  await expectFocusSettled(page, page.getByRole('status').filter({ hasText: outcome }));
}

/** The date-time as a `datetime-local` value and as the keys that type it into the browser's own field. */
export async function dateTimeKeys(page: Page, at: Date): Promise<{ value: string; keys: string }> {
  return page.evaluate((ms) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    const value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    // The field's segments follow the browser locale's order (e.g. mm/dd/yyyy, hh:mm AM).
    const parts = new Intl.DateTimeFormat(navigator.language, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(d);
    const keys = parts
      .filter((p) => p.type !== 'literal')
      .map((p) => (p.type === 'dayPeriod' ? p.value.trim()[0] ?? '' : p.value))
      .join('');
    return { value, keys };
  }, at.getTime());
}
