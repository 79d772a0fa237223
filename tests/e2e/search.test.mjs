// Searching: type-ahead, URL state, pagination, help and the empty/error states.
import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, closeChecked, shot, marksIn } from './helpers.mjs';

async function api(path) {
  const r = await fetch(BASE + path);
  return { status: r.status, body: await r.json() };
}

describe('search page', () => {
  let browser, ctx;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => { ctx = await openPage(browser); });
  afterEach(async () => { await closeChecked(ctx); });

  test('before the first search: focused box, hint, help', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q', 'search box is focused on load');
    await page.locator('#message.hint').waitFor();
    assert.match(await page.textContent('#message'), /Search \d+ documents|Search the documents/);
    // The help is collapsed and opens to explain the syntax.
    assert.equal(await page.isVisible('#help dl'), false);
    await page.click('#help summary');
    const help = await page.textContent('#help');
    for (const s of ['"', 'OR', 'NOT', '*', 'title:']) assert.ok(help.includes(s), `help mentions ${s}`);
    // "/" focuses the box from anywhere.
    await page.focus('#help summary');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    assert.equal(await page.inputValue('#q'), '', '"/" is not typed into the box');
  });

  test('results appear while typing, without Enter, with marks, count and time', async () => {
    const { page, log } = ctx;
    const expected = await api('/api/search?q=karpathy&page=1&per_page=10');
    assert.equal(expected.status, 200);
    assert.ok(expected.body.total >= 5);
    await page.goto(BASE + '/');
    await page.locator('#q').pressSequentially('karpathy', { delay: 35 });
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'karpathy');
    await page.waitForFunction(() => /karpathy/i.test(document.title));
    const n = await page.locator('#results li').count();
    assert.equal(n, Math.min(10, expected.body.total));
    const summary = await page.textContent('#summary');
    assert.match(summary, new RegExp(`^${expected.body.total} documents? matched in (under )?[\\d.]+ ms`));
    const marks = await marksIn(page, '#results');
    assert.ok(marks.length >= n, 'matches are marked');
    assert.ok(marks.every((m) => m.includes('karpathy')), 'only the query word is marked: ' + marks.join(','));
    assert.ok((await marksIn(page, '#results .hit-title')).length > 0, 'titles have marks');
    // Path and snippet for each hit, as in the API.
    const first = expected.body.hits[0];
    assert.equal(await page.locator('#results li').first().locator('.path').textContent(), first.path);
    assert.ok(await page.locator('#results li .snippet').count() > 0);
    // The live region announces the count.
    await page.waitForFunction(() => /result/.test(document.getElementById('announce').textContent));
    assert.match(await page.textContent('#announce'), new RegExp(`${expected.body.total} results`));
    // Typing is debounced: far fewer requests than keystrokes.
    const searches = log.requests.filter((u) => u.includes('/api/search'));
    assert.ok(searches.length <= 4, `debounced: ${searches.length} requests for 8 keystrokes`);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q', 'focus stays in the box');
    await shot(page, 'results');
  });

  test('a stale answer never replaces a newer one', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    // Hold back the answer for "tesla" so it arrives after the one for "eureka".
    await page.route(/\/api\/search\?q=tesla/, async (route) => {
      await new Promise((r) => setTimeout(r, 1200));
      await route.continue().catch(() => {});
    });
    await page.fill('#q', 'tesla');
    await page.waitForTimeout(400); // debounce passed, "tesla" request pending
    await page.fill('#q', 'eureka');
    await page.waitForFunction(() => document.querySelectorAll('#results mark').length > 0);
    await page.waitForTimeout(1500); // the late "tesla" answer has come and gone
    const marks = await marksIn(page, '#results');
    assert.ok(marks.length > 0 && marks.every((m) => m.includes('eureka')), marks.join(','));
    assert.equal(new URL(page.url()).searchParams.get('q'), 'eureka');
  });

  test('Enter searches at once and a query URL shows the same results on reload', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    await page.fill('#q', 'anthropic');
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    const ids = await page.$$eval('#results a.hit-link', (as) => as.map((a) => a.dataset.id));
    await page.goto(BASE + '/?q=anthropic');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.equal(await page.inputValue('#q'), 'anthropic');
    assert.deepEqual(await page.$$eval('#results a.hit-link', (as) => as.map((a) => a.dataset.id)), ids);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.deepEqual(await page.$$eval('#results a.hit-link', (as) => as.map((a) => a.dataset.id)), ids);
  });

  test('pagination keeps the query; back and forward walk the pages', async () => {
    const { page } = ctx;
    const all = await api('/api/search?q=quokka&page=1&per_page=100');
    assert.ok(all.body.total > 20, 'the fixture has more than two pages of "quokka"');
    const pages = Math.ceil(all.body.total / 10);
    const idsOnPage = async () => page.$$eval('#results a.hit-link', (as) => as.map((a) => a.dataset.id));
    await page.goto(BASE + '/?q=quokka');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length === 10);
    const p1 = await idsOnPage();
    assert.ok(await page.isVisible('#pager'));
    assert.match(await page.textContent('#summary'), new RegExp(`${all.body.total} documents matched.*showing 1–10`));
    await page.click('#pager a[aria-label="Next page"]');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('page') === '2');
    await page.waitForFunction((p1) => document.querySelector('#results a.hit-link')?.dataset.id !== p1[0], p1);
    const p2 = await idsOnPage();
    assert.equal(p2.length, 10);
    assert.equal(p2.filter((id) => p1.includes(id)).length, 0, 'page 2 is different from page 1');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'quokka');
    assert.equal(await page.inputValue('#q'), 'quokka');
    assert.equal(await page.getAttribute('#pager [aria-current="page"]', 'aria-current'), 'page');
    assert.equal(await page.textContent('#pager [aria-current="page"]'), '2');
    await page.click(`#pager a[aria-label="Page ${pages}"]`);
    await page.waitForFunction((n) => new URLSearchParams(location.search).get('page') === String(n), pages);
    await page.waitForFunction((n) => document.querySelectorAll('#results li').length === n, all.body.total - (pages - 1) * 10);
    const pLast = await idsOnPage();
    const allIds = all.body.hits.map((h) => h.id);
    assert.deepEqual(p1, allIds.slice(0, 10));
    assert.deepEqual(p2, allIds.slice(10, 20));
    assert.deepEqual(pLast, allIds.slice((pages - 1) * 10));
    await page.goBack();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('page') === '2');
    await page.waitForFunction((p2) => document.querySelector('#results a.hit-link')?.dataset.id === p2[0], p2);
    await page.goBack();
    await page.waitForFunction((p1) => document.querySelector('#results a.hit-link')?.dataset.id === p1[0], p1);
    assert.equal(new URL(page.url()).searchParams.get('page'), null);
    await page.goForward();
    await page.waitForFunction((p2) => document.querySelector('#results a.hit-link')?.dataset.id === p2[0], p2);
    // A shared link to a later page shows that page.
    await page.goto(BASE + `/?q=quokka&page=${pages}`);
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.deepEqual(await idsOnPage(), pLast);
    // Ids with a slash (fixtures/paging/...) open too, and the way back returns to that page.
    assert.ok(pLast[0].includes('/'), pLast[0]);
    await page.click('#results a.hit-link');
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
    assert.match(await page.textContent('#doc-title'), /Quokka field note/);
    await page.click('#doc-back');
    await page.waitForFunction((n) => new URLSearchParams(location.search).get('page') === String(n) && !document.getElementById('results-view').hidden, pages);
    assert.deepEqual(await idsOnPage(), pLast);
  });

  test('a typed search left on screen keeps its history entry; a burst of typing shares one', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    await page.locator('#q').pressSequentially('tesla', { delay: 20 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'tesla' && document.querySelectorAll('#results li').length > 0);
    await page.waitForTimeout(1800); // read the results
    // Two quick edits, each past the debounce but not settled: one entry for both.
    await page.locator('#q').pressSequentially(' openai', { delay: 20 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'tesla openai');
    await page.locator('#q').pressSequentially(' claude', { delay: 20 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'tesla openai claude' && document.querySelectorAll('#results li').length > 0);
    await page.goBack();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'tesla');
    await page.waitForFunction(() => document.getElementById('q').value === 'tesla' && /tesla/i.test(document.getElementById('summary').textContent + document.title));
    assert.ok(await page.locator('#results li').count() > 0);
  });

  test('a page past the end shows the last page; an odd page number is settled in the URL', async () => {
    const { page } = ctx;
    const all = await api('/api/search?q=quokka&page=1&per_page=10');
    const last = Math.ceil(all.body.total / 10);
    await page.goto(BASE + '/?q=quokka&page=999');
    await page.waitForFunction((n) => new URLSearchParams(location.search).get('page') === String(n), last);
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.equal(await page.textContent('#pager [aria-current="page"]'), String(last));
    assert.equal(await page.locator('#pager a[aria-label="Next page"]').count(), 0);
    await page.goto(BASE + '/?q=quokka&page=0');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.equal(new URL(page.url()).search, '?q=quokka');
  });

  test('a search cut short by Back or Home leaves no busy, greyed-out list', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/?q=quokka');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    await page.route(/api\/search\?q=quokka%20zebra/, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue().catch(() => {});
    });
    await page.locator('#q').pressSequentially(' zebra', { delay: 20 });
    await page.waitForFunction(() => document.getElementById('results-view').getAttribute('aria-busy') === 'true');
    await page.goBack();
    await page.waitForFunction(() => document.getElementById('q').value === 'quokka' || new URLSearchParams(location.search).get('q') !== 'quokka zebra');
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute('#results-view', 'aria-busy'), null);
    assert.equal(await page.evaluate(() => document.getElementById('results-view').classList.contains('loading')), false);
    await page.unroute(/api\/search\?q=quokka%20zebra/);
  });

  test('no results: a suggestion to try fewer or other words', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/?q=zqxjvwkk');
    await page.locator('#message.empty').waitFor();
    const text = await page.textContent('#message');
    assert.match(text, /No results for “zqxjvwkk”/);
    assert.match(text, /fewer words|other words/);
    assert.equal(await page.locator('#results li').count(), 0);
    await page.waitForFunction(() => /No results/.test(document.getElementById('announce').textContent));
    await shot(page, 'no-results');
  });

  test('a query the server rejects shows the API message', async () => {
    const { page } = ctx;
    const long = 'karpathy '.repeat(130).trim(); // > 1 KiB
    const rejected = await api('/api/search?q=' + encodeURIComponent(long));
    assert.equal(rejected.status, 400);
    const message = rejected.body.error.message;
    assert.ok(message);
    await page.goto(BASE + '/');
    await page.fill('#q', long);
    await page.press('#q', 'Enter');
    await page.locator('#message.error').waitFor();
    const text = await page.textContent('#message');
    assert.match(text, /rejected/);
    assert.ok(text.includes(message), `shows "${message}" in "${text}"`);
    assert.equal(await page.locator('#results li').count(), 0);
  });

  test('an unreachable server gives a clear message and a retry', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.fill('#q', 'claude');
    await page.press('#q', 'Enter');
    await page.locator('#message.error').waitFor();
    assert.match(await page.textContent('#message'), /can’t reach the server/i);
    await shot(page, 'unreachable');
    await page.unroute('**/api/**');
    await page.click('#message button');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.equal(await page.isVisible('#message'), false);
  });

  test('every example in the help finds documents', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    const examples = await page.$$eval('#help dt code', (cs) => cs.map((c) => c.textContent));
    assert.ok(examples.length >= 6);
    for (const q of examples) {
      await page.goto(BASE + '/?q=' + encodeURIComponent(q));
      await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0 || !document.getElementById('message').hidden);
      assert.ok(await page.locator('#results li').count() > 0, `"${q}" finds documents`);
      assert.ok(await page.locator('#results mark').count() > 0, `"${q}" marks matches`);
    }
  });

  // 50 KB until the facets, sorting, spelling, completions and similar documents (+9 KB).
  test('page weight is under 64 KB and files have the right types', async () => {
    let total = 0;
    for (const [file, type] of [['/', 'text/html'], ['/app.js', 'javascript'], ['/style.css', 'text/css']]) {
      const r = await fetch(BASE + file);
      assert.equal(r.status, 200, file);
      assert.ok((r.headers.get('content-type') || '').includes(type), `${file}: ${r.headers.get('content-type')}`);
      total += (await r.arrayBuffer()).byteLength;
    }
    assert.ok(total < 64 * 1024, `page weight ${total} bytes`);
    // Everything the loaded page fetches is counted above (plus API JSON).
    const { page, log } = ctx;
    await page.goto(BASE + '/');
    await page.waitForLoadState('networkidle');
    const files = log.requests.filter((u) => !u.includes('/api/') && !u.startsWith('data:')).map((u) => new URL(u).pathname);
    assert.deepEqual(files.sort(), ['/', '/app.js', '/style.css']);
  });
});
