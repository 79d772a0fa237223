// MiniSearch as a relevance peer, for tests/relevance/run.sh.
//
//   node minisearch.mjs NODE_DIR DOCS_JSONL SETS_DIR RUNS_DIR SET...
//
// NODE_DIR is where `npm install minisearch` ran (the module is resolved from there, not from
// this folder, so the repository needs no node_modules of its own).  DOCS_JSONL holds
// {"id", "title", "text"} per page, extracted by known_items.py the way loupe-index reads
// HTML (MiniSearch reads no HTML itself).  Each SET is SETS_DIR/SET.jsonl; the top 10 ids of
// every query go to RUNS_DIR/minisearch/SET.jsonl, as evaluate.py writes them for the others.
//
// Settings as usually deployed and as the issue names them: BM25+ (MiniSearch's scoring), the
// title boosted 5x, no prefix or fuzzy matching, and every query word required (AND, as
// Omega is run here and as Loupe ranks its strict matches first).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [nodeDir, docsFile, setsDir, runsDir, ...sets] = process.argv.slice(2);
if (!sets.length) {
  console.error('usage: node minisearch.mjs NODE_DIR DOCS_JSONL SETS_DIR RUNS_DIR SET...');
  process.exit(2);
}
const require = createRequire(path.resolve(nodeDir, 'package.json'));
const MiniSearch = require('minisearch');

const readJsonl = (file) => fs.readFileSync(file, 'utf8').split('\n')
  .filter((line) => line.trim()).map((line) => JSON.parse(line));

let t0 = Date.now();
const index = new MiniSearch({ fields: ['title', 'text'], idField: 'id' });
index.addAll(readJsonl(docsFile));
console.log(`minisearch: indexed ${index.documentCount} pages in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const options = { boost: { title: 5 }, prefix: false, fuzzy: false, combineWith: 'AND' };
fs.mkdirSync(path.join(runsDir, 'minisearch'), { recursive: true });
for (const set of sets) {
  t0 = Date.now();
  const rows = readJsonl(path.join(setsDir, `${set}.jsonl`));
  const out = rows.map((row) => JSON.stringify({
    query: row.query,
    expected: row.expected,
    results: index.search(row.query, options).slice(0, 10).map((hit) => hit.id),
  }));
  fs.writeFileSync(path.join(runsDir, 'minisearch', `${set}.jsonl`), out.join('\n') + '\n');
  console.log(`minisearch ${set}: ${rows.length} queries in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
