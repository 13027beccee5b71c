/* confqa's web page: ask the notes, read the cited lines, browse the talks.
 *
 * Plain JavaScript, no build step, nothing from the network but this server's /api/. The server sends a strict
 * Content-Security-Policy (no inline script or style), so every piece of the page that comes from data is made with
 * createElement + textContent: note text is untrusted and is never parsed as HTML. */
'use strict';

(function () {
  const TOKEN_KEY = 'confqa-token';
  const THEME_KEY = 'confqa-theme';
  const FILTERS = ['talk', 'speaker', 'year', 'doc'];
  const SECTION_SEPARATOR = ' › ';

  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;
  const dom = {
    error: $('error'),
    authForm: $('auth-form'),
    authMessage: $('auth-message'),
    token: $('token'),
    askView: $('ask-view'),
    askHeading: $('ask-heading'),
    askForm: $('ask-form'),
    question: $('question'),
    askButton: $('ask-button'),
    filter: {
      talk: $('filter-talk'),
      speaker: $('filter-speaker'),
      year: $('filter-year'),
      doc: $('filter-doc'),
    },
    answer: $('answer'),
    answerStatus: $('answer-status'),
    answerText: $('answer-text'),
    confidence: $('confidence'),
    intent: $('intent'),
    mode: $('mode'),
    notices: $('notices'),
    unsupported: $('unsupported'),
    unsupportedList: $('unsupported-list'),
    sourcesSection: $('sources-section'),
    sources: $('sources'),
    passagesSection: $('passages-section'),
    passages: $('passages'),
    talksView: $('talks-view'),
    talksHeading: $('talks-heading'),
    talksBody: $('talks-body'),
    navAsk: $('nav-ask'),
    navTalks: $('nav-talks'),
    themeToggle: $('theme-toggle'),
    note: $('note'),
    noteTitle: $('note-title'),
    noteDoc: $('note-doc'),
    noteClose: $('note-close'),
    noteBreadcrumb: $('note-breadcrumb'),
    noteBreadcrumbList: $('note-breadcrumb-list'),
    noteStatus: $('note-status'),
    noteLines: $('note-lines'),
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Building DOM from data: text only, never markup.

  const FORBIDDEN_ATTRIBUTE = /^(on|style$|href$|src$|srcdoc$|formaction$|action$)/i;

  /** An element with attributes and children; strings become text nodes. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') element.className = value;
      else if (name === 'dataset') Object.assign(element.dataset, value);
      else if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error('attribute not allowed from data: ' + name);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  /** A link inside this app: a path of this origin built from fixed parts and encoded parameters. */
  function appLink(path, params, ...children) {
    if (!/^\/[a-z]*$/.test(path)) throw new Error('not an app path: ' + path);
    const link = h('a', { dataset: { route: '' } }, ...children);
    const query = new URLSearchParams(params || {}).toString();
    link.href = query ? `${path}?${query}` : path;
    return link;
  }

  function clear(element) {
    element.replaceChildren();
  }

  function lineRange(start, end) {
    return start === end ? `${start}` : `${start}-${end}`;
  }

  function linesLabel(start, end) {
    return start === end ? `line ${start}` : `lines ${start}–${end}`;
  }

  function storageGet(storage, key) {
    try {
      return storage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function storageSet(storage, key, value) {
    try {
      storage.setItem(key, value);
    } catch (error) {
      /* storage disabled: the choice lasts as long as the page */
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The API: JSON in and out, the token when there is one, a prompt for one on 401, errors as {error, status}.

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.name = 'ApiError';
      this.status = status;
    }
  }

  let waitingForToken = [];

  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    headers.set('Accept', 'application/json');
    const token = storageGet(sessionStorage, TOKEN_KEY);
    if (token) headers.set('Authorization', 'Bearer ' + token);
    const response = await fetch(path, { ...options, headers, credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) {
      // Sent with a token that has been replaced since: ask again with the new one, not the reader.
      const current = storageGet(sessionStorage, TOKEN_KEY);
      if (current && current !== token) return api(path, options);
      return new Promise((resolve, reject) => {
        waitingForToken.push({ retry: () => api(path, options).then(resolve, reject), reject });
        askForToken(Boolean(token));
      });
    }
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (error) {
      body = null;
    }
    if (!response.ok) {
      const message = body && typeof body.error === 'string' && body.error
        ? body.error
        : `The server answered ${response.status}${response.statusText ? ' ' + response.statusText : ''}.`;
      throw new ApiError(message, response.status);
    }
    if (body === null) throw new ApiError('The server sent an answer that is not JSON.', response.status);
    return body;
  }

  function askForToken(rejected) {
    dom.authMessage.textContent = rejected
      ? 'That access token was not accepted. Enter another one.'
      : 'This server needs an access token.';
    const wasHidden = dom.authForm.hidden;
    dom.authForm.hidden = false;
    // Several requests are refused for one token: only the first clears the field, not what the reader is typing.
    if (wasHidden) {
      dom.token.value = '';
      dom.token.focus();
    }
  }

  dom.authForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = dom.token.value.trim();
    if (!token) {
      dom.token.focus();
      return;
    }
    storageSet(sessionStorage, TOKEN_KEY, token);
    dom.token.value = '';
    dom.authForm.hidden = true;
    clearError();
    const waiting = waitingForToken;
    waitingForToken = [];
    for (const request of waiting) request.retry();
  });

  function showError(message) {
    dom.error.textContent = message;
  }

  function clearError() {
    dom.error.textContent = '';
  }

  function report(error) {
    if (error && error.name === 'AbortError') return;
    showError(error instanceof ApiError ? error.message : `Could not reach the server: ${error && error.message}`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Theme: follows the system until the toggle picks one, which is remembered.

  const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

  function currentTheme() {
    const chosen = root.dataset.theme;
    if (chosen === 'light' || chosen === 'dark') return chosen;
    return darkQuery.matches ? 'dark' : 'light';
  }

  function showTheme() {
    const theme = currentTheme();
    dom.themeToggle.setAttribute('aria-pressed', String(theme === 'dark'));
    dom.themeToggle.title = `The page uses the ${theme} theme`;
  }

  const storedTheme = storageGet(localStorage, THEME_KEY);
  if (storedTheme === 'light' || storedTheme === 'dark') root.dataset.theme = storedTheme;
  showTheme();
  darkQuery.addEventListener('change', showTheme);
  dom.themeToggle.addEventListener('click', () => {
    const next = currentTheme() === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    storageSet(localStorage, THEME_KEY, next);
    showTheme();
  });

  // ---------------------------------------------------------------------------------------------------------------
  // What the page shows is in its URL: / (ask, with ?q=&talk=&speaker=&year=&doc=) or /talks.

  function readState() {
    const params = new URLSearchParams(location.search);
    const state = { q: (params.get('q') || '').trim() };
    for (const name of FILTERS) state[name] = params.get(name) || '';
    return state;
  }

  function formState() {
    const state = { q: dom.question.value.trim() };
    for (const name of FILTERS) state[name] = dom.filter[name].value;
    return state;
  }

  function stateKey(state) {
    return JSON.stringify(['q', ...FILTERS].map((name) => state[name] || ''));
  }

  function stateUrl(state) {
    const params = new URLSearchParams();
    for (const name of ['q', ...FILTERS]) if (state[name]) params.set(name, state[name]);
    const query = params.toString();
    return query ? `/?${query}` : '/';
  }

  function selectValue(select, value) {
    if (value && ![...select.options].some((option) => option.value === value)) {
      // A value from a link that the lists do not (yet) hold: keep it, so the question is asked as linked.
      select.append(h('option', { value }, value));
    }
    select.value = value || '';
  }

  function applyState(state) {
    dom.question.value = state.q;
    for (const name of FILTERS) selectValue(dom.filter[name], state[name]);
  }

  function view() {
    const path = location.pathname.replace(/\/+$/, '');
    return path === '/talks' ? 'talks' : 'ask';
  }

  function render(options = {}) {
    const current = view();
    dom.askView.hidden = current !== 'ask';
    dom.talksView.hidden = current !== 'talks';
    dom.navAsk.removeAttribute('aria-current');
    dom.navTalks.removeAttribute('aria-current');
    (current === 'ask' ? dom.navAsk : dom.navTalks).setAttribute('aria-current', 'page');
    if (current === 'talks') {
      document.title = 'Talks — confqa';
      showTalks();
      if (options.focus) dom.talksHeading.focus();
      return;
    }
    const state = readState();
    applyState(state);
    document.title = state.q ? `${state.q} — confqa` : 'confqa — ask the conference notes';
    if (state.q) {
      const cached = answers.get(stateKey(state));
      if (cached) showAnswer(cached);
      else ask(state);
    } else {
      if (askController) askController.abort();
      showEmpty(state.talk ? `Ask a question about “${state.talk}”.` : '');
    }
    if (options.focus) dom.question.focus();
  }

  function navigate(url) {
    history.pushState(null, '', url);
    clearError();
    render({ focus: true });
  }

  // The skip link moves focus without adding #main to the URL (the URL holds the question).
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    const main = $('main');
    main.focus();
    main.scrollIntoView();
  });

  window.addEventListener('popstate', () => {
    if (dom.note.open) dom.note.close();
    render();
  });

  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-route]') : null;
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Filters: the talks and notes of the index.

  let talksRequest = null;
  let indexRequest = null;

  function getTalks() {
    if (!talksRequest) {
      talksRequest = api('/api/talks').catch((error) => {
        talksRequest = null;
        throw error;
      });
    }
    return talksRequest;
  }

  function getIndex() {
    if (!indexRequest) {
      indexRequest = api('/api/index').catch((error) => {
        indexRequest = null;
        throw error;
      });
    }
    return indexRequest;
  }

  function fillSelect(select, entries) {
    const first = select.options[0];
    select.replaceChildren(first);
    for (const [value, label] of entries) select.append(h('option', { value }, label));
  }

  const byText = (a, b) => a[1].localeCompare(b[1], undefined, { sensitivity: 'base' });

  async function loadFilters() {
    try {
      const [talks, index] = await Promise.all([getTalks(), getIndex()]);
      const titles = new Map();
      const speakers = new Map();
      for (const talk of talks) {
        titles.set(talk.title, talk.title);
        for (const speaker of talk.speakers || []) speakers.set(speaker, speaker);
      }
      const documents = Array.isArray(index.documents) ? index.documents : [];
      const years = new Set(documents.map((entry) => entry.year).filter((year) => Number.isInteger(year)));
      fillSelect(dom.filter.talk, [...titles].sort(byText));
      fillSelect(dom.filter.speaker, [...speakers].sort(byText));
      fillSelect(dom.filter.year, [...years].sort((a, b) => b - a).map((year) => [String(year), String(year)]));
      fillSelect(dom.filter.doc, documents
        .map((entry) => [entry.doc, entry.title && entry.title !== entry.doc ? `${entry.title} (${entry.doc})` : entry.doc])
        .sort((a, b) => a[0].localeCompare(b[0])));
      const state = view() === 'ask' ? readState() : formState();
      for (const name of FILTERS) selectValue(dom.filter[name], state[name]);
    } catch (error) {
      report(error);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Asking.

  const answers = new Map(); // recent answers by question and filters: back and forward do not ask again
  let askController = null;

  function setBusy(busy) {
    dom.answer.setAttribute('aria-busy', String(busy));
    dom.askButton.classList.toggle('busy', busy);
    dom.askForm.classList.toggle('busy', busy);
  }

  dom.askForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const state = formState();
    if (!state.q) {
      showError('Type a question first.');
      dom.question.focus();
      return;
    }
    const url = stateUrl(state);
    if (url !== location.pathname + location.search) history.pushState(null, '', url);
    document.title = `${state.q} — confqa`;
    ask(state);
  });

  async function ask(state) {
    if (askController) askController.abort();
    const controller = new AbortController();
    askController = controller;
    clearError();
    setBusy(true);
    showPending(state.q);
    const year = Number.parseInt(state.year, 10);
    const body = {
      question: state.q,
      top_k: null,
      doc: state.doc || null,
      talk: state.talk || null,
      speaker: state.speaker || null,
      year: Number.isInteger(year) ? year : null,
    };
    try {
      const shown = await api('/api/ask/display', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (controller !== askController) return;
      answers.set(stateKey(state), shown);
      if (answers.size > 30) answers.delete(answers.keys().next().value);
      showAnswer(shown);
    } catch (error) {
      if (controller !== askController || (error && error.name === 'AbortError')) return;
      report(error);
      showEmpty('No answer: ' + (error instanceof ApiError ? error.message : 'the server could not be reached.'));
    } finally {
      if (controller === askController) {
        askController = null;
        setBusy(false);
      }
    }
  }

  function resetAnswer() {
    dom.answer.classList.remove('abstained', 'empty', 'pending');
    delete dom.answer.dataset.question;
    clear(dom.answerText);
    dom.confidence.textContent = '';
    dom.intent.textContent = '';
    dom.mode.textContent = '';
    clear(dom.notices);
    clear(dom.unsupportedList);
    dom.unsupported.hidden = true;
    clear(dom.sources);
    clear(dom.passages);
    dom.sourcesSection.hidden = true;
    dom.passagesSection.hidden = true;
  }

  function showEmpty(message) {
    resetAnswer();
    dom.answer.classList.add('empty');
    dom.answerStatus.textContent = message || 'Ask a question about the talks, or pick a talk in the Talks list.';
  }

  function showPending(question) {
    resetAnswer();
    dom.answer.classList.add('pending');
    dom.answerStatus.textContent = `Searching the notes for “${question}”…`;
  }

  /** An answer from /api/ask/display: `shown.answer` is the answer (as /api/ask gives it), `shown.citations[i]`
   * and `shown.passages[i]` the lines of each quote as spans of text marked strong, em or code. */
  function showAnswer(shown) {
    const answer = shown.answer;
    resetAnswer();
    dom.answer.dataset.question = String(answer.question || '');
    const citations = new Map((answer.citations || []).map((citation) => [citation.n, citation]));
    dom.answer.classList.toggle('abstained', Boolean(answer.abstained));
    dom.answerStatus.textContent = answer.abstained ? 'The notes do not answer this.' : '';
    dom.answerText.append(...answerWithCitations(String(answer.answer || ''), citations));
    if (typeof answer.confidence === 'number') dom.confidence.textContent = `confidence ${answer.confidence.toFixed(2)}`;
    if (answer.intent) dom.intent.textContent = `asks for: ${answer.intent}`;
    if (answer.mode === 'llm' && answer.generation) {
      dom.mode.textContent = answer.generation.fell_back
        ? 'quoted from the notes (the model\u2019s answer was not used)'
        : `written by ${answer.generation.model}, checked against the notes`;
    }
    for (const notice of answer.notices || []) dom.notices.append(h('li', null, notice));
    const unsupported = answer.unsupported_sentences || [];
    for (const sentence of unsupported) {
      dom.unsupportedList.append(h('li', null, sentence.text, h('span', { class: 'muted' }, ` (${sentence.reason})`)));
    }
    dom.unsupported.hidden = unsupported.length === 0;
    (answer.citations || []).forEach((citation, i) => dom.sources.append(sourceItem(citation, shown.citations[i])));
    dom.sourcesSection.hidden = dom.sources.children.length === 0;
    if (answer.abstained) {
      (answer.passages || []).forEach((passage, i) => dom.passages.append(passageItem(passage, i + 1, shown.passages[i])));
      dom.passagesSection.hidden = dom.passages.children.length === 0;
    }
  }

  /** The answer's text, each [n] with a citation of that number made a button that opens the cited lines. */
  function answerWithCitations(text, citations) {
    const parts = [];
    const marker = /\[(\d+)\]/g;
    let last = 0;
    let match;
    while ((match = marker.exec(text)) !== null) {
      const citation = citations.get(Number(match[1]));
      if (!citation) continue;
      if (match.index > last) parts.push(document.createTextNode(text.slice(last, match.index)));
      const button = h('button', {
        type: 'button',
        class: 'cite',
        dataset: { n: String(citation.n) },
        'aria-label': `Source ${citation.n}: ${citation.doc}, ${linesLabel(citation.line_start, citation.line_end)}`,
        title: `${citation.doc}:${lineRange(citation.line_start, citation.line_end)}`,
      }, `[${citation.n}]`);
      button.addEventListener('click', () => openNote(citation, button));
      parts.push(button);
      last = marker.lastIndex;
    }
    if (last < text.length) parts.push(document.createTextNode(text.slice(last)));
    return parts;
  }

  function talkLine(talk, speakers, fallbackTitle, partOf) {
    const line = h('p', { class: 'source-talk' });
    if (talk) line.append(h('strong', null, talk));
    else line.append(h('strong', null, fallbackTitle || 'Notes'));
    if (speakers && speakers.length) line.append(h('span', { class: 'speakers' }, ' — ' + speakers.join(', ')));
    if (talk && partOf) line.append(h('span', { class: 'part-of' }, ` (in ${partOf})`));
    return line;
  }

  function openButton(reference, label) {
    const where = `${reference.doc}:${lineRange(reference.line_start, reference.line_end)}`;
    const button = h('button', { type: 'button', class: 'open-note', 'aria-label': `${label} ${where}` }, where);
    button.addEventListener('click', () => openNote(reference, button));
    return button;
  }

  /** The note's title beside the section, unless it is already the talk line or the section's first heading. */
  function showNoteName(reference) {
    if (!reference.talk || !reference.title) return false;
    return String(reference.section || '').split(SECTION_SEPARATOR)[0].trim() !== reference.title.trim();
  }

  /** A quote's lines (lists of spans) as text: each line its own element, emphasis as <strong>, <em>, <code>. */
  function quoteBlock(lines) {
    const block = h('blockquote', { class: 'quote' });
    for (const spans of lines || []) {
      const line = h('span', { class: 'quote-line' });
      for (const span of spans) {
        let node = document.createTextNode(String(span.text));
        if (span.code) node = h('code', null, node);
        if (span.em) node = h('em', null, node);
        if (span.strong) node = h('strong', null, node);
        line.append(node);
      }
      block.append(line);
    }
    return block;
  }

  function sourceItem(citation, lines) {
    const item = h('li', { class: 'source', id: `source-${citation.n}`, value: citation.n, dataset: { n: citation.n } });
    const head = h('div', { class: 'source-head' }, h('span', { class: 'source-n', 'aria-hidden': 'true' }, `[${citation.n}]`),
      talkLine(citation.talk, citation.speakers, citation.title, citation.part_of));
    item.append(head);
    const where = h('p', { class: 'source-where' });
    if (showNoteName(citation)) where.append(h('span', { class: 'note-name' }, citation.title));
    if (citation.section) where.append(h('span', { class: 'section' }, citation.section));
    if (where.children.length) item.append(where);
    item.append(openButton(citation, 'Open note'));
    item.append(quoteBlock(lines));
    return item;
  }

  function passageItem(passage, position, lines) {
    const item = h('li', { class: 'source passage', value: position });
    item.append(h('div', { class: 'source-head' }, talkLine(passage.talk, passage.speakers, passage.title)));
    const where = h('p', { class: 'source-where' });
    if (showNoteName(passage)) where.append(h('span', { class: 'note-name' }, passage.title));
    if (passage.section) where.append(h('span', { class: 'section' }, passage.section));
    if (typeof passage.score === 'number') where.append(h('span', { class: 'score' }, `score ${passage.score.toFixed(2)}`));
    if (where.children.length) item.append(where);
    item.append(openButton(passage, 'Open note'));
    item.append(quoteBlock(lines));
    return item;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The note viewer: the whole note with line numbers, the cited lines highlighted and scrolled into view.

  let noteOpener = null;
  let noteRequest = 0;

  function encodeDoc(doc) {
    return String(doc).split('/').map(encodeURIComponent).join('/');
  }

  async function openNote(reference, opener) {
    noteOpener = opener || (document.activeElement instanceof HTMLElement ? document.activeElement : null);
    const request = ++noteRequest;
    const start = Number(reference.line_start) || 0;
    const end = Number(reference.line_end) || start;
    dom.noteTitle.textContent = reference.title || reference.doc;
    dom.noteDoc.textContent = start ? `${reference.doc}, ${linesLabel(start, end)}` : reference.doc;
    const headings = String(reference.section || '').split(SECTION_SEPARATOR).map((s) => s.trim()).filter(Boolean);
    dom.noteBreadcrumbList.replaceChildren(...headings.map((heading, i) => h('li', i === headings.length - 1
      ? { 'aria-current': 'location' } : null, heading)));
    dom.noteBreadcrumb.hidden = headings.length === 0;
    dom.noteStatus.textContent = 'Loading the note…';
    clear(dom.noteLines);
    dom.note.setAttribute('aria-busy', 'true');
    if (!dom.note.open) dom.note.showModal();
    dom.noteClose.focus();
    try {
      const note = await api('/api/notes/' + encodeDoc(reference.doc));
      if (request !== noteRequest || !dom.note.open) return;
      showNote(note, start, end);
    } catch (error) {
      if (request !== noteRequest) return;
      dom.noteStatus.textContent = 'The note could not be opened: ' +
        (error instanceof ApiError ? error.message : 'the server could not be reached.');
    } finally {
      if (request === noteRequest) dom.note.setAttribute('aria-busy', 'false');
    }
  }

  function showNote(note, start, end) {
    dom.noteTitle.textContent = note.title || note.doc;
    const year = Number.isInteger(note.year) ? ` (${note.year})` : '';
    dom.noteDoc.textContent = start ? `${note.doc}${year}, ${linesLabel(start, end)}` : `${note.doc}${year}`;
    const lines = Array.isArray(note.lines) ? note.lines : [];
    const fragment = document.createDocumentFragment();
    let first = null;
    lines.forEach((text, i) => {
      const number = i + 1;
      const quoted = start > 0 && number >= start && number <= end;
      const line = h('div', { class: quoted ? 'line highlight' : 'line', dataset: { line: String(number) },
        'aria-current': quoted ? 'true' : null });
      line.append(h('span', { class: 'ln', 'aria-hidden': 'true' }, String(number)));
      if (quoted) line.append(h('span', { class: 'visually-hidden' }, `line ${number}, quoted: `));
      line.append(h('span', { class: 'text' }, String(text)));
      fragment.append(line);
      if (quoted && !first) first = line;
    });
    dom.noteLines.replaceChildren(fragment);
    if (start && !first) dom.noteStatus.textContent = `The quoted text (${linesLabel(start, end)}) is not in this note any more.`;
    else dom.noteStatus.textContent = lines.length ? '' : 'The note is empty.';
    if (first) {
      // Only the lines scroll (scrollIntoView would scroll the dialog and the page too): the quote in the middle.
      const offset = first.getBoundingClientRect().top - dom.noteLines.getBoundingClientRect().top;
      dom.noteLines.scrollTop += offset - Math.max(0, (dom.noteLines.clientHeight - first.offsetHeight) / 2);
    }
  }

  dom.noteClose.addEventListener('click', () => dom.note.close());
  dom.note.addEventListener('click', (event) => {
    if (event.target !== dom.note) return; // a click on the backdrop lands on the dialog itself
    const box = dom.note.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right &&
      event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dom.note.close();
  });
  dom.note.addEventListener('close', () => {
    noteRequest++;
    const opener = noteOpener;
    noteOpener = null;
    if (opener && opener.isConnected) opener.focus();
    else $('main').focus();
  });

  // ---------------------------------------------------------------------------------------------------------------
  // The talk catalogue.

  async function showTalks() {
    if (!dom.talksBody.children.length) {
      dom.talksBody.replaceChildren(h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'Loading the talks…')));
    }
    let talks;
    try {
      talks = await getTalks();
    } catch (error) {
      report(error);
      dom.talksBody.replaceChildren(h('tr', null, h('td', { colspan: 5 }, 'The talks could not be loaded.')));
      return;
    }
    const rows = talks.map(talkRow);
    if (!rows.length) rows.push(h('tr', null, h('td', { colspan: 5 }, 'The notes name no talks.')));
    dom.talksBody.replaceChildren(...rows);
  }

  function talkRow(talk) {
    const title = h('th', { scope: 'row', class: 'talk-title' },
      appLink('/', { talk: talk.title }, talk.title));
    const aliases = (talk.aliases || []).filter((alias) => alias.toLowerCase() !== talk.title.toLowerCase());
    if (aliases.length) title.append(h('span', { class: 'aliases' }, 'also: ' + aliases.join(', ')));
    const docs = h('ul', { class: 'docs' });
    for (const doc of talk.docs || []) {
      const mention = (talk.mentions || []).find((m) => m.doc === doc);
      const line = mention ? mention.line : 0;
      const button = h('button', { type: 'button', class: 'open-note link-like',
        'aria-label': line ? `Open note ${doc} at line ${line}` : `Open note ${doc}` }, doc);
      button.addEventListener('click', () => openNote({ doc, title: doc, section: '', line_start: line, line_end: line },
        button));
      docs.append(h('li', null, button));
    }
    return h('tr', null,
      title,
      h('td', { dataset: { label: 'Kind' } }, talk.kind || ''),
      h('td', { dataset: { label: 'Speakers' } }, (talk.speakers || []).join(', ') || '—'),
      h('td', { dataset: { label: 'Notes' } }, docs),
      h('td', { class: 'num', dataset: { label: 'Passages' } }, String(talk.chunks ?? 0)));
  }

  // ---------------------------------------------------------------------------------------------------------------

  loadFilters();
  render();
})();
