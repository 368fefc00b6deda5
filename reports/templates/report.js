/* classic-scanner report.html: findings table, resource view and plan units over the embedded scan data.
   The data is in three blocks, each base64 of gzip of JSON (reports/html_data.py): the findings are
   drawn as soon as #scan-data is decoded; #plan-data is decoded next and the plan's unit cards drawn
   from it once the first findings page is on screen; #evidence-data is decoded after the page is
   parsed (a finding's details show its evidence once it is). Only the rows of the current page are in
   the DOM; a plan unit's details are drawn when it is first opened (or the page printed). Every piece
   of data reaches the page through textContent or an attribute set by DOM API (links only when
   https), never through innerHTML.
   Findings arrive by column and stay so (a finding is its index in the columns); resources arrive by
   column and are rebuilt as rows; waivers (D.w) and first/last seen times (D.t, ISO UTC, sorted) are
   stored once and referenced by index. */
(function () {
  'use strict';

  function $(id) { return document.getElementById(id); }

  /* ---- the data blocks ------------------------------------------------------------------------ */
  /* A block's value: base64 -> bytes -> gunzip (DecompressionStream) -> JSON; null when the page
     has no such block. */
  function unpack(id) {
    var el = $(id);
    if (!el) return Promise.resolve(null);
    var bytes;
    if (typeof Uint8Array.fromBase64 === 'function') bytes = Uint8Array.fromBase64(el.textContent);
    else {
      var text = atob(el.textContent);
      bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(JSON.parse);
  }
  function parsed(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }
  function unreadable(e) {
    var box = $('findings-app') || document.body;
    var note = document.createElement('p');
    note.className = 'callout callout-warn';
    note.setAttribute('role', 'alert');
    note.textContent = 'This browser could not read the data of this report (' + (e && e.message || e) +
      '). It needs a current Chrome, Edge, Firefox or Safari; every finding is also in findings.json and findings.csv.';
    box.insertBefore(note, box.firstChild);
  }
  if (typeof DecompressionStream !== 'function') {
    parsed(function () { unreadable('no DecompressionStream'); });
    return;
  }
  /* Resolves once what the current task draws is on screen: a frame (requestAnimationFrame runs just
     before it is painted), then a task after it. A hidden page paints no frames: a task. */
  function afterPaint() {
    return new Promise(function (resolve) {
      if (document.hidden) setTimeout(resolve, 0);
      else requestAnimationFrame(function () { setTimeout(resolve, 0); });
    });
  }
  // Only a decoding failure is "unreadable"; an error in main surfaces as the page's own error.
  // The findings come first: main starts as soon as the scan data is decoded, and draws the first
  // findings page; the plan data and the evidence are decoded once that page is painted (at 100k
  // resources their decoding, done earlier, kept the first rows off the screen for half a second).
  // The unit cards are drawn from the plan data.
  unpack('scan-data').then(function (D) {
    var painted = afterPaint();
    main(D, painted.then(function () { return unpack('plan-data'); }), painted);
  }, unreadable);

  /* ---- a finding's id -------------------------------------------------------------------------- */
  /* When the report does not carry the ids, a finding's id is the engine's: the first 32 hex digits of
     SHA-256 of "<rule id>|<lower-cased resource id>" (scanner/engine/evaluate.py finding_id). */
  var SHA_K = [], SHA_H = [];
  (function () {
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    for (var n = 2, found = 0; found < 64; n++) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (!prime) continue;
      if (found < 8) SHA_H.push(frac(Math.pow(n, 1 / 2)));
      SHA_K.push(frac(Math.pow(n, 1 / 3)));
      found++;
    }
  })();
  function sha256hex(text) {
    var bytes = new TextEncoder().encode(text), len = bytes.length;
    var words = new Int32Array(((len + 8) >> 6) * 16 + 16), w = new Int32Array(64), H = SHA_H.slice();
    for (var i = 0; i < len; i++) words[i >> 2] |= bytes[i] << (24 - (i % 4) * 8);
    words[len >> 2] |= 0x80 << (24 - (len % 4) * 8);
    words[words.length - 1] = len * 8;
    for (var j = 0; j < words.length; j += 16) {
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], k = H[7];
      for (i = 0; i < 64; i++) {
        if (i < 16) w[i] = words[j + i];
        else {
          var x = w[i - 15], y = w[i - 2];
          w[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w[i - 16] +
            (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + w[i - 7] | 0;
        }
        var t1 = k + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          ((e & f) ^ (~e & g)) + SHA_K[i] + w[i] | 0;
        var t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
          ((a & b) ^ (a & c) ^ (b & c)) | 0;
        k = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
      }
      H[0] = H[0] + a | 0; H[1] = H[1] + b | 0; H[2] = H[2] + c | 0; H[3] = H[3] + d | 0;
      H[4] = H[4] + e | 0; H[5] = H[5] + f | 0; H[6] = H[6] + g | 0; H[7] = H[7] + k | 0;
    }
    return H.map(function (v) { return ('0000000' + (v >>> 0).toString(16)).slice(-8); }).join('');
  }

  function main(D, planBlock, painted) {

    var ST = D.statuses, SV = D.severities, RULES = D.rules, SUBS = D.subs;
    var W = D.w || [], T = D.t || [];
    var PAGE = D.pageSize || 100;
    // Findings stay in columns, each an array over the findings (a finding is its index i):
    // F.rule, F.st (status), F.sev (severity), F.res (resource), F.msg (message, see message()), F.ev (evidence:
    // 1 in #evidence-data, 0 none), F.rem (remediation), F.ref (references), F.id (finding ids, or null when
    // every id is derived, see findingId), F.w (waiver: index in D.w or -1), F.first and F.last (first and
    // last seen: index in D.t or -1); reports/html_data.py COLUMNS.
    // Waiver layout: [state, rule, target, justification, owner, expires, ticket, approved by, entry, days to expiry]
    var W_STATE = 0, W_RULE = 1, W_TARGET = 2, W_WHY = 3, W_OWNER = 4, W_EXPIRES = 5, W_TICKET = 6, W_APPROVED = 7,
      W_ENTRY = 8, W_DAYS = 9;
    // Resource layout: [id, name, type, subscription, group, location, readiness]
    var RS_ID = 0, RS_NAME = 1, RS_TYPE = 2, RS_SUB = 3, RS_RG = 4, RS_LOC = 5, RS_RD = 6;
    var READINESS = ['Not classic', 'Blocked', 'Unknown', 'Needs preparation', 'Ready'];
    /* A findings column: its values, or {runs: [value, count, ...]} for values that come in runs
       (reports/html_tables.py column_value). */
    function column(c, n) {
      if (!c || !c.runs) return c;
      var out = new Int32Array(n), k = 0;
      for (var j = 0; j < c.runs.length; j += 2) { out.fill(c.runs[j], k, k + c.runs[j + 1]); k += c.runs[j + 1]; }
      return out;
    }
    /* Resources arrive by column (reports/html_tables.py resource_columns): an id is either itself or the
       index of its provider path, the rest of it being the resource's subscription, group and name;
       type and location are indexes into D.res.types and D.res.locs. */
    var RES = (function (c) {
      var rows = new Array(c.name.length);
      for (var j = 0; j < rows.length; j++) {
        var id = c.id[j];
        if (typeof id === 'number') {
          id = '/subscriptions/' + SUBS[c.sub[j]][0] + '/resourceGroups/' + c.rg[j] + '/providers/' + c.paths[id] + '/' + c.name[j];
        }
        rows[j] = [id, c.name[j], c.types[c.type[j]], c.sub[j], c.rg[j], c.locs[c.loc[j]], c.rd[j]];
      }
      return rows;
    })(D.res);
    D.res = null;
    var N = D.n;
    var F = (function (c) {
      for (var name in c) if (Object.prototype.hasOwnProperty.call(c, name)) c[name] = column(c[name], N);
      return c;
    })(D.f);
    D.f = null;
    function h(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined && text !== null) e.textContent = String(text);
      return e;
    }
    function add(parent) {
      for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
      return parent;
    }
    function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }
    function fmt(n) { return n.toLocaleString('en-US'); }
    function sevBadge(i) { return h('span', 'sev sev-' + SV[i], cap(SV[i])); }
    function stBadge(i) { return h('span', 'st st-' + ST[i], cap(ST[i])); }
    function subName(i) { return i < 0 ? '' : (SUBS[i][1] || SUBS[i][0]); }
    function safeLink(url, text) {
      if (typeof url !== 'string' || url.indexOf('https://') !== 0) return h('span', null, text);
      var a = h('a', null, text);
      a.href = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return a;
    }
    function debounce(fn, ms) {
      var t = 0;
      return function () { clearTimeout(t); t = setTimeout(fn, ms); };
    }
    function shortType(t) { var i = t.lastIndexOf('/'); return i < 0 ? t : t.slice(t.indexOf('/') + 1); }
    /* the portal link: D.portal (none in a masked report) and the id, percent-encoded as Python's
       quote(id, safe='/-_.~') does (reports/common.py portal_url) */
    function portalUrl(res) {
      if (!D.portal) return '';
      return D.portal + encodeURIComponent(res[RS_ID]).replace(/%2F/g, '/').replace(/[!'()*]/g, function (c) {
        return '%' + c.charCodeAt(0).toString(16).toUpperCase();
      });
    }
    /* A finding's message: its rule's beginning (RULES[..][4]), a text of D.msgs and its rule's end
       (RULES[..][5]), with \u0001 standing for the resource's name and \u0002 for its id (code >= 0),
       or a text of D.lit as it is (code < 0). */
    var MSGS = D.msgs, LIT = D.lit;
    function message(i) {
      var c = F.msg[i];
      if (c < 0) return LIT[-1 - c];
      var rule = RULES[F.rule[i]], text = rule[4] + MSGS[c] + rule[5], res = RES[F.res[i]];
      if (text.indexOf('\u0001') >= 0) text = text.split('\u0001').join(res[RS_NAME]);
      if (text.indexOf('\u0002') >= 0) text = text.split('\u0002').join(res[RS_ID]);
      return text;
    }
    function findingId(i) {
      return F.id ? F.id[i] : sha256hex(RULES[F.rule[i]][0] + '|' + RES[F.res[i]][RS_ID].toLowerCase()).slice(0, 32);
    }
    function waiverOf(i) { return F.w[i] >= 0 ? W[F.w[i]] : null; }
    function seen(i) { return i >= 0 ? T[i].slice(0, 10) + ' ' + T[i].slice(11, 16) + ' UTC' : ''; }
    function plural(n, word) { return fmt(n) + ' ' + word + (n === 1 ? '' : 's'); }

    /* ---- lazily built indexes ---------------------------------------------------------------- */
    var hay = null, lower = {}, byRes = null;
    function haystack() {
      if (!hay) {
        hay = new Array(N);
        for (var i = 0; i < N; i++) {
          var res = RES[F.res[i]], rule = RULES[F.rule[i]];
          var w = waiverOf(i);
          hay[i] = [rule[0], rule[1], rule[2], res[RS_NAME], res[RS_ID], res[RS_TYPE], res[RS_RG], res[RS_LOC],
            subName(res[RS_SUB]), message(i),
            w ? [w[W_STATE] === 'active' ? 'waived' : 'waiver expired', w[W_WHY], w[W_OWNER], w[W_TICKET], w[W_APPROVED]].join('\n') : ''
          ].join('\n').toLowerCase();
        }
      }
      return hay;
    }
    function sortKey(name) {
      if (!lower[name]) {
        var k = new Array(N);
        for (var i = 0; i < N; i++) {
          k[i] = name === 'first' ? (F.first[i] < 0 ? T.length : F.first[i])
            : name === 'rule' ? RULES[F.rule[i]][0]
            : name === 'res' ? RES[F.res[i]][RS_NAME].toLowerCase()
            : name === 'sub' ? subName(RES[F.res[i]][RS_SUB]).toLowerCase()
            : message(i).toLowerCase();
        }
        lower[name] = k;
      }
      return lower[name];
    }
    function resourceIndex() {
      if (!byRes) {
        byRes = new Array(RES.length);
        for (var j = 0; j < RES.length; j++) byRes[j] = [];
        for (var i = 0; i < N; i++) byRes[F.res[i]].push(i);
      }
      return byRes;
    }

    /* ---- finding detail ------------------------------------------------------------------------ */
    /* Evidence is a block of its own after this script (one entry per finding, in F's order), decoded
       once the page is parsed; until then a note stands in for it in any finding's details. */
    var EV = null, waiting = [];
    function evidenceOf(i) {
      if (!F.ev[i]) return null;
      if (!EV) return undefined;
      return EV[i] === undefined ? null : EV[i];
    }
    function evidenceBox(i) {
      var ev = evidenceOf(i);
      if (ev !== undefined) return evidenceTable(ev);
      var note = h('p', 'empty', 'The evidence is loading…');
      waiting.push([note, i]);
      return note;
    }
    parsed(function () {
      painted.then(function () { return unpack('evidence-data'); }).then(function (ev) {
        EV = ev || [];
        waiting.forEach(function (w) { if (w[0].parentNode) w[0].replaceWith(evidenceTable(evidenceOf(w[1]))); });
        waiting = [];
        document.documentElement.setAttribute('data-loaded', 'true');
      }, unreadable);
    });
    function evidenceTable(ev) {
      if (!ev || typeof ev !== 'object' || !Object.keys(ev).length) return h('p', 'empty', 'No evidence recorded.');
      var t = h('table', 'evidence'), tb = h('tbody');
      Object.keys(ev).forEach(function (k) {
        var v = ev[k];
        var text = v === null ? 'n/a' : (typeof v === 'object' ? JSON.stringify(v) : String(v));
        var tr = h('tr');
        add(tr, h('th', null, k), h('td', null, text));
        tb.appendChild(tr);
      });
      return add(t, tb);
    }
    function fact(dl, label, value) {
      if (value === '' || value === null || value === undefined) return;
      add(dl, h('dt', null, label), value instanceof Node ? add(h('dd'), value) : h('dd', null, value));
    }
    /* the waiver of a finding: active (the finding is waived) or expired (the finding is open again) */
    function waiverBox(w) {
      var active = w[W_STATE] === 'active', days = w[W_DAYS];
      var box = h('div', 'waiver-box ' + (active ? 'waiver-active' : 'waiver-expired'));
      var title = h('div', 'waiver-title');
      add(title, h('span', 'waiver-state', active ? 'Waived' : 'Waiver expired'),
        document.createTextNode(active
          ? ' until ' + w[W_EXPIRES] + (typeof days === 'number' ? (days === 0 ? ' (last day)' : ' (' + plural(days, 'day') + ' left)') : '')
          : ' on ' + w[W_EXPIRES] + ': this finding is open again'));
      add(box, title, h('p', 'waiver-why', w[W_WHY]));
      var dl = h('dl', 'facts');
      fact(dl, 'Owner', w[W_OWNER]);
      fact(dl, 'Ticket', w[W_TICKET]);
      fact(dl, 'Approved by', w[W_APPROVED]);
      fact(dl, 'Applies to', w[W_RULE] + ' · ' + w[W_TARGET]);
      if (w[W_ENTRY] !== null && w[W_ENTRY] !== undefined) fact(dl, 'Waiver entry', '#' + w[W_ENTRY] + ' of the waivers file');
      return add(box, dl);
    }
    function detail(i, withResourceLink) {
      var res = RES[F.res[i]], rule = RULES[F.rule[i]];
      var wrap = h('div', 'detail');
      var main = h('div'), side = h('div');
      add(main, h('h4', null, 'Finding'), h('p', null, message(i)));
      var wv = waiverOf(i);
      if (wv) add(main, h('h4', null, 'Waiver'), waiverBox(wv));
      add(main, h('h4', null, 'Remediation'), h('div', 'pre', D.rem[F.rem[i]] || '—'));
      var refs = D.refs[F.ref[i]] || [];
      if (refs.length) {
        var ul = h('ul', 'refs');
        refs.forEach(function (ref) { ul.appendChild(add(h('li'), safeLink(ref[1], ref[0]))); });
        add(main, h('h4', null, 'Sources'), ul);
      }
      var dl = h('dl', 'facts');
      fact(dl, 'Resource', res[RS_NAME]);
      fact(dl, 'Resource id', add(h('code'), document.createTextNode(res[RS_ID])));
      fact(dl, 'Type', res[RS_TYPE]);
      fact(dl, 'Resource group', res[RS_RG]);
      fact(dl, 'Location', res[RS_LOC]);
      if (res[RS_SUB] >= 0) {
        var s = SUBS[res[RS_SUB]];
        fact(dl, 'Subscription', s[1] ? s[1] + ' (' + s[0] + ')' : s[0]);
      }
      fact(dl, 'Rule', rule[0] + ' · ' + rule[1]);
      fact(dl, 'Category', rule[2]);
      fact(dl, 'Finding id', add(h('code'), document.createTextNode(findingId(i))));
      fact(dl, 'First seen', seen(F.first[i]));
      fact(dl, 'Last seen', seen(F.last[i]));
      add(side, h('h4', null, 'Resource'), dl, h('h4', null, 'Evidence'), evidenceBox(i));
      var actions = h('div', 'actions');
      if (portalUrl(res)) {
        var a = safeLink(portalUrl(res), 'Open in the Azure portal');
        a.className = 'btn btn-primary';
        actions.appendChild(a);
      }
      if (withResourceLink) {
        var b = h('button', 'btn', 'All verdicts for this resource');
        b.type = 'button';
        b.addEventListener('click', function (e) { e.stopPropagation(); Resources.focus(F.res[i]); });
        actions.appendChild(b);
      }
      if (actions.childNodes.length) side.appendChild(actions);
      return add(wrap, main, side);
    }

    /* one table row of a finding, with an expander; `cols` says which columns to draw */
    function findingRow(i, tbody, cols, withResourceLink) {
      var res = RES[F.res[i]], rule = RULES[F.rule[i]];
      var tr = h('tr', 'frow');
      var btn = h('button', 'exp', '▸');
      btn.type = 'button';
      btn.setAttribute('aria-expanded', 'false');
      btn.setAttribute('aria-label', 'Details of ' + rule[0] + ' for ' + res[RS_NAME]);
      var stCell = add(h('td'), stBadge(F.st[i])), w = waiverOf(i);
      if (w) {
        stCell.appendChild(w[W_STATE] === 'active'
          ? h('div', 'wv-note', 'until ' + w[W_EXPIRES])
          : h('div', 'wv-note wv-expired', 'waiver expired'));
      }
      add(tr, add(h('td'), btn), add(h('td'), sevBadge(F.sev[i])), stCell);
      add(tr, add(h('td'), h('div', 'rule-id', rule[0]), h('div', 'cell-sub', rule[1])));
      if (cols.res) {
        add(tr, add(h('td'), h('div', 'cell-main', res[RS_NAME]),
          h('div', 'cell-sub', shortType(res[RS_TYPE]) + (res[RS_RG] ? ' · ' + res[RS_RG] : ''))));
      }
      if (cols.sub) add(tr, h('td', 'cell-sub c-sub', subName(res[RS_SUB])));
      add(tr, add(h('td'), h('div', 'clamp', message(i))));
      if (cols.first) add(tr, h('td', 'cell-sub nowrap', F.first[i] >= 0 ? T[F.first[i]].slice(0, 10) : '—'));
      var open = null;
      function toggle() {
        if (open) {
          open.remove();
          open = null;
          tr.classList.remove('open');
          btn.setAttribute('aria-expanded', 'false');
          return;
        }
        open = h('tr', 'drow');
        var td = h('td');
        td.colSpan = tr.children.length;
        open.appendChild(add(td, detail(i, withResourceLink)));
        tr.after(open);
        tr.classList.add('open');
        btn.setAttribute('aria-expanded', 'true');
      }
      tr.addEventListener('click', function (e) {
        if (e.target.closest('a')) return;
        if (e.target !== btn && window.getSelection && String(window.getSelection())) return;
        toggle();
      });
      tbody.appendChild(tr);
      return tr;
    }

    function pager(el, page, pages, go) {
      el.textContent = '';
      if (pages <= 1) return;
      var prev = h('button', 'btn', '‹ Previous'), next = h('button', 'btn', 'Next ›');
      prev.type = next.type = 'button';
      prev.disabled = page <= 0;
      next.disabled = page >= pages - 1;
      prev.addEventListener('click', function () { go(page - 1); });
      next.addEventListener('click', function () { go(page + 1); });
      add(el, prev, h('span', 'page-no', 'Page ' + fmt(page + 1) + ' of ' + fmt(pages)), next);
    }
    function countText(el, from, to, total, noun, all) {
      el.textContent = '';
      if (!total) { el.textContent = 'No ' + noun + ' match the filters.'; return; }
      add(el, document.createTextNode('Showing '), h('strong', null, fmt(from + 1) + '–' + fmt(to)),
        document.createTextNode(' of '), h('strong', null, fmt(total)),
        document.createTextNode(' ' + noun + (all !== total ? ' (' + fmt(all) + ' in total)' : '')));
    }

    /* ---- findings table ------------------------------------------------------------------------- */
    var Findings = (function () {
      var body = $('findings-body');
      if (!body) return null;
      var state = { st: {}, sev: '', cat: '', sub: '', text: '', sort: 'prio', dir: 1, page: 0 };
      var view = [];
      var hasFirst = !!document.querySelector('#findings-table .sort[data-sort="first"]');
      var chips = document.querySelectorAll('#findings-app .chip');
      var catSel = $('f-cat');
      D.categories.forEach(function (c) { var o = h('option', null, c); o.value = c; catSel.appendChild(o); });

      function readChips() {
        state.st = {};
        chips.forEach(function (c) {
          if (c.getAttribute('aria-pressed') === 'true') state.st[ST.indexOf(c.getAttribute('data-status'))] = true;
        });
      }
      function filter() {
        var text = state.text.trim().toLowerCase();
        var terms = text ? text.split(/\s+/) : [];
        var hs = terms.length ? haystack() : null;
        // severity: '' all, '2' exactly medium, '+1' high and above (severities are ordered, critical first)
        var atMost = state.sev.charAt(0) === '+', sev = state.sev === '' ? -1 : +state.sev.replace('+', '');
        var sub = state.sub === '' ? -1 : +state.sub, cat = state.cat;
        var counts = ST.map(function () { return 0; });
        var fSev = F.sev, fRule = F.rule, fRes = F.res, fSt = F.st, shown = state.st;
        view = [];
        for (var i = 0; i < N; i++) {
          if (sev >= 0 && (atMost ? fSev[i] > sev : fSev[i] !== sev)) continue;
          if (cat && RULES[fRule[i]][2] !== cat) continue;
          if (sub >= 0 && RES[fRes[i]][RS_SUB] !== sub) continue;
          if (hs) {
            var s = hs[i], ok = true;
            for (var t = 0; t < terms.length; t++) if (s.indexOf(terms[t]) < 0) { ok = false; break; }
            if (!ok) continue;
          }
          counts[fSt[i]]++;  // each verdict button counts what the other filters leave
          if (!shown[fSt[i]]) continue;
          view.push(i);
        }
        chips.forEach(function (c) {
          c.querySelector('.chip-n').textContent = fmt(counts[ST.indexOf(c.getAttribute('data-status'))]);
        });
        sort();
      }
      // Default order: migration blockers, then other failures, then retirements grouped per service
      // (rule), then the other verdicts; within a group by severity, then report order.
      var FAIL = ST.indexOf('fail');
      function priority(i) {
        var rank = RULES[F.rule[i]][3];
        if (F.st[i] !== FAIL) return 4 + F.st[i];
        if (rank === 0) return F.sev[i] <= SV.indexOf('high') ? 0 : 1;
        return rank === 2 ? 3 : 2;
      }
      function sort() {
        var dir = state.dir, key = state.sort;
        if (key === 'prio') {
          // one number per finding in view: priority, then (retirements) the rule, then severity
          var order = new Float64Array(N);
          view.forEach(function (i) {
            var p = priority(i);
            order[i] = (p * 65536 + (p === 3 ? F.rule[i] : 0)) * 256 + F.sev[i];
          });
          view.sort(function (a, b) { return order[a] - order[b] || a - b; });
        } else if (key === 'sev' || key === 'st') {
          var col = key === 'sev' ? F.sev : F.st;
          view.sort(function (a, b) { return (col[a] - col[b]) * dir || a - b; });
        } else {
          var k = sortKey(key);
          view.sort(function (a, b) { return (k[a] < k[b] ? -1 : k[a] > k[b] ? 1 : 0) * dir || a - b; });
        }
      }
      function render() {
        var pages = Math.max(1, Math.ceil(view.length / PAGE));
        if (state.page >= pages) state.page = pages - 1;
        var from = state.page * PAGE, to = Math.min(view.length, from + PAGE);
        var frag = document.createDocumentFragment();
        for (var j = from; j < to; j++) findingRow(view[j], frag, { res: true, sub: true, first: hasFirst }, true);
        body.textContent = '';
        body.appendChild(frag);
        if (!view.length) {
          var tr = h('tr', 'none'), td = h('td', 'empty', 'No finding matches these filters.');
          td.colSpan = document.querySelectorAll('#findings-table thead th').length;
          body.appendChild(add(tr, td));
        }
        countText($('f-count'), from, to, view.length, 'findings', N);
        var go = function (p) { state.page = p; render(); $('findings').scrollIntoView(); };
        pager($('f-pager'), state.page, pages, go);
        pager($('f-pager-top'), state.page, pages, go);
        document.querySelectorAll('#findings-table th').forEach(function (th) {
          var b = th.querySelector('.sort');
          if (!b) return;
          if (b.getAttribute('data-sort') === state.sort) th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
          else th.removeAttribute('aria-sort');
        });
      }
      function update() { state.page = 0; filter(); render(); }

      chips.forEach(function (c) {
        c.addEventListener('click', function () {
          c.setAttribute('aria-pressed', c.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
          readChips();
          update();
        });
      });
      $('f-sev').addEventListener('change', function (e) { state.sev = e.target.value; update(); });
      catSel.addEventListener('change', function (e) { state.cat = e.target.value; update(); });
      $('f-sub').addEventListener('change', function (e) { state.sub = e.target.value; update(); });
      var onText = debounce(function () { state.text = $('f-text').value; update(); }, 120);
      $('f-text').addEventListener('input', onText);
      $('f-reset').addEventListener('click', function () {
        chips.forEach(function (c) { c.setAttribute('aria-pressed', c.getAttribute('data-status') === 'pass' ? 'false' : 'true'); });
        $('f-sev').value = catSel.value = $('f-sub').value = $('f-text').value = '';
        state.sev = state.cat = state.sub = state.text = '';
        state.sort = 'prio';
        state.dir = 1;
        readChips();
        update();
      });
      document.querySelectorAll('#findings-table .sort').forEach(function (b) {
        b.addEventListener('click', function () {
          var key = b.getAttribute('data-sort');
          if (state.sort === key) state.dir = -state.dir;
          else { state.sort = key; state.dir = 1; }
          state.page = 0;
          sort();
          render();
        });
      });
      readChips();
      update();
      return { refresh: update };
    })();

    /* ---- resources ------------------------------------------------------------------------------ */
    var Resources = (function () {
      var list = $('res-list');
      if (!list) return { focus: function () {} };
      var state = { rd: 'classic', sub: '', text: '', page: 0, only: -1 };
      var stats = null, resHay = null, view = [], expanded = {};

      function computeStats() {
        if (stats) return stats;
        stats = new Array(RES.length);
        var idx = resourceIndex();
        for (var j = 0; j < RES.length; j++) {
          var c = [0, 0, 0, 0, 0];
          for (var k = 0; k < idx[j].length; k++) c[F.st[idx[j][k]]]++;
          stats[j] = c;
        }
        return stats;
      }
      function hayFor(j) {
        if (!resHay) {
          resHay = RES.map(function (r) {
            return [r[RS_NAME], r[RS_ID], r[RS_TYPE], r[RS_RG], r[RS_LOC], subName(r[RS_SUB])].join('\n').toLowerCase();
          });
        }
        return resHay[j];
      }
      function filter() {
        var s = computeStats();
        var terms = state.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
        var sub = state.sub === '' ? -1 : +state.sub;
        view = [];
        for (var j = 0; j < RES.length; j++) {
          var rd = RES[j][RS_RD];
          if (state.only >= 0) { if (j === state.only) view.push(j); continue; }
          if (state.rd === 'classic' ? rd === 0 : state.rd !== 'all' && rd !== +state.rd) continue;
          if (sub >= 0 && RES[j][RS_SUB] !== sub) continue;
          if (terms.length) {
            var hs = hayFor(j), ok = true;
            for (var t = 0; t < terms.length; t++) if (hs.indexOf(terms[t]) < 0) { ok = false; break; }
            if (!ok) continue;
          }
          view.push(j);
        }
        var rank = [5, 0, 1, 2, 3];
        view.sort(function (a, b) {
          return rank[RES[a][RS_RD]] - rank[RES[b][RS_RD]] || s[b][0] - s[a][0] || s[b][1] - s[a][1] ||
            (RES[a][RS_NAME].toLowerCase() < RES[b][RS_NAME].toLowerCase() ? -1 : RES[a][RS_NAME].toLowerCase() > RES[b][RS_NAME].toLowerCase() ? 1 : a - b);
        });
      }
      function body(j) {
        var res = RES[j], box = h('div', 'res-body');
        var dl = h('dl', 'facts');
        fact(dl, 'Resource id', add(h('code'), document.createTextNode(res[RS_ID])));
        fact(dl, 'Type', res[RS_TYPE]);
        if (res[RS_SUB] >= 0) fact(dl, 'Subscription', SUBS[res[RS_SUB]][1] ? SUBS[res[RS_SUB]][1] + ' (' + SUBS[res[RS_SUB]][0] + ')' : SUBS[res[RS_SUB]][0]);
        fact(dl, 'Resource group', res[RS_RG]);
        fact(dl, 'Location', res[RS_LOC]);
        box.appendChild(dl);
        if (portalUrl(res)) {
          var a = safeLink(portalUrl(res), 'Open in the Azure portal');
          a.className = 'btn';
          box.appendChild(add(h('div', 'actions'), a));
        }
        var rows = resourceIndex()[j].slice().sort(function (a, b) {
          return F.st[a] - F.st[b] || F.sev[a] - F.sev[b] || a - b;
        });
        var wrap = h('div', 'table-wrap'), t = h('table', 'findings'), tb = h('tbody');
        var head = h('tr');
        ['', 'Severity', 'Verdict', 'Rule', 'Finding'].forEach(function (n) {
          var th = h('th', null, null);
          th.scope = 'col';
          add(th, n ? h('span', 'sort-static', n) : h('span', 'sr', 'Details'));
          head.appendChild(th);
        });
        var cg = h('colgroup');
        ['c-exp', 'c-sev', 'c-st', 'c-rule', 'c-msg'].forEach(function (c) { cg.appendChild(h('col', c)); });
        add(t, cg, add(h('thead'), head), tb);
        rows.forEach(function (i) { findingRow(i, tb, {}, false); });
        box.appendChild(add(wrap, t));
        return box;
      }
      function item(j) {
        var res = RES[j], c = stats[j];
        var li = h('li');
        var btn = h('button', 'res-head');
        btn.type = 'button';
        btn.setAttribute('aria-expanded', expanded[j] ? 'true' : 'false');
        var counts = h('span', 'res-counts');
        for (var k = 0; k < ST.length; k++) if (c[k]) counts.appendChild(h('span', 'cnt cnt-' + ST[k], fmt(c[k]) + ' ' + ST[k]));
        add(btn, h('span', 'caret', '▸'), h('span', 'rd rd-' + res[RS_RD], READINESS[res[RS_RD]]),
          add(h('span'), h('div', 'cell-main', res[RS_NAME]), h('div', 'cell-sub', shortType(res[RS_TYPE]))),
          h('span', 'cell-sub res-where', [subName(res[RS_SUB]), res[RS_RG], res[RS_LOC]].filter(Boolean).join(' · ')),
          counts);
        li.appendChild(btn);
        var panel = null;
        function show(on) {
          if (panel) { panel.remove(); panel = null; }
          if (on) { panel = body(j); li.appendChild(panel); }
          btn.setAttribute('aria-expanded', on ? 'true' : 'false');
          if (on) expanded[j] = true; else delete expanded[j];
        }
        btn.addEventListener('click', function () { show(!panel); });
        if (expanded[j]) show(true);
        return li;
      }
      function render() {
        var pages = Math.max(1, Math.ceil(view.length / PAGE));
        if (state.page >= pages) state.page = pages - 1;
        var from = state.page * PAGE, to = Math.min(view.length, from + PAGE);
        var frag = document.createDocumentFragment();
        for (var k = from; k < to; k++) frag.appendChild(item(view[k]));
        list.textContent = '';
        list.appendChild(frag);
        if (!view.length) list.appendChild(h('li', 'empty', 'No resource matches these filters.'));
        countText($('r-count'), from, to, view.length, 'resources', RES.length);
        if (state.only >= 0) {
          var clear = h('button', 'btn btn-quiet', 'Show all resources');
          clear.type = 'button';
          clear.addEventListener('click', function () { state.only = -1; update(); });
          $('r-count').appendChild(clear);
        }
        var go = function (p) { state.page = p; render(); $('resources').scrollIntoView(); };
        pager($('r-pager'), state.page, pages, go);
        pager($('r-pager-top'), state.page, pages, go);
      }
      function update() { state.page = 0; filter(); render(); }
      $('r-state').addEventListener('change', function (e) { state.rd = e.target.value; state.only = -1; update(); });
      $('r-sub').addEventListener('change', function (e) { state.sub = e.target.value; state.only = -1; update(); });
      var onText = debounce(function () { state.text = $('r-text').value; state.only = -1; update(); }, 120);
      $('r-text').addEventListener('input', onText);
      update();
      return {
        focus: function (j) {
          state.only = j;
          expanded[j] = true;
          update();
          $('resources').scrollIntoView();
        }
      };
    })();
    void Findings;

    /* ---- links from the Changes section to the resource view ------------------------------------ */
    document.addEventListener('click', function (e) {
      var a = e.target.closest ? e.target.closest('a.res-link[data-res]') : null;
      if (!a) return;
      var j = parseInt(a.getAttribute('data-res'), 10);
      if (!(j >= 0 && j < RES.length)) return;
      e.preventDefault();
      Resources.focus(j);
    });

    /* ---- migration plan: unit cards drawn from the plan data once the first findings are on screen,
       a unit's details when it is opened, every unit (cards and details) for print -------------- */
    (function () {
      var box = $('plan-units');
      var all = $('units-all');
      if (!box) { if (all) all.hidden = true; return; }
      // cards are drawn in slices of this many, each its own task (about 35 ms at 100k resources on
      // the bench machine), so the page answers in between
      var SLICE = 300;
      var P = null, C = null, drawn = 0, printing = null, printWanted = false;
      function plan() { return P; }
      function unitLinks(list) {
        if (!list.length) return document.createTextNode('—');
        var span = h('span');
        list.forEach(function (d, k) {
          var a = h('a', null, '#' + d[0] + ' ' + d[1]);
          a.href = '#unit-' + d[0];
          if (k) span.appendChild(document.createTextNode(', '));
          span.appendChild(a);
        });
        return span;
      }
      // rows: [rule id, title, status, [resource names]]
      function ruleList(rows, kind, showStatus) {
        var ul = h('ul', 'plan-rules plan-rules-' + kind);
        rows.forEach(function (r) {
          var li = h('li'), a = h('a', 'rule-id', r[0]);
          a.href = '#rule-' + r[0];
          add(li, a, document.createTextNode(' '), h('span', 'plan-rule-title', r[1]));
          if (showStatus && r[2] !== 'fail') add(li, document.createTextNode(' '), h('span', 'st st-' + r[2], cap(r[2])));
          if (r[3].length) li.appendChild(h('span', 'plan-rule-res', r[3].join(', ')));
          ul.appendChild(li);
        });
        return ul;
      }
      function runbook(u) {
        var box = h('div', 'runbook collapsed');
        var btn = h('button', 'runbook-toggle no-print');
        btn.type = 'button';
        btn.setAttribute('aria-expanded', 'false');
        add(btn, h('span', 'caret', '▸'), document.createTextNode(' Runbook: ' + u.runbook));
        btn.addEventListener('click', function () {
          var open = btn.getAttribute('aria-expanded') !== 'true';
          btn.setAttribute('aria-expanded', open ? 'true' : 'false');
          box.classList.toggle('collapsed', !open);
        });
        var ol = h('ol', 'runbook-body');
        u.steps.forEach(function (s) { ol.appendChild(runbookStep(s, 'rb-step rb-' + s[0].split(' ')[0])); });
        return add(box, btn, h('h5', 'print-only', 'Runbook'), ol);
      }
      // a runbook step, a unit's own or one printed per kind: [step, note, PowerShell, CLI]
      function runbookStep(s, cls) {
        var label = add(h('div', 'rb-label'), h('span', 'rb-name', cap(s[0])), s[1] ? h('span', 'rb-note', s[1]) : null);
        var code = h('div', 'rb-code');
        if (s[2]) add(code, h('div', 'rb-lang', 'PowerShell'), add(h('pre'), h('code', null, s[2])));
        if (s[3]) add(code, h('div', 'rb-lang', 'CLI'), add(h('pre'), h('code', null, s[3])));
        return add(h('li', cls), label, code);
      }
      function body(u) {
        var box = h('div', 'unit-more-body');
        var links = h('dl', 'unit-facts unit-links');
        fact(links, 'Depends on', unitLinks(u.deps));
        if (u.next.length) fact(links, 'Followed by', unitLinks(u.next));
        var grid = h('div', 'unit-body'), issues = h('div', 'unit-issues'), impact = h('div', 'unit-impact');
        if (u.blockers.length) add(issues, h('h5', null, 'Blockers'), ruleList(u.blockers, 'blocked', true));
        if (u.unknowns.length) add(issues, h('h5', null, 'Unknown: could not be evaluated'), ruleList(u.unknowns, 'unknown', false));
        if (u.preparation.length) add(issues, h('h5', null, 'Preparation'), ruleList(u.preparation, 'prep', true));
        if (u.empty) add(issues, h('h5', null, 'Findings'), h('p', 'empty', u.empty));
        if (u.note) issues.appendChild(h('p', 'small muted', u.note));
        var dl = h('dl', 'facts');
        fact(dl, 'Management lock', u.lockApplies ? h('strong', null, u.lock) : u.lock);
        fact(dl, 'Data plane', u.dataPlane);
        if (u.impact) dl.lastChild.className = 'impact';
        add(impact, h('h5', null, 'Downtime'), dl);
        if (u.creates.length) {
          var tb = h('tbody');
          // creates: [count, type, name or null (chosen by the platform)]
          u.creates.forEach(function (c) {
            var name = h('td', 'create-name');
            name.appendChild(c[2] === null ? h('span', 'platform', 'chosen by the platform') : h('code', null, c[2]));
            add(tb, add(h('tr'), h('td', 'num', fmt(c[0]) + ' ×'), h('td', null, c[1]), name));
          });
          add(impact, h('h5', null, 'Azure will create'), add(h('table', 'creates'), tb));
        }
        add(grid, issues, impact);
        // resources: [name, type (index in types), index in the findings data or -1]
        var res = h('div', 'unit-res-wrap');
        res.appendChild(h('h5', null, 'Resources in this unit (' + fmt(u.res.length) + ')'));
        if (u.res.length) {
          var ul = h('ul', 'unit-res'), types = plan().types;
          u.res.forEach(function (r) {
            var name;
            if (r[2] >= 0 && r[2] < RES.length) {
              name = h('a', 'res-link', r[0]);
              name.href = '#resources';
              name.setAttribute('data-res', String(r[2]));
              name.title = 'All verdicts for this resource';
            } else name = h('span', 'res-name', r[0]);
            ul.appendChild(add(h('li'), name, h('span', 'res-type', shortType(types[r[1]] || ''))));
          });
          res.appendChild(ul);
        } else res.appendChild(h('p', 'empty', 'None of its resources is in the scan.'));
        add(box, links, grid, res);
        if (u.steps.length) box.appendChild(runbook(u));
        return box;
      }
      function draw(d) {
        if (d.getAttribute('data-drawn')) return;
        var u = plan().units[+d.getAttribute('data-unit')];
        if (!u) return;
        d.setAttribute('data-drawn', 'true');
        d.appendChild(body(u));
      }
      function open(d, on) {
        if (on) draw(d);
        d.open = on;
      }

      /* A unit's card, as the server wrote it before the cards moved to the data: the plan-data block's
         `cards` (reports/plan_view.py _cards) holds tables `states` [[state, label]], `kinds` [label],
         `envs` [[environment, label]], `subs` [[id, name]], `rules` [[CSS kind, label]], and per unit
         a row [order, name, state, kind, environment, subscription (indexes in those tables), location,
         wave, VM count, resources count, expected lock, [rule summary per entry of `rules`, '' for none]]. */
      var K_ORDER = 0, K_NAME = 1, K_STATE = 2, K_KIND = 3, K_ENV = 4, K_SUB = 5, K_LOC = 6, K_WAVE = 7, K_VMS = 8,
        K_RES = 9, K_LOCK = 10, K_RULES = 11;
      function card(i) {
        var c = C.rows[i], state = C.states[c[K_STATE]], env = C.envs[c[K_ENV]], sub = C.subs[c[K_SUB]];
        var hasRules = c[K_RULES].some(Boolean);
        var article = h('article', 'unit unit-' + state[0] + (hasRules ? ' unit-has-rules' : ''));
        article.id = 'unit-' + c[K_ORDER];
        add(article, add(h('header', 'unit-head'),
          h('span', 'unit-order', '#' + c[K_ORDER]),
          h('h4', 'unit-name', c[K_NAME]),
          h('span', 'ps ps-' + state[0], state[1]),
          h('span', 'tag', C.kinds[c[K_KIND]]),
          h('span', 'tag tag-env-' + env[0], env[1])));
        var dl = h('dl', 'unit-facts');
        // dt and dd are inline: the spaces between them are part of the layout
        function item(label, value) {
          if (dl.firstChild) dl.appendChild(document.createTextNode(' '));
          add(dl, h('dt', null, label), document.createTextNode(' '),
            value instanceof Node ? add(h('dd'), value) : h('dd', null, value));
        }
        item('Subscription', subscription(sub));
        item('Location', c[K_LOC]);
        item('Wave', c[K_WAVE]);
        item('VMs', fmt(c[K_VMS]));
        item('Resources', fmt(c[K_RES]));
        item('Lock', c[K_LOCK]);
        article.appendChild(dl);
        if (hasRules) {
          var p = h('p', 'unit-rules');
          c[K_RULES].forEach(function (text, k) {
            if (text) p.appendChild(h('span', 'ur ur-' + C.rules[k][0], C.rules[k][1] + ': ' + text));
          });
          article.appendChild(p);
        }
        var more = h('details', 'unit-more');
        more.setAttribute('data-unit', String(i));
        more.appendChild(h('summary', null, 'Resources, findings, downtime and runbook'));
        return add(article, more);
      }
      function subscription(sub) {
        var where = document.createDocumentFragment();
        if (sub[1]) add(where, h('span', 'sub-name', sub[1]), document.createTextNode(' '));
        return add(where, h('code', 'sub-id', sub[0]));
      }
      /* The printed runbooks, once per kind of unit (P.runbooks, reports/plan_view.py print_runbooks):
         [kind label, [[Step, note, PowerShell, CLI]], [indexes in C.rows of the units of that kind]]. */
      function drawRunbooks() {
        var place = $('plan-runbooks');
        if (!place || place.getAttribute('data-drawn') || !P.runbooks) return;
        var frag = document.createDocumentFragment();
        P.runbooks.forEach(function (rb) {
          var head = h('tr');
          ['#', '<name>', 'Subscription'].forEach(function (n) {
            var th = h('th', null, n);
            th.scope = 'col';
            head.appendChild(th);
          });
          var tb = h('tbody');
          rb[2].forEach(function (i) {
            var c = C.rows[i];
            add(tb, add(h('tr'), h('td', null, c[K_ORDER]), h('td', 'break', c[K_NAME]),
              add(h('td', 'break'), subscription(C.subs[c[K_SUB]]))));
          });
          var ol = h('ol', 'rb-steps');
          rb[1].forEach(function (st) { ol.appendChild(runbookStep(st, 'rb-step')); });
          add(frag, h('h4', null, rb[0]), add(h('table', 'print-table rb-units'), add(h('thead'), head), tb), ol);
        });
        place.textContent = '';
        place.appendChild(frag);
        place.setAttribute('data-drawn', 'true');
      }
      // cards up to (not including) index `to`; the container's note gives way to the first
      function drawCards(to) {
        if (!C || drawn >= to) return;
        if (!drawn) box.textContent = '';
        var frag = document.createDocumentFragment();
        for (; drawn < to; drawn++) frag.appendChild(card(drawn));
        box.appendChild(frag);
        if (drawn === C.rows.length) {
          box.setAttribute('data-drawn', 'true');
          sync();
        }
      }
      function allCards() { if (C) drawCards(C.rows.length); }
      function nextSlice() {
        if (!C || drawn >= C.rows.length) return;
        drawCards(Math.min(C.rows.length, drawn + SLICE));
        setTimeout(nextSlice, 0);
      }
      function unitBox(order) {
        var article = $('unit-' + order);
        return article && article.querySelector('details.unit-more');
      }
      function sync() {
        if (!all || !C) return;
        var n = box.querySelectorAll('details.unit-more[open]').length;
        var every = n === C.rows.length;
        all.setAttribute('aria-pressed', every ? 'true' : 'false');
        all.textContent = every ? 'Close all units' : 'Open all units';
      }
      // 'toggle' does not bubble: caught on its way down to the unit's details
      box.addEventListener('toggle', function (e) {
        var d = e.target;
        if (!d.matches || !d.matches('details.unit-more')) return;
        if (d.open) draw(d);
        if (!printing) sync();
      }, true);
      if (all) {
        all.addEventListener('click', function () {
          allCards();
          var on = all.getAttribute('aria-pressed') !== 'true';
          box.querySelectorAll('details.unit-more').forEach(function (d) {
            open(d, on);
            if (on) d.querySelectorAll('.runbook-toggle[aria-expanded="false"]').forEach(function (b) { b.click(); });
          });
          sync();
        });
      }
      // a link to a unit (the order diagram, depends on / followed by) opens it; the cards are drawn
      // first when they are not all there yet, so that the browser finds the link's target
      document.addEventListener('click', function (e) {
        var a = e.target.closest ? e.target.closest('a') : null;
        var m = a && /^#unit-(\d+)$/.exec(a.getAttribute('href') || '');
        if (!m) return;
        allCards();
        var d = unitBox(m[1]);
        if (d && !d.open) open(d, true);
      });
      // the page opened (or moved) to #unit-N: the unit opened, in view
      function toHash() {
        var m = /^#unit-(\d+)$/.exec(location.hash);
        if (!m || !C) return;
        allCards();
        var d = unitBox(m[1]);
        if (!d) return;
        if (!d.open) open(d, true);
        d.parentNode.scrollIntoView();
      }
      window.addEventListener('hashchange', toHash);
      // print: every card drawn, every unit opened and drawn (runbooks expand by CSS) and the runbooks
      // once per kind drawn; the units are closed again afterwards. Asked before the plan data is
      // decoded, it happens when it is.
      function beforePrint() {
        if (printing) return;
        if (!C) { printWanted = true; return; }
        allCards();
        drawRunbooks();
        printing = [];
        box.querySelectorAll('details.unit-more').forEach(function (d) {
          if (!d.open) { printing.push(d); open(d, true); } else draw(d);
        });
      }
      function afterPrint() {
        printWanted = false;
        if (!printing) return;
        var opened = printing;
        printing = null;
        opened.forEach(function (d) { d.open = false; });
      }
      window.addEventListener('beforeprint', beforePrint);
      window.addEventListener('afterprint', afterPrint);
      var media = window.matchMedia ? window.matchMedia('print') : null;
      if (media) {
        var onMedia = function (e) { if (e.matches) beforePrint(); else afterPrint(); };
        if (media.addEventListener) media.addEventListener('change', onMedia);
        else if (media.addListener) media.addListener(onMedia);
      }
      function start(data) {
        P = data || { types: [], units: [], cards: null };
        C = P.cards;
        if (!C) return;
        if (printWanted || (media && media.matches)) beforePrint();
        else toHash();
        nextSlice();  // the cards a print or #unit-N did not need drawn already
      }
      // planBlock resolves after the first findings page is painted (see unpack('scan-data') above)
      planBlock.then(start, unreadable);
    })();
  }
})();
