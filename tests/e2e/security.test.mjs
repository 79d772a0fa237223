// A hostile document shows as text and runs nothing; nothing is fetched from elsewhere.
import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ORIGIN, launch, openPage, foreignRequests, shot, marksIn } from './helpers.mjs';

describe('safety', () => {
  let browser, ctx;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => {
    ctx = await openPage(browser);
    // Any script the document managed to run would set this or open a dialog.
    await ctx.page.addInitScript(() => {
      window.__alerts = 0;
      const trap = () => { window.__alerts++; };
      window.alert = trap; window.confirm = trap; window.prompt = trap;
    });
  });
  afterEach(async () => { await ctx.context.close(); });

  test('a document with <script> and onerror= shows as text and runs nothing', async () => {
    const { page, log } = ctx;
    const s = await (await fetch(`${BASE}/api/search?q=xylophone&page=1&per_page=10`)).json();
    assert.equal(s.total, 1, 'the hostile fixture is indexed');
    const hostile = s.hits[0];
    assert.ok(hostile.title.includes('<script>'), 'its title holds a script tag: ' + hostile.title);
    await page.goto(BASE + '/?q=xylophone');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length === 1);
    const title = await page.textContent('#results .hit-title');
    assert.ok(title.includes('<script>alert(1)</script>'), 'title shown as text: ' + title);
    assert.ok(title.includes('<img src=x onerror=alert(1)>'), title);
    assert.ok((await marksIn(page, '#results')).includes('xylophone'));
    assert.equal(await page.locator('#results script, #results img, #results [onerror], #results [onclick]').count(), 0);
    await shot(page, 'hostile-results');
    await page.click('#results a.hit-link');
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
    const text = await page.textContent('#doc-text');
    assert.ok(text.includes('<script>alert(document.cookie)</script>'), 'script shown as text');
    assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'img shown as text');
    assert.ok(text.includes('<a href="javascript:alert(1)" onclick="alert(1)">click me</a>'));
    assert.ok(text.includes('&lt;b&gt; and &amp; and &quot;'), 'entities stay literal');
    assert.ok(text.includes('invoicetxt.exe') && !text.includes('\u202E'), 'no bidirectional override is obeyed');
    assert.equal(await page.textContent('#doc-title'), hostile.title);
    assert.equal(await page.locator('main script, main img, main [onerror], main [onclick], main a[href^="javascript:"]').count(), 0);
    assert.ok((await marksIn(page, '#doc-text')).filter((m) => m === 'xylophone').length >= 3);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__alerts), 0, 'no alert ran');
    assert.deepEqual(log.dialogs, []);
    assert.deepEqual(log.pageErrors, []);
    // <img src=x> would have asked the server for /x.
    assert.equal(log.requests.filter((u) => /\/x$/.test(new URL(u).pathname)).length, 0);
    assert.match(await page.title(), /<script>/, 'the tab title is text too');
    await shot(page, 'hostile-document');
  });

  test('no request leaves the server origin during a full session', async () => {
    const { page, log } = ctx;
    await page.goto(BASE + '/');
    await page.fill('#q', 'claude');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    await page.click('#help summary');
    await page.click('#results a.hit-link');
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
    await page.keyboard.press('n');
    await page.goBack();
    await page.waitForLoadState('networkidle');
    assert.ok(log.requests.length >= 4);
    assert.deepEqual(foreignRequests(log), []);
    assert.ok(log.requests.every((u) => u.startsWith(ORIGIN + '/') || u.startsWith('data:')));
  });
});
