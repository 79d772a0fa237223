// Searching again, coming back, and input the page must not take for a query: resubmitting,
// scroll kept across pages and reloads, input-method composition, over-long queries, titles.
import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, DB, launch, openPage, closeChecked, indexFolder, startServer, freePort } from './helpers.mjs';

const searchesIn = (log) => log.requests
  .filter((u) => new URL(u).pathname.endsWith('/api/search'))
  .map((u) => new URL(u).searchParams.get('q'));

describe('history and input', () => {
  let browser, ctx;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => { ctx = await openPage(browser); });
  afterEach(async () => { await closeChecked(ctx); });

  test('Enter on the query on screen asks again and shows what was indexed since', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-e2e-resubmit-'));
    const docs = path.join(work, 'docs');
    const db = path.join(work, 'db');
    fs.mkdirSync(docs);
    fs.writeFileSync(path.join(docs, 'one.txt'), 'A note on the okapi, first of its kind.\n');
    await indexFolder(db, docs);
    const server = await startServer({}, db);
    ctx.origin = server.url;
    try {
      const { page } = ctx;
      await page.goto(server.url + '/?q=okapi');
      await page.waitForFunction(() => /^1 document matched/.test(document.getElementById('summary').textContent));
      fs.writeFileSync(path.join(docs, 'two.txt'), 'Another okapi note, written later.\n');
      await indexFolder(db, docs);
      await page.waitForTimeout(1500); // the server sees a re-index within a second
      await page.press('#q', 'Enter');
      await page.waitForFunction(() => /^2 documents matched/.test(document.getElementById('summary').textContent));
      assert.equal(await page.locator('#results li').count(), 2);
    } finally {
      await server.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test('a database that does not answer: the summary says documents may be missing', async () => {
    // Nothing listens on this port: the second database is refused, and left out.
    const dead = `tcp://127.0.0.1:${await freePort()}`;
    const server = await startServer({}, DB, ['--db', dead, '--shard-timeout-ms', '300']);
    ctx.origin = server.url;
    try {
      const { page } = ctx;
      await page.goto(server.url + '/?q=quokka');
      await page.waitForFunction(() => /documents? matched/.test(document.getElementById('summary').textContent));
      const summary = await page.locator('#summary').textContent();
      assert.match(summary, /1 of 2 databases did not answer, so some documents may be missing/);
      assert.ok(await page.locator('#results li').count() > 0, 'the other database still answers');
      await page.goto(server.url + '/?q=zzyzxnothing');
      await page.waitForFunction(() => /^No documents matched/.test(document.getElementById('summary').textContent));
      assert.match(await page.locator('#summary').textContent(), /1 of 2 databases did not answer/);
    } finally {
      await server.stop();
    }
  });

  test('Back from the next page, and a reload, return to where the list was scrolled', async () => {
    const { page } = ctx;
    await page.setViewportSize({ width: 800, height: 400 });
    await page.goto(BASE + '/?q=quokka');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length === 10);
    const next = page.locator('#pager a[aria-label="Next page"]');
    await next.scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 100, `the pager is below the fold (scrollY ${scrolled})`);
    await next.click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('page') === '2');
    await page.goBack();
    await page.waitForFunction(() => !new URLSearchParams(location.search).get('page') && document.querySelectorAll('#results li').length === 10);
    await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, scrolled);
    await page.evaluate(() => window.scrollTo(0, 150));
    await page.waitForTimeout(400); // a reader's pause before reloading
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#results li').length === 10);
    await page.waitForFunction(() => Math.abs(window.scrollY - 150) < 5);
  });

  test('text still being composed in an input method is not searched', async () => {
    const { page, log } = ctx;
    await page.goto(BASE + '/');
    await page.focus('#q');
    const entries = await page.evaluate(() => history.length);
    const cdp = await page.context().newCDPSession(page);
    // Kana typed and shown while the input method composes, then committed as kanji.
    for (const text of ['t', 'と', 'とう', 'とうきょう']) {
      await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
      await page.waitForTimeout(300); // longer than the page's typing pause
    }
    await page.waitForTimeout(1700); // a pause to pick the word: longer than a settled search
    await cdp.send('Input.insertText', { text: '東京' });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '東京');
    await page.waitForFunction(() => document.getElementById('summary').textContent !== '');
    assert.deepEqual(searchesIn(log), ['東京'], 'only the committed text is searched');
    assert.equal(await page.evaluate(() => history.length), entries + 1, 'one history entry for the search');
  });

  test('a query over the API limit says so before anything is sent', async () => {
    const { page, log } = ctx;
    const long = '東京'.repeat(1500); // 9,000 bytes: as a URL, longer than a server takes
    await page.goto(BASE + '/');
    await page.fill('#q', long);
    await page.press('#q', 'Enter');
    await page.locator('#message.error').waitFor();
    assert.match(await page.textContent('#message'), /the query is 9000 bytes; the limit is 1024/);
    assert.deepEqual(searchesIn(log), []);
  });

  test('the tab title shows the query without direction overrides', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/?q=' + encodeURIComponent('\u202Eevil karpathy'));
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    const title = await page.title();
    assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(title), JSON.stringify(title));
    assert.match(title, /evil karpathy/);
  });
});
