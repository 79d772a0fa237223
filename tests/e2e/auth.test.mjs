// With LOUPE_API_KEY set the page asks for the key once and sends it on every API call.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, foreignRequests, startServer, shot } from './helpers.mjs';

const KEY = 'e2e-secret-key';

describe('API key', () => {
  let browser, server, enforced = false;
  before(async () => {
    browser = await launch();
    server = await startServer({ LOUPE_API_KEY: KEY });
    const r = await fetch(server.url + '/api/search?q=claude');
    enforced = r.status === 401;
  });
  after(async () => { await browser?.close(); await server?.stop(); });

  test('the API answers 401 without the key and /api/health stays open', async (t) => {
    if (!enforced) { t.skip('this loupe-server does not enforce LOUPE_API_KEY yet'); return; }
    const r = await fetch(server.url + '/api/search?q=claude');
    assert.equal(r.status, 401);
    const body = await r.json();
    assert.equal(body.error.code, 'unauthorized');
    assert.equal((await fetch(server.url + '/api/health')).status, 200);
    const ok = await fetch(server.url + '/api/search?q=claude', { headers: { Authorization: 'Bearer ' + KEY } });
    assert.equal(ok.status, 200);
  });

  test('the page asks for the key once and sends it as a Bearer header', async (t) => {
    if (!enforced) { t.skip('this loupe-server does not enforce LOUPE_API_KEY yet'); return; }
    const { context, page, log } = await openPage(browser);
    const apiCalls = [];
    page.on('request', (r) => { if (r.url().includes('/api/') && !r.url().includes('/api/health')) apiCalls.push(r.headers().authorization || ''); });
    try {
      await page.goto(server.url + '/?q=claude');
      await page.locator('#auth').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'auth-key', 'the key field is focused');
      assert.equal(await page.getByLabel('API key').count(), 1);
      // A wrong key is refused and the page asks again.
      await page.fill('#auth-key', 'wrong');
      await page.press('#auth-key', 'Enter');
      await page.waitForFunction(() => /not accepted/.test(document.getElementById('auth-msg').textContent));
      assert.ok(await page.isVisible('#auth'));
      await shot(page, 'api-key');
      await page.fill('#auth-key', KEY);
      await page.click('#auth button[type="submit"]');
      await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
      assert.equal(await page.isVisible('#auth'), false);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('loupe.apiKey')), KEY);
      // Later calls carry the key without asking: another search, a document, a reload.
      const before = apiCalls.length;
      await page.fill('#q', 'tesla');
      await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'tesla' && document.querySelectorAll('#results mark').length > 0);
      await page.click('#results a.hit-link');
      await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
      await page.reload();
      await page.waitForFunction(() => document.querySelectorAll('#doc-text mark').length > 0);
      assert.equal(await page.isVisible('#auth'), false, 'not asked again in this session');
      const after = apiCalls.slice(before);
      assert.ok(after.length >= 3);
      assert.ok(after.every((h) => h === 'Bearer ' + KEY), after.join(' | '));
      assert.deepEqual(foreignRequests(log, server.url), []);
      assert.deepEqual(log.dialogs, [], 'no window.prompt');
      assert.deepEqual(log.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('the key is asked for on arrival, before a keystroke can land in the wrong field', async (t) => {
    if (!enforced) { t.skip('this loupe-server does not enforce LOUPE_API_KEY yet'); return; }
    const { context, page, log } = await openPage(browser);
    try {
      await page.goto(server.url + '/');
      await page.locator('#auth').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'auth-key');
      await page.keyboard.press('Escape');
      assert.equal(await page.isVisible('#auth'), false, 'Esc closes the key form');
      // Typing a query while the server asks again leaves the keystrokes in the query.
      await page.focus('#q');
      await page.keyboard.type('claude', { delay: 30 });
      await page.locator('#auth').waitFor();
      await page.keyboard.type(' code', { delay: 30 });
      assert.equal(await page.inputValue('#q'), 'claude code');
      assert.equal(await page.inputValue('#auth-key'), '');
      assert.match(await page.textContent('#message'), /API key/);
      await page.fill('#auth-key', KEY);
      await page.press('#auth-key', 'Enter');
      await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0);
      assert.deepEqual(log.pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
