// Documents with pages in the browser: a PDF hit says its page and opens the document there,
// the view shows the text page by page; a spreadsheet's sheets by name.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, closeChecked, indexFolder, startServer, shot } from './helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe('documents with pages', () => {
  let browser, server, work;
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-pages-'));
    // The fixtures are made here, by the tools that write the formats (see make_fixtures.py).
    const made = spawnSync('python3', [path.join(HERE, '../formats/make_fixtures.py'), path.join(work, 'fx')],
      { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const docs = path.join(work, 'docs');
    fs.mkdirSync(docs);
    fs.copyFileSync(path.join(work, 'fx/same/same.pdf'), path.join(docs, 'animals.pdf'));
    fs.copyFileSync(path.join(work, 'fx/sheets/accounts.xlsx'), path.join(docs, 'accounts.xlsx'));
    fs.copyFileSync(path.join(work, 'fx/mail/census.eml'), path.join(docs, 'census.eml'));
    await indexFolder(path.join(work, 'db'), docs);
    server = await startServer({}, path.join(work, 'db'));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('a PDF hit names its page and opens the document at it, page by page', async () => {
    const ctx = await openPage(browser);
    const { page } = ctx;
    await page.goto(server.url + '/?q=platypus');
    const hit = page.locator('#results li.hit').first();
    await hit.waitFor();
    assert.match(await hit.locator('.path').textContent(), /animals\.pdf · Page 3$/);
    await hit.locator('a.hit-link').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('at') === '3');
    await page.locator('#doc-text section#page-3 mark').first().waitFor();
    // Three pages, labelled; the match is on the third, which is in view.
    assert.deepEqual(await page.$$eval('#doc-text section.doc-page', (ss) => ss.map((s) => s.getAttribute('aria-label'))),
      ['Page 1', 'Page 2', 'Page 3']);
    assert.equal((await page.locator('#page-3 mark').first().textContent()).toLowerCase(), 'platypus');
    const inView = await page.$eval('#page-3', (s) => {
      const r = s.getBoundingClientRect();
      return r.top < window.innerHeight && r.bottom > 0;
    });
    assert.ok(inView, 'page 3 is scrolled into view');
    assert.match(await page.locator('#page-1').textContent(), /Quokka habitat/);
    await shot(page, 'pdf-pages');
    // A reload of that URL opens at the same page.
    await page.reload();
    await page.locator('#page-3 mark').first().waitFor();
    await closeChecked({ ...ctx, origin: server.url });
  });

  test('an attachment is a hit of its own that links to its message', async () => {
    const ctx = await openPage(browser);
    const { page } = ctx;
    await page.goto(server.url + '/?q=bilby');
    const hit = page.locator('#results li.hit').first();
    await hit.waitFor();
    assert.equal(await hit.locator('a.hit-link').textContent(), 'Bilby survey');
    assert.equal(await hit.locator('.hit-parent').textContent(), 'Attached to Wallaby census results');
    await hit.locator('a.parent-link').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('doc') === 'census.eml');
    await page.locator('#doc-text').getByText('wallaby count on the ridge').first().waitFor();
    await closeChecked({ ...ctx, origin: server.url });
  });

  test('a spreadsheet hit names its sheet, and the view labels the sheets', async () => {
    const ctx = await openPage(browser);
    const { page } = ctx;
    await page.goto(server.url + '/?q=dingo');
    const hit = page.locator('#results li.hit').first();
    await hit.waitFor();
    assert.match(await hit.locator('.path').textContent(), /accounts\.xlsx · Sheet Staff$/);
    await hit.locator('a.hit-link').click();
    await page.locator('#page-2 mark').first().waitFor();
    assert.deepEqual(await page.$$eval('#doc-text section.doc-page', (ss) => ss.map((s) => s.getAttribute('aria-label'))),
      ['Sheet Budget', 'Sheet Staff']);
    await closeChecked({ ...ctx, origin: server.url });
  });
});
