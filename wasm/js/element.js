// <iotmark-verifier>: check an iotmark label on any page with one tag.
//
//   <script type="module" src="/iotmark/element.js"></script>
//   <iotmark-verifier root="…64 hex digits…" lists="/iotmark/lists/" text="HTTPS://…#IM1:…"></iotmark-verifier>
//
// Attributes (a fixed interface, see docs/embedding.md): `root`, `lists`, `text`, `camera`,
// `lang`. It fires `iotmark-verdict` (bubbling, composed) with the typed verdict and its
// explanation. The element draws what the core returns; it decides nothing itself. Nothing
// about a scan leaves the page.
import { createVerifier, negotiate, say } from './index.js';

// The camera's and the decoder's code, loaded when a camera or a photo is first used: a
// page that checks a label's text never downloads it.
let cameraCode = null;
const loadCamera = async () => (cameraCode ??= await import('./camera.js'));

const CSS = `
:host { display: block; font-family: var(--iotmark-font, inherit); color: var(--iotmark-text, #111); background: var(--iotmark-background, transparent);
  --valid: var(--iotmark-valid, #1b5e20); --caution: var(--iotmark-caution, #8a5300); --invalid: var(--iotmark-invalid, #b71c1c);
  --neutral: var(--iotmark-neutral, #455a64); --accent: var(--iotmark-accent, #1b4332); --radius: var(--iotmark-radius, 0.5rem); line-height: 1.45;
  --unchecked: var(--iotmark-unchecked, #0d47a1); --struck: var(--iotmark-struck-off, #7b1010); --later: var(--iotmark-not-yet-valid, #5e35b1);
  /* Tinted boxes set their text colour with their background, so a dark theme stays readable. */
  --alert-bg: var(--iotmark-alert-background, #fdecea); --alert-text: var(--iotmark-alert-text, #111);
  --note-bg: var(--iotmark-note-background, #fff8e1); --note-text: var(--iotmark-note-text, #111);
  --panel-bg: var(--iotmark-panel-background, #f1f5f3); --panel-text: var(--iotmark-panel-text, #111); --focus: var(--iotmark-focus, #1565c0); }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
h2 { font-size: 1.5em; margin: 0; line-height: 1.25; }
h3 { font-size: 1.05em; margin: 1em 0 0.25em; }
p, li, h2, h3, dd { overflow-wrap: break-word; }
ul { padding-left: 1.2em; margin: 0.25em 0; }
.viewer { position: relative; background: #000; border-radius: var(--radius); overflow: hidden; aspect-ratio: 4 / 3; }
video { width: 100%; height: 100%; object-fit: cover; display: block; }
.aim { position: absolute; inset: 18%; border: 3px solid rgb(255 255 255 / 0.8); border-radius: var(--radius); pointer-events: none; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.75em 0; }
button, .button { font: inherit; padding: 0.6em 1em; border: 2px solid var(--accent); border-radius: 0.4em; background: var(--iotmark-background, #fff); color: var(--accent); cursor: pointer; min-height: 44px; display: inline-flex; align-items: center; }
button:focus-visible, .button:focus-within, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.verdict { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: flex-start; padding: 1em; border-radius: var(--radius); border: 3px solid var(--neutral); }
.verdict > div:not(.icon) { min-width: 0; flex: 1 1 13em; }
.icon { flex: none; width: 2.6em; height: 2.6em; border-radius: 50%; display: grid; place-items: center; font-size: 1.2em; font-weight: bold; color: #fff; background: var(--neutral); }
.verdict { --c: var(--neutral); border-color: var(--c); } .icon { background: var(--c); }
.verdict[data-standing=valid] { --c: var(--valid); } .verdict[data-standing=valid] .icon::after { content: "✓"; }
.verdict[data-standing=self-declared] { --c: var(--unchecked); } .verdict[data-standing=self-declared] .icon { background: #fff; color: var(--c); border: 3px solid var(--c); } .verdict[data-standing=self-declared] .icon::after { content: "✓"; }
.verdict[data-standing=unconfirmed] { --c: var(--caution); } .verdict[data-standing=unconfirmed] .icon::after { content: "!"; }
.verdict[data-standing=expired] { --c: var(--caution); } .verdict[data-standing=expired] .icon { clip-path: polygon(50% 0, 100% 100%, 0 100%); border-radius: 0; } .verdict[data-standing=expired] .icon::after { content: "!"; margin-top: 0.5em; }
.verdict[data-standing=not-yet-valid] { --c: var(--later); } .verdict[data-standing=not-yet-valid] .icon::after { content: "…"; }
.verdict[data-standing=struck-off] { --c: var(--struck); background: var(--alert-bg); color: var(--alert-text); } .verdict[data-standing=struck-off] .icon { border-radius: 0.3em; } .verdict[data-standing=struck-off] .icon::after { content: "⊘"; }
.verdict[data-standing=not-genuine] { --c: var(--invalid); background: var(--alert-bg); color: var(--alert-text); } .verdict[data-standing=not-genuine] .icon { border-radius: 0.3em; } .verdict[data-standing=not-genuine] .icon::after { content: "✕"; }
.verdict[data-standing=not-a-label] { border-style: dashed; } .verdict[data-standing=not-a-label] .icon::after { content: "?"; }
.verdict { padding: 0.75em; }
.verdict h2 { font-size: 1.3em; hyphens: none; overflow-wrap: normal; word-break: normal; }
.verdict p { margin: 0.3em 0 0; }
.headline:focus { outline: none; }
.scale { display: flex; flex-wrap: wrap; list-style: none; margin: 0; padding: 0; gap: 0.25em; }
/* The three steps share a row while they fit, and are stacked when they do not (large text,
   narrow screens): never two and one, which stops reading as a scale. */
.scale li { flex: 1 1 calc((17em - 100%) * 999); white-space: nowrap; text-align: center; padding: 0.2em 0.3em; border: 2px solid #9e9e9e; border-radius: 0.3em; color: #555; background: #fafafa; font-size: 0.95em; }
.scale li[aria-current] { border-width: 3px; border-color: #111; color: #111; font-weight: bold; }
/* The print's fills: three greys apart in greyscale (luma 129, 171, 209). */
.scale li[data-grade=bronze][aria-current] { background: #b8733d; } .scale li[data-grade=silver][aria-current] { background: #a9abb0; } .scale li[data-grade=gold][aria-current] { background: #f3d36b; }
/* A grade that may not hold (expired, or not known not to be struck off): greyed, dashed. */
.grade:is([data-state=expired], [data-state=unconfirmed]) .scale li { color: #444; background: #eee; border-style: dashed; filter: grayscale(1); }
.grade[data-state=struck-off] .scale li[aria-current] { text-decoration: line-through 3px; background: repeating-linear-gradient(135deg, #fff 0 6px, #f3c6c6 6px 9px); }
.scale-text { margin: 0.2em 0 0; font-size: 0.9em; }
.checked-by { margin: 0.4em 0; padding: 0.25em 0.5em; border-left: 4px solid var(--accent); background: var(--panel-bg); color: var(--panel-text); }
.facts { margin: 0.4em 0; }
.facts div { margin: 0.2em 0; }
.facts dt { display: inline; font-weight: bold; } .facts dt::after { content: " "; } .facts dd { display: inline; margin: 0; }
.gtin { display: block; font-size: 0.8em; font-weight: normal; }
.why p { margin: 0.2em 0; }
.product { font-size: 1.1em; font-weight: bold; margin: 0.4em 0 0.3em; line-height: 1.3; }
.check-box, .warning, .struck-off { background: var(--note-bg); color: var(--note-text); border-left: 4px solid var(--caution); padding: 0.5em; margin: 0.5em 0; }
.struck-off { border-left-color: var(--invalid); background: var(--alert-bg); color: var(--alert-text); font-size: 0.9em; padding: 0.3em 0.5em; margin: 0.4em 0 0; }
.struck-off p { margin: 0.1em 0; }
/* An address breaks where it may (after "/" or "-"), and mid-word only when a part does not fit. */
.said { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.status-word { font-weight: bold; }
/* A mark beside each status word, so that the long list can be scanned by eye. */
[data-status] .status-word::before { display: inline-block; width: 1.2em; font-weight: bold; }
[data-status=met] .status-word::before { content: "✓"; color: var(--valid); } [data-status=partly] .status-word::before { content: "◐"; color: var(--caution); }
[data-status=not-met] .status-word::before { content: "✕"; color: var(--invalid); } [data-status=not-applicable] .status-word::before { content: "–"; color: #555; }
.lists { font-size: 0.9em; color: inherit; opacity: 0.85; }
.lists p { margin: 0.15em 0; }
.list-file { margin: 0.5em 0; font-size: 0.9em; } .list-file summary { cursor: pointer; padding: 0.3em 0; } .list-file p { margin: 0.2em 0 0.5em; }
.error { color: var(--invalid); font-weight: bold; }
`;

// Ids are the scanner app's, so that tests and sites find the same parts in both.
const TEMPLATE = `
<div id="container" part="container">
  <p id="error" class="error" part="error" role="alert" hidden></p>
  <p id="note" part="note" hidden></p>
  <section id="scan" part="scanner" hidden>
    <div id="viewer" class="viewer" part="viewer"><video id="video" part="video" playsinline muted></video><div class="aim" aria-hidden="true"></div></div>
    <p id="camera-status" part="status" role="status"></p>
    <div class="controls">
      <button type="button" id="start" part="button start" hidden></button>
      <label class="button" part="button photo"><span id="photo-word"></span><input id="photo" type="file" accept="image/*" class="visually-hidden"></label>
    </div>
  </section>
  <section id="result" part="result" hidden>
    <div id="verdict" class="verdict" part="verdict" role="alert" data-primary="verdict">
      <div class="icon" aria-hidden="true"></div>
      <div>
        <h2 id="verdict-headline" class="headline" part="headline" tabindex="-1"></h2>
        <p id="verdict-summary" part="summary"></p>
        <p id="said" class="said" part="said" hidden></p>
        <div id="struck-off" class="struck-off" part="struck-off" hidden></div>
      </div>
    </div>
    <div id="identity" part="identity" hidden>
      <p id="product" class="product" part="product" data-primary="product"></p>
      <div id="grade" class="grade" part="grade" data-primary="grade">
        <ol id="scale" class="scale"></ol>
        <p id="scale-text" class="scale-text"></p>
      </div>
      <p id="checked-by" class="checked-by" part="checked-by" data-primary="checked-by"></p>
      <dl id="facts" class="facts" part="facts" data-primary="facts"></dl>
      <p id="check-box" class="check-box" part="check-box"></p>
    </div>
    <div id="warnings" part="warnings"></div>
    <div id="sections" part="sections"></div>
    <details id="principles-box" part="principles" hidden><summary></summary><div id="why" class="why"></div><div id="principles"></div></details>
    <div id="lists" class="lists" part="lists"></div>
    <details class="list-file" part="list-file"><summary id="list-file-title"></summary><p id="list-file-help"></p>
      <div class="controls"><label class="button" part="button"><span id="offer-file-word"></span><input id="offer-file" type="file" accept=".cose,application/cose,application/octet-stream" multiple class="visually-hidden"></label></div>
    </details>
    <div id="offer-message" class="lists" part="lists-message" role="status"></div>
    <div id="again-box" class="controls" hidden><button type="button" id="again" part="button again"></button></div>
  </section>
</div>`;

let sheet = null;
function styles(root) {
  if ('adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
    // A constructed stylesheet: allowed by a strict Content-Security-Policy (style-src 'self').
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el('style', CSS));
  }
}

/** A `text` but no `root`, and no verifier handed over. */
const NO_ROOT = Object.assign(new Error('no root key: give the root attribute, or hand a verifier to the verifier property'), { code: 'bad-root-key' });

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

export class IotmarkVerifierElement extends HTMLElement {
  static observedAttributes = ['root', 'lists', 'text', 'camera', 'lang'];

  constructor() {
    super();
    // The standing as a custom state, for a page's own styles: iotmark-verifier:state(struck-off).
    this.internals = this.attachInternals?.();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = TEMPLATE;
    styles(root);
    this.$ = (id) => root.getElementById(id);
    this.timing = { frames: 0, restarts: 0 };
    this.current = null;
    this.scanning = false;
    this.$('start').onclick = () => { this.$('error').hidden = true; this.startCamera(); };
    this.$('again').onclick = () => this.scanAgain();
    this.$('photo').onchange = (e) => { const f = e.target.files[0]; e.target.value = ''; if (f) this.scanPhoto(f); };
    this.$('offer-file').onchange = (e) => { const files = [...e.target.files]; e.target.value = ''; this.offerFiles(files); };
    // A list file dropped on the element (on a computer).
    this.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); });
    this.addEventListener('drop', (e) => {
      const files = [...(e.dataTransfer?.files || [])];
      if (!files.length) return;
      e.preventDefault();
      e.stopPropagation();
      this.offerFiles(files);
    });
    this.onVisibility = () => this.followVisibility();
  }

  /**
   * A verifier made by the page (`createVerifier`), used instead of `root` and `lists`;
   * null hands the element back to its attributes.
   */
  set verifier(v) {
    this.ownVerifier = v ?? null;
    this.verifierReady = v ? Promise.resolve(v) : null;
    if (v) {
      this.handOver?.(v);
      this.listen(v);
    }
    this.update();
  }

  /** The verifier in use: the page's, or the one made from `root` and `lists` once ready. */
  get verifier() { return this.ownVerifier ?? this.core ?? null; }

  connectedCallback() {
    document.addEventListener('visibilitychange', this.onVisibility);
    if ('IntersectionObserver' in window) {
      this.seen = new IntersectionObserver(([entry]) => { this.inView = entry.isIntersecting; this.followVisibility(); });
      this.seen.observe(this);
    }
    this.update();
  }

  disconnectedCallback() {
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.seen?.disconnect();
    this.stopCamera();
    this.decoder?.stop();
    this.decoder = null;
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (name === 'root' || name === 'lists') { if (!this.ownVerifier) this.verifierReady = null; }
    if (this.isConnected) this.update(name);
  }

  /** Preferred languages: the `lang` attribute, else the reader's browser. */
  get langs() {
    const own = this.getAttribute('lang');
    return own ? [own] : [...(navigator.languages || [navigator.language || 'en'])];
  }

  /**
   * The element's own words, once a verifier and its language file are there; nothing
   * before (`words()` writes them all, the camera's status too, when the language comes).
   */
  say(key, args = {}) {
    const core = this.core?.core;
    return core?.hasLanguage(negotiate(this.langs)) ? core.say(key, { lang: this.langs }, args) : '';
  }

  listen(v) {
    if (this.listening === v) return;
    this.listening = v;
    v.addEventListener('lists', () => { if (this.current) this.show(this.current.text, { focus: false }); });
  }

  async getVerifier() {
    // No `root`: the page hands its verifier over (the `verifier` property), maybe later.
    if (!this.ownVerifier && !this.hasAttribute('root')) {
      this.waiting ??= new Promise((resolve) => { this.handOver = resolve; });
      return this.waiting;
    }
    this.verifierReady ??= createVerifier({ root: this.getAttribute('root'), listsUrl: this.getAttribute('lists') || undefined }).then((v) => { this.listen(v); return v; });
    return this.verifierReady;
  }

  /**
   * Brings the element in line with its attributes. Changes made together (a page setting
   * `text` and `lang` at once) are applied together, with one verdict and one event.
   */
  async update(changed) {
    (this.pending ??= new Set()).add(changed ?? '*');
    const next = () => {
      const changes = this.pending;
      this.pending = new Set();
      return changes.size ? this.apply(changes) : undefined;
    };
    return (this.updating = (this.updating || Promise.resolve()).then(next).catch((e) => this.failSetup(e)));
  }

  async apply(changes) {
    const has = (name) => changes.has('*') || changes.has(name);
    // The camera starts at once; the verifier is needed only when a code is found.
    const camera = this.hasAttribute('camera');
    if (camera && !this.current && !this.stream && !this.opening && !(changes.size === 1 && has('lang'))) this.startCamera();
    // A page that hands the element its verifier (the `verifier` property) may do so after
    // the element is connected (the scanner app does, while its camera starts): until then,
    // with no `root`, there is nothing more to do.
    if (!this.ownVerifier && !this.hasAttribute('root')) {
      if (this.hasAttribute('text')) throw NO_ROOT;
      return;
    }
    const v = await this.getVerifier();
    this.core = v;
    const lang = await v.prepare(this.langs);
    this.$('error').hidden = true;
    this.$('container').lang = lang;
    this.words(lang);
    const text = this.getAttribute('text');
    this.$('scan').hidden = !camera || (this.current && !this.scanning);
    this.$('again-box').hidden = !camera;
    if (text !== null && (has('text') || has('root') || has('lists'))) {
      this.stopCamera();
      await this.show(text, { focus: false });
    } else if (this.current && has('lang')) {
      await this.show(this.current.text, { focus: false });
    }
    if (!camera && has('camera')) this.stopCamera();
  }

  /** The element cannot work as set up: the error, the camera off, no controls without words. */
  failSetup(e) {
    this.stopCamera();
    this.$('scan').hidden = true;
    return this.fail(e);
  }

  /** The words of the element's own controls, in the language in use. */
  words(lang) {
    const s = (cls, key) => { this.$(cls).textContent = this.say(key); };
    s('start', 'ui.start-camera');
    s('photo-word', 'ui.choose-photo');
    s('again', 'ui.scan-again');
    s('offer-file-word', 'ui.lists-load');
    // Folded away under the question it answers: on a shop's page a bare "Load a list file"
    // under every verdict reads as if loading something might change it.
    s('list-file-title', 'ui.lists-help-title');
    s('list-file-help', 'ui.lists-help');
    this.$('principles-box').querySelector('summary').textContent = this.say('ui.all-principles');
    this.$('video').setAttribute('aria-label', this.say('ui.camera'));
    if (this.statusKey) this.status(this.statusKey);
    const asked = this.getAttribute('lang');
    const note = this.$('note');
    note.hidden = !(asked && lang === 'en' && !asked.toLowerCase().startsWith('en'));
    if (!note.hidden) note.textContent = this.say('element.language-fallback', { lang: asked });
  }

  async fail(e) {
    const box = this.$('error');
    const code = e.code || 'internal';
    // The code at once; then the words, from the verifier when it has the language, else
    // from the language file itself (the verifier module carries none). When even that
    // cannot be loaded, the code is all there is to show.
    box.textContent = code;
    box.hidden = false;
    this.$('result').hidden = true;
    const detail = { code, message: String(e.message || e), ...(e.reason ? { reason: e.reason } : {}) };
    this.dispatchEvent(new CustomEvent('iotmark-error', { bubbles: true, composed: true, detail }));
    try {
      box.textContent = this.say('element.setup-error', { code }) || await say(this.langs, 'element.setup-error', { code });
    } catch { /* the code stays */ }
  }

  /** A code was found but could not be verified: the error, and a way to scan again. */
  failScan(e) {
    this.$('start').hidden = !this.hasAttribute('camera');
    return this.fail(e);
  }

  status(key) {
    this.statusKey = key;
    this.$('camera-status').textContent = this.say(key);
  }

  // ---------- verdict ----------

  /** Verifies `text` and draws the verdict; fires `iotmark-verdict`. */
  async show(text, { focus = true, started } = {}) {
    const v = await this.getVerifier();
    const checked = await v.verify(text, { lang: this.langs });
    this.current = { text, checked };
    this.scanning = false;
    this.draw(checked, text);
    if (started !== undefined) this.timing.verdictMs = performance.now() - started;
    if (focus) this.$('verdict-headline').focus({ preventScroll: false });
    const x = checked.explanation;
    this.dispatchEvent(new CustomEvent('iotmark-verdict', {
      bubbles: true,
      composed: true,
      detail: { verdict: checked.verification.verdict, tone: x.tone, text, verification: checked.verification, explanation: x, lang: checked.lang, clockBehind: checked.clock_behind },
    }));
    return checked;
  }

  draw({ verification: v, explanation: x, lang }) {
    this.$('scan').hidden = true;
    this.$('result').hidden = false;
    const verdict = this.$('verdict');
    verdict.dataset.verdict = v.verdict;
    verdict.dataset.tone = x.tone;
    verdict.dataset.standing = x.standing;
    this.$('container').lang = lang;
    if (this.internals?.states) {
      this.internals.states.clear();
      try { this.internals.states.add(x.standing); } catch { /* a browser with the older `--state` syntax only */ }
    }
    this.$('verdict-headline').textContent = x.headline;
    this.$('verdict-summary').textContent = x.summary;
    const said = this.$('said');
    said.hidden = !x.said;
    said.textContent = x.said || '';
    const struck = this.$('struck-off');
    struck.replaceChildren(...(x.struck_off || []).map((line) => el('p', line)));
    struck.hidden = !struck.childElementCount;
    const identity = this.$('identity');
    identity.hidden = !x.product;
    if (x.product) {
      const product = this.$('product');
      product.replaceChildren(x.product);
      if (x.gtin) product.append(el('span', x.gtin, 'gtin'));
      const grade = this.$('grade');
      grade.dataset.state = x.standing;
      grade.setAttribute('role', 'group');
      grade.setAttribute('aria-label', `${this.say('ui.grade')}: ${x.scale_text}`);
      this.$('scale').replaceChildren(...x.scale.map((step) => {
        // A grade not in force (struck off) comes without its stars: the step alone, crossed out.
        const li = el('li', step.current && x.grade_stars ? `${x.grade_stars} ${step.text}` : step.text);
        li.dataset.grade = step.grade;
        if (step.current) { li.setAttribute('aria-current', 'true'); li.id = 'grade-badge'; }
        return li;
      }));
      this.$('scale-text').textContent = x.scale_text;
      // A struck-off label has no checker or claims that still count: the core gives none.
      this.$('checked-by').textContent = x.checked_by ?? '';
      this.$('checked-by').hidden = !x.checked_by;
      const facts = x.facts || [];
      this.$('facts').hidden = !facts.length;
      this.$('facts').replaceChildren(...facts.map((f) => { const row = el('div'); row.dataset.fact = f.key; row.append(el('dt', `${f.title}:`), el('dd', f.text)); return row; }));
      this.$('check-box').textContent = x.check_box ?? '';
      this.$('check-box').hidden = !x.check_box;
    }
    this.$('why').replaceChildren(...(x.tiers || []).map((t) => el('p', t.text)), ...(x.next_grade ? [el('p', x.next_grade, 'next')] : []));
    this.$('warnings').replaceChildren(...x.warnings.map((w) => el('p', w, 'warning')));
    this.$('sections').replaceChildren(...x.sections.flatMap((s) => [el('h3', s.title), list(s.lines)]));
    const principles = this.$('principles-box');
    principles.hidden = !x.principles.length;
    this.$('principles').replaceChildren(...x.principles.filter((g) => g.principles.length).flatMap((g) => [
      el('h3', g.title),
      list(g.principles.map((p) => { const li = el('li'); li.dataset.status = p.status; li.append(el('span', `${p.status_text}: `, 'status-word'), `${p.id}. ${p.text}`); return li; })),
    ]));
    this.$('lists').replaceChildren(...x.lists.map((line) => el('p', line)));
    this.$('again-box').hidden = !this.hasAttribute('camera');
  }

  /**
   * Offers list files that came by any channel (a picker, a drop, a message): each is taken
   * only when validly signed and newer, and the core's sentence for each is shown. Resolves
   * to the core's outcomes; a shown verdict is redrawn with a newer list.
   */
  async offerFiles(files) {
    const v = await this.getVerifier();
    const outcomes = await v.offerFiles(await Promise.all([...files].map((f) => f.arrayBuffer())), { lang: this.langs });
    this.$('offer-message').replaceChildren(...outcomes.map((r) => { const line = el('p', r.message); line.dataset.outcome = r.outcome; return line; }));
    return outcomes;
  }

  // ---------- camera and photos ----------

  followVisibility() {
    const visible = !document.hidden && this.inView !== false && this.isConnected;
    if (!visible) {
      if (this.stream) { this.resumeCamera = true; this.stopCamera(); }
    } else if (this.resumeCamera && this.scanning === false && !this.current) {
      this.resumeCamera = false;
      this.startCamera();
    }
  }

  async startCamera() {
    if (this.opening) return;
    this.opening = true;
    try {
      await this.openStream();
    } finally {
      this.opening = false;
    }
  }

  async openStream() {
    // A camera stopped while it was opening (a set-up error, the element removed) stays off.
    const turn = this.cameraTurn;
    const { Decoder, openCamera } = await loadCamera();
    if (turn !== this.cameraTurn) return;
    this.decoder ??= new Decoder();
    this.current = null;
    this.dispatchEvent(new CustomEvent('iotmark-scanning', { bubbles: true, composed: true }));
    const video = this.$('video');
    this.$('scan').hidden = false;
    this.$('result').hidden = true;
    this.status('ui.camera-starting');
    try {
      this.stream = await openCamera(video);
    } catch (e) {
      this.status(e?.name === 'NotAllowedError' ? 'ui.camera-denied' : 'ui.no-camera');
      this.$('viewer').hidden = true;
      this.$('start').hidden = e?.name !== 'NotAllowedError';
      return;
    }
    if (turn !== this.cameraTurn) { cameraCode.closeCamera(this.stream); this.stream = null; return; }
    if (!this.isConnected || document.hidden) { this.stopCamera(); this.resumeCamera = true; return; }
    this.$('viewer').hidden = false;
    this.$('start').hidden = true;
    this.timing.cameraReadyMs = performance.now();
    this.status('ui.camera-ready');
    // A camera that vanishes mid-scan (unplugged, taken by another app) is said.
    this.stream.getVideoTracks()[0]?.addEventListener('ended', () => { if (this.scanning) { this.stopCamera(); this.status('ui.no-camera'); this.$('start').hidden = false; } });
    this.scanning = true;
    this.nextFrame();
  }

  stopCamera() {
    this.cameraTurn = (this.cameraTurn ?? 0) + 1;
    this.scanning = false;
    cameraCode?.closeCamera(this.stream);
    this.stream = null;
  }

  nextFrame() {
    if (!this.scanning) return;
    const video = this.$('video');
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => this.frame());
    else setTimeout(() => this.frame(), 30);
  }

  async frame() {
    const video = this.$('video');
    if (!this.scanning) return;
    if (this.busy || video.readyState < 2) { this.nextFrame(); return; }
    this.busy = true;
    const started = performance.now();
    let found = null;
    try {
      const bitmap = await createImageBitmap(video);
      const r = await this.decoder.decode('frame', bitmap, started);
      this.timing.frames += 1;
      this.timing.lastFrameMs = r.ms;
      if (r.sighted.kind !== 'nothing' && this.scanning) found = r.sighted.text;
    } catch { /* a restarted decoder or a frame that went away: keep going */ }
    this.timing.restarts = this.decoder?.restarts ?? 0;
    this.busy = false;
    if (found === null) { this.nextFrame(); return; }
    // A code is found: the camera stops, and the verdict or, should verifying itself fail
    // (its lists or language gone), the error is shown; never a stopped camera and nothing.
    this.stopCamera();
    await this.show(found, { focus: true, started }).catch((e) => this.failScan(e));
  }

  async scanPhoto(file) {
    const { Decoder } = await loadCamera();
    this.decoder ??= new Decoder();
    this.$('scan').hidden = false;
    let r;
    try {
      r = await this.decoder.decode('photo', await createImageBitmap(file));
    } catch {
      this.status('ui.photo-unreadable');
      return;
    }
    if (r.sighted.kind === 'nothing') { this.status('ui.photo-nothing'); return; }
    this.stopCamera();
    await this.show(r.sighted.text, { focus: true }).catch((e) => this.failScan(e));
  }

  scanAgain() {
    this.$('result').hidden = true;
    this.startCamera();
  }
}

function list(items) {
  const ul = el('ul');
  ul.append(...items.map((item) => (typeof item === 'string' ? el('li', item) : item)));
  return ul;
}

if (!customElements.get('iotmark-verifier')) customElements.define('iotmark-verifier', IotmarkVerifierElement);

