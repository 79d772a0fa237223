// Narrowing and forgiving: the facet panel, sorting, "did you mean", completions under the box
// and similar documents, on a wide screen and a phone's.
import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, closeChecked, shot } from './helpers.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function api(path) {
  const r = await fetch(BASE + path);
  return { status: r.status, body: await r.json() };
}
const hitIds = (page) => page.$$eval('#results a.hit-link', (as) => as.map((a) => a.dataset.id));
const param = (page, name) => new URL(page.url()).searchParams.get(name);

describe('narrowing and forgiving', () => {
  let browser, ctx;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => { ctx = await openPage(browser); });
  afterEach(async () => { await closeChecked(ctx); });

  test('the facet panel counts every match and its values add and remove filters', async () => {
    const { page } = ctx;
    const expected = await api('/api/search?q=the&facets=type,folder,year&per_page=1');
    await page.goto(BASE + '/?q=the');
    await page.locator('#facets button').first().waitFor();
    // Every facet value the API gives, with its count.
    for (const [name, values] of Object.entries(expected.body.facets)) {
      for (const v of values) {
        const label = `${name === 'year' ? 'Year' : name[0].toUpperCase() + name.slice(1)} ${v.value}, ${v.count} document`;
        assert.ok(await page.locator(`#facets button[aria-label^="${label}"]`).count() === 1, label);
      }
    }
    // Choosing a folder adds its filter to the box and the URL, and narrows to it.
    const paging = expected.body.facets.folder.find((v) => v.value === 'paging');
    assert.ok(paging, 'the fixtures\' "paging" folder is a facet value');
    await page.click('#facets button[aria-label^="Folder paging,"]');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'the folder:paging');
    assert.equal(await page.inputValue('#q'), 'the folder:paging');
    await page.waitForFunction(() => /^\d/.test(document.getElementById('summary').textContent));
    assert.match(await page.textContent('#summary'), new RegExp(`^${paging.count} documents? matched`));
    assert.ok((await hitIds(page)).every((id) => id.startsWith('paging/')));
    // The chosen value is pressed; pressing it again takes the filter away.
    const chosen = page.locator('#facets button[aria-pressed="true"]');
    assert.equal(await chosen.count(), 1);
    await chosen.click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'the');
    assert.equal(await page.inputValue('#q'), 'the');
    // A year: its modified: filter.
    const year = expected.body.facets.year[0];
    await page.click(`#facets button[aria-label^="Year ${year.value},"]`);
    await page.waitForFunction((y) => new URLSearchParams(location.search).get('q') === `the modified:${y}`, year.value);
    await page.waitForFunction(() => /^\d/.test(document.getElementById('summary').textContent));
    assert.match(await page.textContent('#summary'), new RegExp(`^${year.count} documents? matched`));
    await shot(page, 'facets');
  });

  test('matches in several languages add a language facet, named for readers', async () => {
    const { page } = ctx;
    const expected = await api('/api/search?q=numbat&facets=lang');
    assert.deepEqual(expected.body.facets.lang.map((v) => v.value).sort(), ['de', 'en', 'it']);
    // Each hit says its language.
    for (const hit of expected.body.hits) assert.equal(hit.lang, hit.id.slice(-6, -4), hit.id);
    await page.goto(BASE + '/?q=numbat');
    const italian = page.locator('#facets button[aria-label^="Language Italian, 1 document"]');
    await italian.waitFor();
    assert.equal(await page.locator('#facets section[aria-labelledby="facet-lang"] li').count(), 3);
    await italian.click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'numbat lang:it');
    await page.waitForFunction(() => /^1 document/.test(document.getElementById('summary').textContent));
    assert.deepEqual(await hitIds(page), ['languages/numbat-it.txt']);
    // One language among the matches: no panel section for it.
    await page.goto(BASE + '/?q=quokka');
    await page.locator('#facets button').first().waitFor();
    assert.equal(await page.locator('#facet-lang').count(), 0);
  });

  test('sorting by date, kept in the URL', async () => {
    const { page } = ctx;
    const newest = await api('/api/search?q=quokka&sort=newest&per_page=10');
    await page.goto(BASE + '/?q=quokka');
    await page.locator('#sort').waitFor({ state: 'visible' });
    assert.equal(await page.inputValue('#sort'), 'relevance');
    await page.selectOption('#sort', 'newest');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('sort') === 'newest');
    await page.waitForFunction((first) => document.querySelector('#results a.hit-link')?.dataset.id === first,
      newest.body.hits[0].id);
    assert.deepEqual(await hitIds(page), newest.body.hits.map((h) => h.id));
    // A reload keeps the order and the control.
    await page.reload();
    await page.locator('#results a.hit-link').first().waitFor();
    assert.equal(await page.inputValue('#sort'), 'newest');
    assert.deepEqual(await hitIds(page), newest.body.hits.map((h) => h.id));
  });

  test('a misspelled search shows the suggestion\'s results, and offers the query as typed', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    await page.fill('#q', 'quokkka');
    await page.locator('#spelling').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#spelling'), /Showing results for quokka\. Search instead for quokkka\./);
    assert.ok((await hitIds(page)).length > 0);
    await page.click('#spelling a');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('as_typed') === '1');
    await page.waitForFunction(() => /Did you mean/.test(document.getElementById('spelling').textContent));
    assert.equal((await hitIds(page)).length, 0);
    assert.match(await page.textContent('#spelling'), /Did you mean quokka\?/);
    await page.click('#spelling a');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'quokka');
    assert.equal(param(page, 'as_typed'), null);
    await page.locator('#results a.hit-link').first().waitFor();
    assert.equal(await page.isVisible('#spelling'), false);
  });

  test('completions of the last word: arrows, Enter and Escape, announced', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/');
    assert.equal(await page.getAttribute('#q', 'role'), 'combobox');
    await page.locator('#q').pressSequentially('the quok', { delay: 40 });
    await page.locator('#suggestions [role=option]').first().waitFor();
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'true');
    const options = await page.$$eval('#suggestions [role=option]', (os) => os.map((o) => o.textContent));
    assert.ok(options.includes('the quokka'), options.join(','));
    assert.ok(options.length <= 8);
    assert.match(await page.textContent('#suggest-status'), /completion/);
    // Escape closes the list and leaves the text.
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#suggestions'), false);
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'false');
    assert.equal(await page.inputValue('#q'), 'the quok');
    // Arrows choose (aria-activedescendant follows), Enter searches the choice.
    await page.keyboard.type('k');
    await page.locator('#suggestions [role=option]').first().waitFor();
    await page.keyboard.press('ArrowDown');
    const active = await page.getAttribute('#q', 'aria-activedescendant');
    assert.ok(active);
    assert.equal(await page.getAttribute(`#${active}`, 'aria-selected'), 'true');
    const choice = await page.textContent(`#${active}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((c) => new URLSearchParams(location.search).get('q') === c, choice);
    assert.equal(await page.inputValue('#q'), choice);
    assert.equal(await page.isVisible('#suggestions'), false);
    await page.locator('#results a.hit-link').first().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  });

  test('a document lists similar documents, which open in turn', async () => {
    const { page } = ctx;
    const hits = (await api('/api/search?q=quokka&per_page=1')).body.hits;
    const similar = (await api(`/api/documents/${encodeURIComponent(hits[0].id)}/similar?per_page=5`)).body.hits;
    assert.ok(similar.length > 0);
    await page.goto(BASE + '/?q=quokka');
    await page.click('#results a.hit-link >> nth=0');
    await page.locator('#similar').waitFor({ state: 'visible' });
    const listed = await page.$$eval('#similar-list a', (as) => as.map((a) => a.dataset.id));
    assert.deepEqual(listed, similar.map((h) => h.id));
    assert.ok(!listed.includes(hits[0].id), 'the document itself is not similar to itself');
    await page.click('#similar-list a >> nth=0');
    await page.waitForFunction((id) => new URLSearchParams(location.search).get('doc') === id, listed[0]);
    await page.waitForFunction((t) => document.getElementById('doc-title').textContent === t, similar[0].title);
    await shot(page, 'similar', true);
  });
});

describe('narrowing on a phone', () => {
  let browser, ctx;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => { ctx = await openPage(browser, PHONE); });
  afterEach(async () => { await closeChecked(ctx); });

  test('facets, sort and completions fit a phone\'s width', async () => {
    const { page } = ctx;
    await page.goto(BASE + '/?q=the');
    await page.locator('#facets button').first().waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(await overflow() <= 0, 'no sideways scrolling with the facets');
    // The facets come before the results, one tap each.
    const facetsTop = (await page.locator('#facets').boundingBox()).y;
    const resultsTop = (await page.locator('#results').boundingBox()).y;
    assert.ok(facetsTop < resultsTop);
    const tap = await page.locator('#facets button').first().boundingBox();
    assert.ok(tap.height >= 24, `a facet button is ${tap.height}px high`);
    assert.equal(await page.isVisible('#sort'), true);
    await shot(page, 'phone-facets', true);
    await page.fill('#q', '');
    await page.locator('#q').pressSequentially('quok', { delay: 40 });
    await page.locator('#suggestions [role=option]').first().waitFor();
    const list = await page.locator('#suggestions').boundingBox();
    assert.ok(list.x >= 0 && list.x + list.width <= 360, 'the completions stay on screen');
    assert.ok(await overflow() <= 0);
    await shot(page, 'phone-completions');
  });
});
