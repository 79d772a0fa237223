// Phone-sized screens, light and dark themes, labels and the live region.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, foreignRequests, shot } from './helpers.mjs';

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe('layout and accessibility', () => {
  let browser, ctx;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => {
    await ctx.context.close();
    assert.deepEqual(foreignRequests(ctx.log), []);
    assert.deepEqual(ctx.log.pageErrors, []);
  });

  test('a phone-sized screen never scrolls sideways', async () => {
    ctx = await openPage(browser, PHONE);
    const { page } = ctx;
    await page.goto(BASE + '/');
    await page.locator('#message.hint').waitFor();
    await page.click('#help summary');
    assert.ok(await overflow(page) <= 0, 'hint and help fit');
    await page.click('#help summary');
    await page.fill('#q', 'quokka');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length === 10);
    assert.ok(await overflow(page) <= 0, 'results and pager fit');
    const box = await page.locator('#q').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 360, 'search box within the screen');
    await page.fill('#q', 'pretraining');
    await page.waitForFunction(() => [...document.querySelectorAll('#results mark')].some((m) => /pretraining/i.test(m.textContent)));
    await shot(page, 'phone-results');
    await page.tap('#results a.hit-link');
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
    assert.ok(await overflow(page) <= 0, 'document fits');
    await page.tap('#match-next');
    await shot(page, 'phone-document');
    await page.goto(BASE + '/?q=xylophone');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.ok(await overflow(page) <= 0, 'long unbroken titles wrap');
  });

  test('light and dark themes follow the system setting', async () => {
    ctx = await openPage(browser, { colorScheme: 'dark' });
    const { page } = ctx;
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    await page.goto(BASE + '/?q=anthropic');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.ok(lum(await bg()) < 60, 'dark background in dark mode: ' + (await bg()));
    const fg = await page.evaluate(() => getComputedStyle(document.body).color);
    assert.ok(lum(fg) > 180, 'light text in dark mode');
    await shot(page, 'dark-results');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.ok(lum(await bg()) > 240, 'light background in light mode: ' + (await bg()));
  });

  test('controls are labelled and results are announced', async () => {
    ctx = await openPage(browser);
    const { page } = ctx;
    await page.goto(BASE + '/');
    // The search box has an accessible name, the form is a search landmark.
    // A combobox: it offers completions in a listbox (the ARIA combobox pattern).
    assert.equal(await page.getByRole('combobox', { name: 'Search documents' }).count(), 1);
    assert.equal(await page.getByRole('search').count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Search', exact: true }).count(), 1);
    // One live region for results, one for completions: neither cuts the other off.
    assert.equal(await page.locator('[role="status"][aria-live="polite"]').count(), 2);
    // Every visible control has a name.
    const unnamed = await page.$$eval('button, input, a[href]', (els) => els.filter((e) => {
      if (e.offsetParent === null) return false;
      const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
      return !(e.getAttribute('aria-label') || e.textContent.trim() || label.trim() || e.title);
    }).map((e) => e.outerHTML));
    assert.deepEqual(unnamed, []);
    await page.fill('#q', 'claude');
    await page.waitForFunction(() => /\d+ results? for claude/.test(document.getElementById('announce').textContent));
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.equal(await page.getByRole('navigation', { name: 'Result pages' }).count(), 0, 'no pager for one page');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  });
});
