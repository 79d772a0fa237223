// Shared set-up for the end-to-end tests: one headless Chromium per test file,
// a fresh context per test, and a record of every request each page makes.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BASE = process.env.LOUPE_URL;
if (!BASE) throw new Error('LOUPE_URL is not set: run the tests through tests/e2e/run.sh BUILD_DIR');
export const ORIGIN = new URL(BASE).origin;
export const BUILD_DIR = process.env.LOUPE_BUILD_DIR || '';
export const DB = process.env.LOUPE_DB || '';
export const WEB = process.env.LOUPE_WEB || '';
export const SHOTS = process.env.LOUPE_SCREENSHOTS || path.join(os.tmpdir(), 'loupe-e2e-screenshots');
fs.mkdirSync(SHOTS, { recursive: true });

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

// Playwright gives each launch a fresh, temporary user-data-dir of its own.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// A fresh context and page that records requests, console errors, page errors and dialogs.
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const log = { requests: [], dialogs: [], pageErrors: [], consoleErrors: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('dialog', (d) => { log.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') log.consoleErrors.push(m.text()); });
  page.setDefaultTimeout(10000);
  return { context, page, log };
}

// Every request a page made went to the server's own origin (data: URLs make no request).
export function foreignRequests(log, origin = ORIGIN) {
  return log.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
}

// Closes a page opened by openPage() and checks what every test must hold: nothing fetched
// from another origin (`origin`: set by a test that started a server of its own), no uncaught
// script error, no dialog.
export async function closeChecked({ log, context, origin }) {
  await context.close();
  assert.deepEqual(foreignRequests(log, origin ? new URL(origin).origin : ORIGIN), [], 'no request leaves the server origin');
  assert.deepEqual(log.pageErrors, [], 'no uncaught script errors');
  assert.deepEqual(log.dialogs, [], 'no dialogs');
}

export async function shot(page, name, fullPage = false) {
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage });
  return file;
}

// Marked words inside an element, in order, lower-cased.
export async function marksIn(page, selector) {
  return page.$$eval(`${selector} mark`, (ms) => ms.map((m) => m.textContent.toLowerCase()));
}

// Runs loupe-index over `folder` into `db`; rejects with its output when it fails.
export function indexFolder(db, folder) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(BUILD_DIR, 'loupe-index'), ['--db', db, folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`loupe-index exited ${code}: ${out}`))));
  });
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Start another loupe-server on the test index (for example with LOUPE_API_KEY set), or on
// another database; `args` are more flags (another --db).
export async function startServer(env = {}, db = DB, args = []) {
  if (!BUILD_DIR || !db || !WEB) throw new Error('LOUPE_BUILD_DIR, LOUPE_DB and LOUPE_WEB are needed to start a server');
  const port = await freePort();
  const child = spawn(path.join(BUILD_DIR, 'loupe-server'),
    ['--db', db, '--port', String(port), '--bind', '127.0.0.1', '--web', WEB, ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`loupe-server exited (${child.exitCode}): ${stderr}`);
    try {
      const r = await fetch(url + '/api/health');
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error('loupe-server did not start: ' + stderr); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
      setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 3000).unref();
    }),
  };
}
