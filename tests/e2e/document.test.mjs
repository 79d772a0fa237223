// The document view: metadata, every match marked, stepping through matches, the way back.
import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, closeChecked, shot, marksIn } from './helpers.mjs';

const currentIndex = (page) => page.$$eval('#doc-text mark', (ms) => ms.findIndex((m) => m.classList.contains('current')));
const inViewport = (page) => page.$eval('#doc-text mark.current', (m) => {
  const r = m.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
});

describe('document view', () => {
  let browser, ctx;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => { ctx = await openPage(browser); });
  afterEach(async () => { await closeChecked(ctx); });

  test('open a result, step through its matches, and go back', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/?q=karpathy');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    const first = page.locator('#results a.hit-link').first();
    const id = await first.getAttribute('data-id');
    const r = await fetch(`${BASE}/api/documents/${encodeURIComponent(id)}?q=karpathy`);
    assert.equal(r.status, 200);
    const doc = await r.json();
    await first.click();
    await page.locator('#doc-view').waitFor();
    await page.waitForFunction(() => !document.getElementById('doc-view').hasAttribute('aria-busy'));
    assert.equal(new URL(page.url()).searchParams.get('doc'), id);
    assert.equal(await page.isVisible('#results-view'), false);
    assert.equal(await page.textContent('#doc-title'), doc.title);
    assert.equal(await page.textContent('#doc-path'), doc.path);
    assert.match(await page.textContent('#doc-size'), new RegExp(doc.size.toLocaleString('en-US').replace(/,/g, '[,.\\s\u202f]?')));
    assert.match(await page.textContent('#doc-date'), /\d/);
    // The whole text is there, with every match marked.
    const shownText = await page.textContent('#doc-text');
    assert.equal(shownText.replace(/\s+/g, ' ').trim(), doc.text.replace(/\s+/g, ' ').trim());
    const marks = await marksIn(page, '#doc-text');
    const expected = (doc.html.match(/<mark>/g) || []).length;
    assert.ok(marks.length >= 2, 'several matches');
    assert.equal(marks.length, expected, 'every match the server marked is shown');
    assert.ok(marks.length >= (doc.text.match(/\bkarpathy\b/gi) || []).length, 'every occurrence of the word is marked');
    assert.match(await page.textContent('#match-count'), new RegExp(`${marks.length} matches`));
    assert.equal(await currentIndex(page), -1);
    // Keys: n next, p previous, with wrap-around.
    await page.keyboard.press('n');
    assert.equal(await currentIndex(page), 0);
    assert.equal(await page.textContent('#match-count'), `Match 1 of ${marks.length}`);
    await page.keyboard.press('n');
    await page.keyboard.press('n');
    assert.equal(await currentIndex(page), 2);
    assert.ok(await inViewport(page), 'the current match is scrolled into view');
    await page.keyboard.press('p');
    assert.equal(await currentIndex(page), 1);
    // Buttons do the same.
    await page.click('#match-prev');
    assert.equal(await currentIndex(page), 0);
    await page.click('#match-prev');
    assert.equal(await currentIndex(page), marks.length - 1, 'previous from the first wraps to the last');
    assert.ok(await inViewport(page));
    await page.click('#match-next');
    assert.equal(await currentIndex(page), 0, 'next from the last wraps to the first');
    await page.keyboard.press('n');
    await page.keyboard.press('n');
    await shot(page, 'document');
    // Back to the results with the link, focus returns to the result.
    await page.click('#doc-back');
    await page.locator('#results-view').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('doc'), null);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'karpathy');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.id), id);
    // Browser back/forward move between the results and the document.
    await page.goForward();
    await page.locator('#doc-view').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
    await page.goBack();
    await page.locator('#results-view').waitFor();
    assert.ok(await page.locator('#results li').count() > 0);
  });

  test('keyboard only: /, arrows, Enter, n, Escape', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    await page.keyboard.type('eureka');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 1);
    await page.keyboard.press('ArrowDown');
    const firstId = await page.evaluate(() => document.activeElement.dataset.id);
    assert.ok(firstId, 'ArrowDown moves from the box to the first result');
    await page.keyboard.press('ArrowDown');
    const secondId = await page.evaluate(() => document.activeElement.dataset.id);
    assert.ok(secondId && secondId !== firstId);
    // Focus is visible.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.keyboard.press('Enter');
    await page.locator('#doc-view').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'doc-title', 'focus moves to the document');
    await page.keyboard.press('n');
    assert.equal(await currentIndex(page), 0);
    await page.keyboard.press('Escape');
    await page.locator('#results-view').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.dataset.id), secondId, 'focus returns to the opened result');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    // Tab reaches the controls in order: box, button, help, results.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-btn');
  });

  test('a shared link to a document opens it directly', async () => {
    const { page } = ctx;
    const s = await (await fetch(`${BASE}/api/search?q=tesla&page=1&per_page=10`)).json();
    const id = s.hits[0].id;
    await page.goto(`${BASE}/?q=tesla&doc=${encodeURIComponent(id)}`);
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
    const marks = await marksIn(page, '#doc-text');
    assert.ok(marks.every((m) => m.includes('tesla')), marks.join());
    assert.equal(await page.inputValue('#q'), 'tesla');
    await page.click('#doc-back');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'tesla');
  });

  test('a reloaded document has the keys at once; / then Esc over it keeps it', async () => {
    const { page } = ctx;
    const s = await (await fetch(`${BASE}/api/search?q=anthropic&page=1&per_page=10`)).json();
    const id = s.hits[1].id;
    await page.goto(`${BASE}/?q=anthropic&doc=${encodeURIComponent(id)}`);
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 1);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 1);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'doc-title', 'the document, not the box, has the focus');
    await page.keyboard.press('n');
    await page.keyboard.press('n');
    assert.equal(await currentIndex(page), 1);
    assert.equal(await page.inputValue('#q'), 'anthropic', 'n went to the document, not into the query');
    // / to the box, Esc back: the document and its query stay.
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(400); // longer than the typing debounce
    assert.equal(await page.inputValue('#q'), 'anthropic');
    assert.equal(new URL(page.url()).searchParams.get('doc'), id);
    assert.equal(await page.isVisible('#doc-view'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'doc-title');
    // The skip link moves the focus without a new history entry or a reload of the document.
    const entries = await page.evaluate(() => history.length);
    await page.keyboard.press('n');
    await page.evaluate(() => document.querySelector('.skip').click());
    assert.equal(await page.evaluate(() => history.length), entries);
    assert.equal(await currentIndex(page), 2, 'the current match survives');
  });

  test('on a short window the match controls stay on screen and the match is not under them', async () => {
    const { page } = ctx;
    await page.setViewportSize({ width: 375, height: 520 });
    await page.goto(`${BASE}/?q=karpathy`);
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
    await page.click('#results a.hit-link');
    await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 3);
    for (let i = 0; i < 4; i++) await page.click('#match-next');
    const box = await page.evaluate(() => {
      const nav = document.getElementById('match-next').getBoundingClientRect();
      const bar = document.getElementById('matchnav').getBoundingClientRect();
      const m = document.querySelector('#doc-text mark.current').getBoundingClientRect();
      return { navTop: nav.top, navBottom: nav.bottom, barBottom: bar.bottom, markTop: m.top, markBottom: m.bottom, h: innerHeight };
    });
    assert.ok(box.navTop >= 0 && box.navBottom <= box.h, `Next button on screen: ${JSON.stringify(box)}`);
    assert.ok(box.markTop >= box.barBottom && box.markBottom <= box.h, `match below the bar: ${JSON.stringify(box)}`);
    await shot(page, 'document-phone');
  });

  test('a missing document says so', async () => {
    const { page } = ctx;
    await page.goto(`${BASE}/?q=tesla&doc=${encodeURIComponent('no/such/file.txt')}`);
    await page.locator('#doc-message.error').waitFor();
    assert.match(await page.textContent('#doc-title'), /not found/i);
    assert.match(await page.textContent('#doc-message'), /not in the index/);
  });
});
