// Loupe search page: vanilla JS, no dependencies, talks only to this server's /api/.
// Document text is only ever inserted as text; the server's highlighted HTML
// (snippets, titles, document html) is rebuilt keeping nothing but text and <mark>.
'use strict';
(() => {
  const PER_PAGE = 10;
  const DEBOUNCE_MS = 180;
  // A typed search left on screen this long was read: the next one gets its own history entry.
  const SETTLED_MS = 1500;
  const MAX_PAGE = 10000; // the API's limit
  const MAX_QUERY_BYTES = 1024; // the API's limit, checked here too: a URL that long is refused whole
  const TIMEOUT_MS = 15000;
  const KEY_STORE = 'loupe.apiKey';
  const SORTS = ['relevance', 'newest', 'oldest'];
  const SUGGEST_MS = 80;
  // Facets as the API names them, the filter each value becomes, and their headings.
  const FACETS = [
    { name: 'type', field: 'type', label: 'Type' },
    { name: 'folder', field: 'folder', label: 'Folder' },
    { name: 'year', field: 'modified', label: 'Year' },
    // Shown once the matches are in more than one language.
    { name: 'lang', field: 'lang', label: 'Language', several: true },
  ];
  // A language code as a reader names it ("it" -> "Italian"), or the code where the browser
  // knows no name.
  const languageNames = typeof Intl.DisplayNames === 'function'
    ? new Intl.DisplayNames([navigator.language || 'en'], { type: 'language', fallback: 'code' }) : null;
  function valueLabel(facet, value) {
    if (facet.name !== 'lang' || !languageNames) return value;
    try { return languageNames.of(value) || value; } catch (e) { return value; }
  }
  let sortOrder = 'relevance';  // of the search on screen (and in the URL)
  let searchAsTyped = false;    // the search on screen asked not to be corrected

  const $ = (id) => document.getElementById(id);
  const el = {
    form: $('search-form'), q: $('q'), home: $('home'), announce: $('announce'),
    resultsView: $('results-view'), summary: $('summary'), message: $('message'),
    results: $('results'), pager: $('pager'),
    docView: $('doc-view'), docBack: $('doc-back'), docTitle: $('doc-title'),
    docPath: $('doc-path'), docSize: $('doc-size'), docDate: $('doc-date'),
    matchNav: $('matchnav'), matchCount: $('match-count'), matchPrev: $('match-prev'),
    matchNext: $('match-next'), docMessage: $('doc-message'), docText: $('doc-text'),
    auth: $('auth'), authMsg: $('auth-msg'), authKey: $('auth-key'), authCancel: $('auth-cancel'),
    suggestions: $('suggestions'), suggestStatus: $('suggest-status'), sort: $('sort'),
    sortBox: $('sort-box'), spelling: $('spelling'), facets: $('facets'),
    similar: $('similar'), similarList: $('similar-list'),
    main: $('main'), skip: document.querySelector('.skip'),
  };
  const touchOnly = window.matchMedia && window.matchMedia('(hover: none)').matches;

  // ---------- small helpers ----------
  // Bidirectional overrides in a document ("\u202Etxt.exe") would reorder what follows them on
  // the page: shown text keeps its characters in the order written.
  const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
  const plain = (s) => String(s == null ? '' : s).replace(BIDI_CONTROLS, '');
  function h(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = plain(v);
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids) if (kid != null) n.append(kid);
    return n;
  }

  // Parse server HTML in an inert template and keep only text and <mark> elements.
  // Anything else (which a correct server never sends) becomes its text content.
  function markedFragment(html) {
    const tpl = document.createElement('template');
    tpl.innerHTML = String(html == null ? '' : html);
    const out = document.createDocumentFragment();
    const copy = (src, dst) => {
      for (const node of src.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) dst.append(plain(node.data));
        else if (node.nodeType === Node.ELEMENT_NODE) {
          if (node.localName === 'mark') { const m = document.createElement('mark'); copy(node, m); dst.append(m); }
          else if (node.localName !== 'script' && node.localName !== 'style' && node.localName !== 'template') copy(node, dst);
        }
      }
    };
    copy(tpl.content, out);
    return out;
  }

  const nf = new Intl.NumberFormat();
  const plural = (n, one, many) => `${nf.format(n)} ${n === 1 ? one : many}`;
  function formatSize(bytes) {
    if (typeof bytes !== 'number' || !isFinite(bytes)) return '—';
    if (bytes < 1024) return plural(bytes, 'byte', 'bytes');
    const units = ['KB', 'MB', 'GB', 'TB'];
    let v = bytes / 1024, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]} (${plural(bytes, 'byte', 'bytes')})`;
  }
  function formatDate(secs) {
    if (typeof secs !== 'number' || !isFinite(secs) || secs <= 0) return '—';
    const d = new Date(secs * 1000);
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }
  function show(node, on) { node.hidden = !on; }
  function announce(text) {
    // Clear first so the same text is announced again.
    el.announce.textContent = '';
    setTimeout(() => { el.announce.textContent = text; }, 30);
  }

  // ---------- URL state ----------
  let routed = null; // pathname + search of the view shown: a hash-only change is not a new view
  function readUrl() {
    const p = new URLSearchParams(location.search);
    const q = (p.get('q') || '').trim();
    let page = parseInt(p.get('page') || '1', 10);
    if (!Number.isFinite(page) || page < 1) page = 1;
    page = Math.min(page, MAX_PAGE);
    const doc = p.get('doc') || '';
    const sort = SORTS.includes(p.get('sort')) ? p.get('sort') : 'relevance';
    const asTyped = p.get('as_typed') === '1';
    // The page (slide, sheet) of a document to open at.
    let at = parseInt(p.get('at') || '0', 10);
    if (!doc || !Number.isFinite(at) || at < 1) at = 0;
    return { q, page, doc, sort, asTyped, at };
  }
  // `sort` and `asTyped` default to the search on screen's.
  function urlFor({ q, page, doc, sort, asTyped, at }) {
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    if (q && page > 1) p.set('page', String(page));
    const order = sort || sortOrder;
    if (q && order !== 'relevance') p.set('sort', order);
    if (q && (asTyped == null ? searchAsTyped : asTyped)) p.set('as_typed', '1');
    if (doc) p.set('doc', doc);
    if (doc && at > 0) p.set('at', String(at));
    const s = p.toString();
    return location.pathname + (s ? '?' + s : '');
  }
  // Where the results were scrolled, kept in the history entry being left (another page, a
  // document, a reload), so that Back or the reload returns there.
  let scrollSave = null; // a pending save while the list scrolls
  function rememberScroll() {
    clearTimeout(scrollSave);
    if (view !== 'results') return;
    history.replaceState(Object.assign({}, history.state, { loupe: true, scroll: window.scrollY }), '');
  }
  function setUrl(state, mode, extra) {
    clearTimeout(scrollSave); // a save still pending belongs to the entry being left
    const url = urlFor(state);
    routed = url;
    const data = Object.assign({ loupe: true }, extra || {});
    if (mode === 'push' && url !== location.pathname + location.search) history.pushState(data, '', url);
    else history.replaceState(data, '', url);
  }

  // ---------- API with optional bearer key ----------
  let apiKey = null;
  try { apiKey = sessionStorage.getItem(KEY_STORE); } catch (_) { /* storage disabled */ }
  let keyPrompt = null; // shared promise while the key form is open
  let lastInput = 0;     // when the user last typed in the search box

  class ApiError extends Error {
    constructor(kind, message, status, code) { super(message); this.kind = kind; this.status = status; this.code = code; }
  }

  function askForKey(rejected) {
    if (keyPrompt) return keyPrompt;
    keyPrompt = new Promise((resolve, reject) => {
      el.authMsg.textContent = rejected
        ? 'That API key was not accepted. Enter the key for this server.'
        : 'This server needs an API key. It is kept in this tab until you close it.';
      el.authKey.value = '';
      el.auth.hidden = false;
      announce(el.authMsg.textContent);
      const returnFocus = document.activeElement;
      // Keystrokes meant for the query must not land in the key field.
      const typing = returnFocus === el.q && Date.now() - lastInput < 2000;
      if (!typing) el.authKey.focus();
      const done = (fn, v) => {
        el.auth.hidden = true;
        el.auth.removeEventListener('submit', onSubmit);
        el.authCancel.removeEventListener('click', onCancel);
        el.auth.removeEventListener('keydown', onKey);
        keyPrompt = null;
        if (returnFocus && returnFocus !== document.body && document.contains(returnFocus)) returnFocus.focus();
        fn(v);
      };
      const onSubmit = (e) => {
        e.preventDefault();
        const k = el.authKey.value.trim();
        if (!k) return;
        apiKey = k;
        try { sessionStorage.setItem(KEY_STORE, k); } catch (_) { /* keep in memory only */ }
        done(resolve, k);
      };
      const onCancel = () => done(reject, new ApiError('auth', 'This server needs an API key to search.', 401, 'unauthorized'));
      const onKey = (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onCancel(); } };
      el.auth.addEventListener('submit', onSubmit);
      el.authCancel.addEventListener('click', onCancel);
      el.auth.addEventListener('keydown', onKey);
      if (typing) {
        clearResults();
        shown = null;
        setMessage(el.message, 'hint', 'An API key is needed.', 'Enter the key for this server above; the search runs as soon as it is accepted.');
      }
    });
    return keyPrompt;
  }

  async function api(path, signal) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const headers = { Accept: 'application/json' };
      if (apiKey) headers.Authorization = 'Bearer ' + apiKey;
      let res;
      const timer = new AbortController();
      const t = setTimeout(() => timer.abort(), TIMEOUT_MS);
      const onAbort = () => timer.abort();
      if (signal) signal.addEventListener('abort', onAbort);
      try {
        res = await fetch(path, { headers, signal: timer.signal, cache: 'no-store', credentials: 'same-origin' });
      } catch (e) {
        if (signal && signal.aborted) throw new ApiError('aborted', 'aborted');
        throw new ApiError('network', 'The Loupe server can\u2019t be reached. Check that it is running, then try again.');
      } finally {
        clearTimeout(t);
        if (signal) signal.removeEventListener('abort', onAbort);
      }
      let body = null;
      try { body = await res.json(); } catch (_) { /* not JSON */ }
      if (res.ok && body) return body;
      const err = body && body.error ? body.error : {};
      if (res.status === 401) {
        const hadKey = !!apiKey;
        apiKey = null;
        try { sessionStorage.removeItem(KEY_STORE); } catch (_) { /* ignore */ }
        if (signal && signal.aborted) throw new ApiError('aborted', 'aborted');
        await askForKey(hadKey);
        continue;
      }
      const msg = err.message || (res.ok ? 'The server sent an unreadable answer.' : `The server answered HTTP ${res.status}.`);
      throw new ApiError(res.status >= 500 ? 'server' : 'rejected', msg, res.status, err.code);
    }
    throw new ApiError('auth', 'The API key was not accepted.', 401, 'unauthorized');
  }
  const apiUrl = (p) => new URL(p, document.baseURI).pathname;
  const searchPath = (q, page) => `${apiUrl('api/search')}?q=${encodeURIComponent(q)}&page=${page}&per_page=${PER_PAGE}` +
    `&sort=${sortOrder}&facets=${FACETS.map((f) => f.name).join(',')}${searchAsTyped ? '&correct=false' : ''}`;
  const similarPath = (id) => `${apiUrl('api/documents/')}${encodeURIComponent(id)}/similar?per_page=5`;
  const docPath = (id, q) => `${apiUrl('api/documents/')}${encodeURIComponent(id)}${q ? '?q=' + encodeURIComponent(q) : ''}`;

  // ---------- views ----------
  let view = 'results';
  let shown = null;         // {q, page} whose results are in the DOM
  let seq = 0;              // latest request number; older answers are ignored
  let inflight = null;      // AbortController of the latest request
  let docCount = null;      // from /api/health, for the hint
  let shownSummary = '';    // what was announced for the results in the DOM

  // Clears the loading state a search left behind when a newer step cut it short.
  function settle() {
    el.resultsView.removeAttribute('aria-busy');
    el.resultsView.classList.remove('loading');
    el.docView.removeAttribute('aria-busy');
  }

  function setView(v) {
    settle();
    view = v;
    show(el.resultsView, v === 'results');
    show(el.docView, v === 'doc');
  }

  function clearResults() {
    el.results.replaceChildren();
    el.facets.replaceChildren();
    el.facets.hidden = true;
    el.spelling.replaceChildren();
    el.spelling.hidden = true;
    el.sortBox.hidden = true;
    el.pager.replaceChildren();
    el.pager.hidden = true;
    el.message.hidden = true;
    el.message.replaceChildren();
    el.summary.textContent = '';
  }

  function setMessage(box, kind, title, text, actions) {
    box.className = 'message ' + kind;
    box.replaceChildren(h('p', { class: 'msg-title', text: title }));
    if (text) box.append(h('p', { text }));
    if (actions) box.append(actions);
    box.hidden = false;
  }

  function showHint() {
    clearResults();
    shown = null;
    const n = docCount == null ? '' : ` ${plural(docCount, 'document', 'documents')}`;
    setMessage(el.message, 'hint', `Search${n || ' the documents'}.`,
      'Type a few words and results appear as you type. “Search tips” shows phrases, OR, NOT, prefix* and title: searches.');
    document.title = 'Loupe';
    shownSummary = '';
    el.announce.textContent = '';
  }

  function showError(box, e, retry) {
    if (e.kind === 'network') {
      setMessage(box, 'error', 'Can’t reach the server.', e.message,
        retry ? h('button', { type: 'button', onclick: retry, text: 'Try again' }) : null);
      announce('Error: the server can’t be reached.');
    } else if (e.kind === 'rejected' && e.status !== 404) {
      setMessage(box, 'error', 'The server rejected this search.', e.message);
      announce('Error: ' + e.message);
    } else if (e.kind === 'auth') {
      setMessage(box, 'error', 'An API key is needed.', e.message,
        retry ? h('button', { type: 'button', onclick: retry, text: 'Enter key' }) : null);
      announce('Error: an API key is needed.');
    } else {
      setMessage(box, 'error', e.status === 404 ? 'Not found.' : 'Something went wrong on the server.', e.message,
        retry && e.status !== 404 ? h('button', { type: 'button', onclick: retry, text: 'Try again' }) : null);
      announce('Error: ' + e.message);
    }
  }

  function pageLink(q, page, label, current, aria) {
    if (current) return h('span', { class: 'page current', 'aria-current': 'page', text: label });
    return h('a', { class: 'page', href: urlFor({ q, page }), 'aria-label': aria || `Page ${page}`, text: label,
      onclick: (e) => {
        if (!plainClick(e)) return;
        e.preventDefault();
        rememberScroll();
        setUrl({ q, page }, 'push');
        runSearch(q, page, { focus: 'summary' });
      } });
  }

  // The last page a search can show: the API pages no further than MAX_PAGE.
  const lastPageOf = (total) => Math.min(MAX_PAGE, Math.max(1, Math.ceil(total / PER_PAGE)));

  function renderPager(q, page, total) {
    const last = lastPageOf(total);
    el.pager.replaceChildren();
    if (last <= 1) { el.pager.hidden = true; return; }
    const list = h('ul');
    const add = (node) => list.append(h('li', null, node));
    if (page > 1) add(pageLink(q, page - 1, '← Previous', false, 'Previous page'));
    const nums = new Set([1, last]);
    for (let i = page - 2; i <= page + 2; i++) if (i >= 1 && i <= last) nums.add(i);
    let prev = 0;
    for (const i of [...nums].sort((a, b) => a - b)) {
      if (i - prev > 1) add(h('span', { class: 'gap', 'aria-hidden': 'true', text: '…' }));
      add(pageLink(q, i, String(i), i === page));
      prev = i;
    }
    if (page < last) add(pageLink(q, page + 1, 'Next →', false, 'Next page'));
    el.pager.append(list);
    el.pager.hidden = false;
  }

  function renderResults(data, q, page) {
    clearResults();
    const total = data.total | 0;
    const hits = Array.isArray(data.hits) ? data.hits : [];
    const took = typeof data.took_ms === 'number' ? data.took_ms : null;
    const tookText = took == null ? '' : took < 0.1 ? ' in under 0.1 ms'
      : ` in ${took < 10 ? took.toFixed(1).replace(/\.0$/, '') : Math.round(took)} ms`;
    // A shard that did not answer in time takes its documents out of this answer: say so.
    const failed = data.shards && data.shards.failed > 0 ? data.shards.failed | 0 : 0;
    const partial = failed ? ` · ${failed} of ${data.shards.total | 0} databases did not answer, so some documents may be missing` : '';
    shown = { q, page, sort: sortOrder, asTyped: searchAsTyped };
    document.title = `${plain(q)} – Loupe`;
    renderSpelling(data, q);
    renderFacets(data, q);
    el.sortBox.hidden = total === 0;
    el.sort.value = sortOrder;
    if (total === 0) {
      el.summary.textContent = `No documents matched${tookText}${partial}.`;
      setMessage(el.message, 'empty', `No results for “${q}”.`,
        'Try fewer words, other words, or check the spelling. Words joined with NOT, quotes or title: narrow a search.');
      shownSummary = `No results for ${q}.`;
      announce(shownSummary);
      return;
    }
    const first = (page - 1) * PER_PAGE + 1;
    const lastShown = first + hits.length - 1;
    el.summary.textContent = `${plural(total, 'document', 'documents')} matched${tookText}` +
      (hits.length && total > hits.length ? ` · showing ${nf.format(first)}–${nf.format(lastShown)}` : '') + partial;
    hits.forEach((hit) => {
      const id = String(hit.id == null ? '' : hit.id);
      const title = hit.title_html != null && hit.title_html !== ''
        ? markedFragment(hit.title_html) : document.createTextNode(plain(hit.title || hit.path || id));
      // A hit in a PDF, a presentation or a spreadsheet opens at the page its snippet is on.
      const at = hit.page > 0 ? hit.page | 0 : 0;
      const a = h('a', { href: urlFor({ q, page, doc: id, at }), 'data-id': id, class: 'hit-link',
        onclick: (e) => { if (plainClick(e)) { e.preventDefault(); openDoc(id, at); } } }, title);
      const where = at ? ` · ${pageLabel(hit.page_kind, at, hit.page_name)}` : '';
      const li = h('li', { class: 'hit' },
        h('h2', { class: 'hit-title' }, a),
        h('p', { class: 'path', text: (hit.path || id) + where }));
      // An attachment (or an mbox's message inside a message) links to the message it is part of.
      if (hit.parent && hit.parent.id != null) {
        const parentId = String(hit.parent.id);
        const parentLink = h('a', { href: urlFor({ q, page, doc: parentId, at: 0 }), 'data-id': parentId,
          class: 'parent-link', onclick: (e) => { if (plainClick(e)) { e.preventDefault(); openDoc(parentId, 0); } } },
          document.createTextNode(plain(hit.parent.title || parentId)));
        li.append(h('p', { class: 'hit-parent' }, document.createTextNode('Attached to '), parentLink));
      }
      if (hit.snippet) li.append(h('p', { class: 'snippet' }, markedFragment(hit.snippet)));
      // Files with the same content are one hit: where else it is.
      if (Array.isArray(hit.copies) && hit.copies.length) {
        li.append(h('p', { class: 'path copies',
          text: 'Same file at ' + hit.copies.map((c) => plain(c.path || c.id)).join(', ') }));
      }
      el.results.append(li);
    });
    el.results.start = first;
    renderPager(q, page, total);
    const lastPage = lastPageOf(total);
    const shownFor = data.corrected && data.suggestion ? data.suggestion : q;
    shownSummary = `${plural(total, 'result', 'results')} for ${shownFor}` + (lastPage > 1 ? `, page ${page} of ${lastPage}.` : '.');
    announce(shownSummary);
  }

  // "Did you mean …?", or "Showing results for …" when the hits are the suggestion's.
  function renderSpelling(data, q) {
    if (typeof data.suggestion !== 'string' || !data.suggestion) return;
    const link = (text, query, asTyped) => h('a', { href: urlFor({ q: query, page: 1, asTyped }), text,
      onclick: (e) => {
        if (!plainClick(e)) return;
        e.preventDefault();
        searchAsTyped = asTyped;
        el.q.value = query;
        setUrl({ q: query, page: 1, asTyped }, 'push');
        runSearch(query, 1, { focus: 'summary' });
      } });
    if (data.corrected) {
      el.spelling.append('Showing results for ', h('strong', { text: data.suggestion }),
        '. Search instead for ', link(q, q, true), '.');
    } else {
      el.spelling.append('Did you mean ', link(data.suggestion, data.suggestion, false), '?');
    }
    el.spelling.hidden = false;
  }

  // ---------- filters written in the query ----------
  const FILTER_RE = /(^|[\s(])(type|folder|modified|ext|lang):("([^"]*)"?|[^\s()"]+)/g;
  // The type:, folder:, modified:, ext: and lang: filters written in q, with the text that writes
  // each.
  function filtersIn(q) {
    const out = [];
    for (const m of q.matchAll(FILTER_RE)) {
      const value = m[4] != null ? m[4] : m[3];
      out.push({ field: m[2], value, raw: m[2] + ':' + m[3] });
    }
    return out;
  }
  const filterText = (field, value) => `${field}:${/[\s"()]/.test(value) || value === '' ? '"' + value.replace(/"/g, '') + '"' : value}`;
  // q with the filter added, or taken away when it is there. A folder below one already chosen
  // replaces it (drilling down); a year replaces another year.
  function toggleFilter(q, field, value) {
    const filters = filtersIn(q);
    const present = filters.find((f) => f.field === field && f.value === value);
    let out = q;
    const drop = (f) => { out = out.replace(f.raw, ' '); };
    if (present) {
      drop(present);
    } else {
      for (const f of filters) {
        if (f.field !== field) continue;
        if (field === 'folder' && value.startsWith(f.value + '/')) drop(f);
        if (field === 'modified') drop(f);
      }
      out = out.trim() + ' ' + filterText(field, value);
    }
    return out.replace(/\s+/g, ' ').trim();
  }

  function renderFacets(data, q) {
    const counts = data.facets && typeof data.facets === 'object' ? data.facets : {};
    const active = filtersIn(q);
    el.facets.replaceChildren();
    for (const facet of FACETS) {
      const values = Array.isArray(counts[facet.name]) ? counts[facet.name] : [];
      const chosen = active.filter((f) => f.field === facet.field);
      if (!values.length && !chosen.length) continue;
      if (facet.several && values.length < 2 && !chosen.length) continue;
      const list = h('ul');
      const button = (value, count, pressed) => h('li', null, h('button', {
        type: 'button', 'aria-pressed': pressed ? 'true' : 'false',
        'aria-label': pressed ? `Remove the filter ${facet.label.toLowerCase()} ${valueLabel(facet, value)}`
          : `${facet.label} ${valueLabel(facet, value)}, ${plural(count, 'document', 'documents')}`,
        onclick: () => {
          const nq = toggleFilter(q, facet.field, value);
          el.q.value = nq;
          setUrl({ q: nq, page: 1 }, 'push');
          runSearch(nq, 1, { focus: 'summary' });
        } }, h('span', { text: pressed ? `✕ ${valueLabel(facet, value)}` : valueLabel(facet, value) }),
        pressed ? null : h('span', { class: 'count', text: nf.format(count) })));
      for (const f of chosen) list.append(button(f.value, 0, true));
      for (const v of values) {
        const value = String(v.value);
        if (chosen.some((f) => f.value === value)) continue;
        list.append(button(value, v.count | 0, false));
      }
      const id = `facet-${facet.name}`;
      el.facets.append(h('section', { 'aria-labelledby': id },
        h('h2', { id, text: facet.label }), list));
    }
    el.facets.hidden = !el.facets.childElementCount;
  }

  function plainClick(e) {
    return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
  }

  async function runSearch(q, page, opts) {
    opts = opts || {};
    const my = ++seq;
    if (inflight) inflight.abort();
    inflight = null;
    setView('results');
    if (!q) { showHint(); return; }
    const bytes = new TextEncoder().encode(q).length;
    if (bytes > MAX_QUERY_BYTES) {
      clearResults();
      shown = null;
      document.title = `${plain(q)} – Loupe`;
      // The server's own words for it (a URL this long may be refused before the API sees it).
      showError(el.message, new ApiError('rejected', `the query is ${bytes} bytes; the limit is ${MAX_QUERY_BYTES}`, 400, 'query_too_long'));
      return;
    }
    if (shown && shown.q === q && shown.page === page && shown.sort === sortOrder &&
        shown.asTyped === searchAsTyped && !opts.force) {
      document.title = `${plain(q)} – Loupe`;
      announce(shownSummary);
      afterRender(opts);
      return;
    }
    const ctl = new AbortController();
    inflight = ctl;
    el.resultsView.setAttribute('aria-busy', 'true');
    el.resultsView.classList.add('loading');
    try {
      const data = await api(searchPath(q, page), ctl.signal);
      if (my !== seq) return; // a newer search started: ignore this answer
      const last = lastPageOf(data.total | 0);
      if (page > last) {
        // A page past the end (an old link, a shrunken index): show the last one instead.
        setUrl({ q, page: last }, 'replace', history.state);
        runSearch(q, last, opts);
        return;
      }
      renderResults(data, q, page);
      afterRender(opts);
    } catch (e) {
      if (my !== seq || e.kind === 'aborted') return;
      clearResults();
      shown = null;
      document.title = `${plain(q)} – Loupe`;
      showError(el.message, e, () => runSearch(q, page, { force: true, focus: 'summary' }));
    } finally {
      if (my === seq) {
        el.resultsView.removeAttribute('aria-busy');
        el.resultsView.classList.remove('loading');
        inflight = null;
      }
    }
  }

  function afterRender(opts) {
    if (opts.scroll != null) window.scrollTo(0, opts.scroll);
    else if (opts.focus === 'summary') window.scrollTo(0, 0);
    if (opts.focus === 'summary') el.summary.focus({ preventScroll: true });
    else if (opts.focus === 'doc' && opts.docId != null) {
      const link = [...el.results.querySelectorAll('a.hit-link')].find((a) => a.dataset.id === opts.docId);
      // The document came from another page of results (a shared link): the list's start.
      if (link) link.focus({ preventScroll: opts.scroll != null });
      else el.summary.focus({ preventScroll: true });
    }
  }

  // ---------- document view ----------
  let marks = [];
  let current = -1;

  function setMatch(i) {
    if (!marks.length) return;
    if (current >= 0 && marks[current]) marks[current].classList.remove('current');
    current = (i + marks.length) % marks.length;
    const m = marks[current];
    m.classList.add('current');
    m.scrollIntoView({ block: 'center', behavior: 'auto' });
    el.matchCount.textContent = `Match ${nf.format(current + 1)} of ${nf.format(marks.length)}`;
  }

  let lastDoc = null;
  // "Page 3", "Slide 2", "Sheet Budget".
  function pageLabel(kind, n, name) {
    if (kind === 'sheet') return name ? `Sheet ${plain(name)}` : `Sheet ${n}`;
    return `${kind === 'slide' ? 'Slide' : 'Page'} ${n}`;
  }

  // The text (or its marked HTML) page by page: form feeds separate the pages.
  function renderPages(d, q) {
    const marked = q && typeof d.html === 'string';
    const parts = String(marked ? d.html : plain(d.text)).split('\f');
    const names = Array.isArray(d.page_names) ? d.page_names : [];
    parts.forEach((part, i) => {
      const label = pageLabel(d.page_kind, i + 1, names[i]);
      const section = h('section', { class: 'doc-page', id: `page-${i + 1}`, 'aria-label': label },
        h('p', { class: 'page-label', text: label }));
      const body = h('div', { class: 'page-text' });
      if (marked) body.append(markedFragment(part)); else body.textContent = part;
      section.append(body);
      el.docText.append(section);
    });
  }

  async function openDoc(id, at) {
    const st = readUrl();
    const q = shown ? shown.q : st.q;
    const page = shown ? shown.page : st.page;
    // Remember where the list was scrolled, and settle this entry so typing later pushes a new
    // one. Its URL stays: it may already be a newer search or page than the list on screen.
    history.replaceState({ loupe: true, scroll: window.scrollY }, '', location.pathname + location.search);
    setUrl({ q, page, doc: id, at }, 'push', { fromResults: true });
    await showDoc(id, q, page, { focus: true, at });
  }

  async function showDoc(id, q, page, opts) {
    const my = ++seq;
    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    setView('doc');
    lastDoc = id;
    window.scrollTo(0, 0);
    el.docBack.href = urlFor({ q, page });
    el.docBack.textContent = q ? '← Back to results' : '← New search';
    el.docTitle.textContent = 'Loading…';
    el.docPath.textContent = plain(id);
    el.docSize.textContent = '—';
    el.docDate.textContent = '—';
    el.docText.replaceChildren();
    el.docMessage.hidden = true;
    el.matchNav.hidden = true;
    el.similar.hidden = true;
    el.similarList.replaceChildren();
    marks = []; current = -1;
    el.docView.setAttribute('aria-busy', 'true');
    try {
      const d = await api(docPath(id, q), ctl.signal);
      if (my !== seq) return;
      const title = d.title || d.path || id;
      el.docTitle.textContent = plain(title);
      document.title = `${plain(title)} – Loupe`;
      el.docPath.textContent = plain(d.path || id);
      el.docSize.textContent = formatSize(d.size);
      el.docDate.textContent = formatDate(d.modified);
      if (d.pages > 0) renderPages(d, q);
      else if (q && typeof d.html === 'string') el.docText.append(markedFragment(d.html));
      else el.docText.textContent = plain(d.text);
      marks = [...el.docText.querySelectorAll('mark')];
      const atPage = opts && opts.at ? document.getElementById(`page-${opts.at}`) : null;
      if (atPage) {
        atPage.scrollIntoView({ block: 'start', behavior: 'auto' });
        // n goes on from the page opened: to its first match.
        const first = marks.findIndex((m) => atPage.contains(m));
        if (first > 0) current = first - 1;
      }
      el.matchNav.hidden = !q;
      el.matchPrev.disabled = el.matchNext.disabled = marks.length === 0;
      el.matchCount.textContent = marks.length
        ? plural(marks.length, 'match', 'matches') + (touchOnly ? '' : ' — press n for the next')
        : 'No matches in the text';
      const stop = /[.!?…]$/.test(title) ? '' : '.';
      announce(`${title}${stop}${q ? ' ' + plural(marks.length, 'match', 'matches') + '.' : ''}`);
      if (opts && opts.focus) el.docTitle.focus({ preventScroll: true });
      showSimilar(id, q, page, my);
    } catch (e) {
      if (my !== seq || e.kind === 'aborted') return;
      el.docTitle.textContent = e.status === 404 ? 'Document not found' : 'Could not open the document';
      document.title = 'Loupe';
      if (e.status === 404) {
        setMessage(el.docMessage, 'error', 'This document is not in the index.', e.message);
        announce('Document not found.');
      } else {
        showError(el.docMessage, e, () => showDoc(id, q, page, opts));
      }
      if (opts && opts.focus) el.docTitle.focus({ preventScroll: true });
    } finally {
      if (my === seq) { el.docView.removeAttribute('aria-busy'); inflight = null; }
    }
  }

  // "Similar documents" under the text: asked for once the document is shown, and left out
  // quietly when it cannot be had.
  async function showSimilar(id, q, page, my) {
    let data;
    try { data = await api(similarPath(id)); } catch (_) { return; }
    if (my !== seq || lastDoc !== id || !Array.isArray(data.hits) || !data.hits.length) return;
    for (const hit of data.hits) {
      const other = String(hit.id == null ? '' : hit.id);
      el.similarList.append(h('li', null, h('a', { href: urlFor({ q, page, doc: other }),
        text: hit.title || hit.path || other, 'data-id': other,
        onclick: (e) => {
          if (!plainClick(e)) return;
          e.preventDefault();
          setUrl({ q, page, doc: other }, 'push', { fromResults: history.state && history.state.fromResults });
          showDoc(other, q, page, { focus: true });
        } }), ' ', h('span', { class: 'path', text: hit.path || other })));
    }
    el.similar.hidden = false;
  }

  // ---------- completions under the search box (the ARIA combobox pattern) ----------
  let completions = [];   // the options shown
  let activeOption = -1;  // the option chosen with the arrow keys
  let suggestSeq = 0;
  let suggestTimer = null;
  function closeSuggestions() {
    clearTimeout(suggestTimer);
    ++suggestSeq;
    completions = [];
    activeOption = -1;
    el.suggestions.replaceChildren();
    el.suggestions.hidden = true;
    el.q.setAttribute('aria-expanded', 'false');
    el.q.removeAttribute('aria-activedescendant');
  }
  function setActiveOption(i) {
    const items = [...el.suggestions.children];
    if (!items.length) return;
    activeOption = (i + items.length) % items.length;
    items.forEach((li, n) => li.setAttribute('aria-selected', n === activeOption ? 'true' : 'false'));
    el.q.setAttribute('aria-activedescendant', items[activeOption].id);
    items[activeOption].scrollIntoView({ block: 'nearest' });
  }
  function chooseOption(i) {
    const text = completions[i];
    closeSuggestions();
    if (text == null) return;
    el.q.value = text;
    el.form.requestSubmit();
  }
  function suggestLater() {
    clearTimeout(suggestTimer);
    const text = el.q.value;
    if (!text.trim() || /\s$/.test(text) || view !== 'results') { closeSuggestions(); return; }
    suggestTimer = setTimeout(async () => {
      const my = ++suggestSeq;
      let data;
      try { data = await api(`${apiUrl('api/suggest')}?q=${encodeURIComponent(text)}`); } catch (_) { return; }
      if (my !== suggestSeq || el.q.value !== text || document.activeElement !== el.q) return;
      const list = (Array.isArray(data.suggestions) ? data.suggestions : []).map(String)
        .filter((s) => s.toLowerCase() !== text.toLowerCase());
      if (!list.length) { closeSuggestions(); return; }
      completions = list;
      activeOption = -1;
      el.suggestions.replaceChildren(...list.map((s, i) => h('li', {
        role: 'option', id: `suggestion-${i}`, 'aria-selected': 'false', text: s,
        // Chosen on mousedown, before the box loses the focus (which closes the list).
        onmousedown: (e) => { e.preventDefault(); chooseOption(i); } })));
      el.suggestions.hidden = false;
      el.q.setAttribute('aria-expanded', 'true');
      el.q.removeAttribute('aria-activedescendant');
      el.suggestStatus.textContent = `${plural(list.length, 'completion', 'completions')}: arrow keys to choose.`;
    }, SUGGEST_MS);
  }
  el.q.addEventListener('input', (e) => { if (!(e && e.isComposing)) suggestLater(); });
  el.q.addEventListener('blur', () => closeSuggestions());
  el.q.addEventListener('keydown', (e) => {
    if (el.suggestions.hidden || e.isComposing) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActiveOption(activeOption < 0 && e.key === 'ArrowUp' ? -1 : activeOption + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter' && activeOption >= 0) {
      e.preventDefault();
      chooseOption(activeOption);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      closeSuggestions();
    }
  });

  el.sort.addEventListener('change', () => {
    const st = readUrl();
    sortOrder = SORTS.includes(el.sort.value) ? el.sort.value : 'relevance';
    setUrl({ q: st.q, page: 1 }, 'push');
    runSearch(st.q, 1, {});
  });

  function backToResults() {
    const st = readUrl();
    if (history.state && history.state.fromResults) { history.back(); return; }
    setUrl({ q: st.q, page: st.page }, 'push');
    route({});
  }

  // ---------- routing ----------
  function route(opts) {
    const st = readUrl();
    sortOrder = st.sort;
    searchAsTyped = st.asTyped;
    // Settle an odd URL (page=0, page=abc) to what is shown, so links and reloads agree.
    const canonical = urlFor(st);
    if (canonical !== location.pathname + location.search) history.replaceState(history.state, '', canonical + location.hash);
    routed = canonical;
    if (!st.doc && view === 'doc' && lastDoc != null) opts = Object.assign({ focus: 'doc', docId: lastDoc }, opts);
    if (document.activeElement !== el.q || el.q.value.trim() !== st.q) el.q.value = st.q;
    // A document opened by a link, a reload or Back takes the focus, so n, p and Esc work at once.
    if (st.doc) { showDoc(st.doc, st.q, st.page, Object.assign({ focus: true, at: st.at }, opts)); return; }
    const scroll = history.state && typeof history.state.scroll === 'number' ? history.state.scroll : null;
    runSearch(st.q, st.page, Object.assign({ scroll }, opts || {}));
  }

  // Typing: searches in one burst of typing share a history entry; one left on screen for
  // SETTLED_MS (read, not typed through) keeps its entry and the next search pushes a new one.
  let debounce = null;
  let lastTyped = 0;
  function onTyping(e) {
    // Text still being composed in an input method (kana before its kanji) is not a query yet:
    // compositionend brings the committed text.
    if (e && e.isComposing) return;
    lastInput = Date.now();
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const q = el.q.value.trim();
      const st = readUrl();
      if (q !== st.q) searchAsTyped = false;
      if (q === st.q && !st.doc && view === 'results' && shown && shown.q === q) return;
      // Clearing the box over a document (Esc, select-all + delete) is not a new search.
      if (!q && view === 'doc') return;
      setUrl({ q, page: 1 }, inBurst() && !st.doc ? 'replace' : 'push', { typing: true });
      runSearch(q, 1);
    }, DEBOUNCE_MS);
  }

  // Whether this search continues the current entry's burst of typing (and marks the time).
  function inBurst() {
    const now = Date.now();
    const burst = history.state && history.state.typing && now - lastTyped < SETTLED_MS;
    lastTyped = now;
    return burst;
  }

  el.q.addEventListener('input', onTyping);
  el.q.addEventListener('compositionend', () => onTyping());
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(debounce);
    closeSuggestions();
    const q = el.q.value.trim();
    const st = readUrl();
    if (q !== st.q) searchAsTyped = false;
    setUrl({ q, page: 1 }, inBurst() && !st.doc ? 'replace' : 'push');
    // Submitting asks again, even for the results on screen: the index may have changed.
    runSearch(q, 1, { force: true });
  });
  el.home.addEventListener('click', (e) => {
    if (!plainClick(e)) return;
    e.preventDefault();
    el.q.value = '';
    setUrl({ q: '', page: 1 }, 'push');
    runSearch('', 1);
    el.q.focus();
  });
  el.docBack.addEventListener('click', (e) => { if (plainClick(e)) { e.preventDefault(); backToResults(); } });
  el.matchNext.addEventListener('click', () => setMatch(current + 1));
  el.matchPrev.addEventListener('click', () => setMatch(current < 0 ? -1 : current - 1));
  window.addEventListener('popstate', () => {
    if (location.pathname + location.search === routed) return; // only the #fragment changed
    lastTyped = 0; // an entry gone back to is not part of the typing that left it
    route({});
  });
  el.skip.addEventListener('click', (e) => { e.preventDefault(); el.main.focus(); });

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    const t = e.target;
    const editing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === '/' && !editing) { e.preventDefault(); el.q.focus(); el.q.select(); return; }
    if (t === el.q && e.key === 'Escape' && view === 'doc') {
      // Leave the box as the document's query and go back to reading, not to a new search.
      e.preventDefault();
      clearTimeout(debounce);
      el.q.value = readUrl().q;
      el.docTitle.focus({ preventScroll: true });
      return;
    }
    if (t === el.q && (e.key === 'ArrowDown') && view === 'results') {
      const first = el.results.querySelector('a.hit-link');
      if (first) { e.preventDefault(); first.focus(); }
      return;
    }
    if (editing) return;
    if (view === 'results' && (e.key === 'ArrowDown' || e.key === 'ArrowUp') && t.classList && t.classList.contains('hit-link')) {
      const links = [...el.results.querySelectorAll('a.hit-link')];
      const i = links.indexOf(t) + (e.key === 'ArrowDown' ? 1 : -1);
      e.preventDefault();
      if (i < 0) el.q.focus(); else if (i < links.length) links[i].focus();
      return;
    }
    if (view === 'doc') {
      if (e.key === 'n' || e.key === 'j') { e.preventDefault(); setMatch(current + 1); }
      else if (e.key === 'p' || e.key === 'N' || e.key === 'k') { e.preventDefault(); setMatch(current < 0 ? -1 : current - 1); }
      else if (e.key === 'Escape') { e.preventDefault(); backToResults(); }
    }
  });

  // ---------- start ----------
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  // Kept as the list is scrolled, for a reload: an entry changed while the page unloads is not
  // kept.
  window.addEventListener('scroll', () => {
    clearTimeout(scrollSave);
    scrollSave = setTimeout(rememberScroll, 200);
  }, { passive: true });
  route({});
  if (!readUrl().doc) el.q.focus();
  fetch(apiUrl('api/health'), { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : null))
    .then((b) => {
      // Ask for a key on arrival, not in the middle of typing the first query.
      if (b && b.api_key_required && !apiKey) askForKey(false).catch(() => { /* a search says it */ });
      if (b && typeof b.documents === 'number') {
        docCount = b.documents;
        if (!readUrl().q && !shown && view === 'results' && el.message.classList.contains('hint')) showHint();
      }
    })
    .catch(() => { /* the search itself reports an unreachable server */ });
})();
