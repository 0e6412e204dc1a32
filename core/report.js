/* alinea report: draws the sentence pairs and the glossary from the JSON block. No request
   leaves the page; all dataset text goes in through textContent, never as markup. */
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const [L1, L2] = data.langs;
  const PAIRS_PER_PAGE = 25;
  const ENTRIES_PER_PAGE = 50;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  const count = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

  function pager(nav, total, size, page, go) {
    nav.replaceChildren();
    const pages = Math.max(1, Math.ceil(total / size));
    if (pages === 1) return;
    const previous = el("button", { type: "button", disabled: page === 0 }, "← Previous");
    const next = el("button", { type: "button", disabled: page >= pages - 1 }, "Next →");
    previous.addEventListener("click", () => go(page - 1));
    next.addEventListener("click", () => go(page + 1));
    nav.append(previous, el("span", {}, `Page ${page + 1} of ${pages}`), next);
  }

  /* ---- sentence pairs ---- */

  function offsets(text, tokens) {
    const found = [];
    let cursor = 0;
    for (const token of tokens) {
      const at = text.indexOf(token, cursor);
      if (at < 0) return null;
      found.push(at);
      cursor = at + token.length;
    }
    return found;
  }

  function sideNode(pair, side) {
    const lang = data.langs[side];
    const text = pair.text[side];
    const box = el("p", { class: "side", lang: lang }, el("span", { class: "lang" }, lang));
    if (!pair.tokens) {
      box.append(text);
      return box;
    }
    const tokens = pair.tokens[side];
    const other = pair.tokens[1 - side];
    const where = offsets(text, tokens);
    const partners = tokens.map(() => []);
    for (const [i, j, score] of pair.links) {
      const [mine, theirs] = side === 0 ? [i, j] : [j, i];
      if (mine < partners.length) partners[mine].push([theirs, score]);
    }
    let cursor = 0;
    tokens.forEach((token, k) => {
      if (where) {
        if (where[k] > cursor) box.append(text.slice(cursor, where[k]));
        cursor = where[k] + token.length;
      } else if (k) {
        box.append(" ");
      }
      const linked = partners[k];
      const title = linked.length
        ? linked.map(([t, s]) => `↔ ${other[t]} (${s.toFixed(2)})`).join(", ")
        : "no link";
      box.append(el("span", {
        class: linked.length ? "tok has-link" : "tok",
        "data-side": side, "data-k": k, title: title,
      }, token));
    });
    if (where) box.append(text.slice(cursor));
    return box;
  }

  function highlightLinks(article, pair, token, on) {
    const side = Number(token.dataset.side);
    const k = Number(token.dataset.k);
    token.classList.toggle("active", on);
    for (const [i, j] of pair.links) {
      const [mine, theirs] = side === 0 ? [i, j] : [j, i];
      if (mine !== k) continue;
      const target = article.querySelector(`.tok[data-side="${1 - side}"][data-k="${theirs}"]`);
      if (target) target.classList.toggle("linked", on);
    }
  }

  function pairNode(pair) {
    const bar = el("span", { class: "scorebar", "aria-hidden": "true" },
      el("span", {}));
    bar.firstChild.style.width = `${Math.round(pair.score * 100)}%`;
    const meta = el("p", { class: "meta" },
      "score ", el("strong", {}, pair.score.toFixed(3)), bar,
      " · kind ", el("strong", {}, pair.kind), " · ", el("code", {}, pair.id));
    const article = el("article", { class: "pair", "aria-label": `pair ${pair.id}` }, meta,
      el("div", { class: "sides" }, sideNode(pair, 0), sideNode(pair, 1)));
    if (pair.tokens) {
      const list = el("ol", {});
      for (const [i, j, score] of pair.links) {
        list.append(el("li", {}, `${pair.tokens[0][i]} ↔ ${pair.tokens[1][j]} (${score.toFixed(2)})`));
      }
      article.append(el("details", {}, el("summary", {}, `word links (${pair.links.length})`), list));
      for (const kind of ["mouseover", "mouseout"]) {
        article.addEventListener(kind, (event) => {
          const token = event.target.closest(".tok");
          if (token) highlightLinks(article, pair, token, kind === "mouseover");
        });
      }
    }
    return article;
  }

  function docLabel(lang, docId) {
    const title = data.titles[docId];
    return el("span", { lang: lang }, `${lang}: `, el("code", {}, docId), title ? ` ${title}` : "");
  }

  function showPairs(page) {
    const list = document.getElementById("pairs-list");
    list.replaceChildren();
    const shown = data.pairs.slice(page * PAIRS_PER_PAGE, (page + 1) * PAIRS_PER_PAGE);
    let key = null;
    let group = null;
    for (const pair of shown) {
      const here = pair.docs.join("\u0000");
      if (here !== key) {
        key = here;
        group = el("section", { class: "docpair" },
          el("h3", {}, docLabel(L1, pair.docs[0]), " — ", docLabel(L2, pair.docs[1])));
        list.append(group);
      }
      group.append(pairNode(pair));
    }
    if (!data.pairs.length) list.append(el("p", {}, "This dataset has no sentence pairs."));
    pager(document.getElementById("pairs-pager"), data.pairs.length, PAIRS_PER_PAGE, page,
      (next) => { showPairs(next); document.getElementById("pairs-title").scrollIntoView(); });
  }

  /* ---- glossary ---- */

  const entries = data.entries.map((entry) => ({
    entry: entry,
    key: fold([L1, L2].flatMap((lang) => [entry[lang].term, ...entry[lang].variants]).join("\n")),
  }));
  const state = { query: "", type: "", status: "", sort: "score", descending: true, page: 0 };
  const opened = new Set();
  const sortValue = {
    score: (e) => e.score, type: (e) => e.type, status: (e) => e.status,
    [L1]: (e) => fold(e[L1].term), [L2]: (e) => fold(e[L2].term),
    [`${L1}_freq`]: (e) => e[L1].freq, [`${L2}_freq`]: (e) => e[L2].freq,
  };

  function matching() {
    const query = fold(state.query.trim());
    const found = entries.filter(({ entry, key }) =>
      (!query || key.includes(query)) &&
      (!state.type || entry.type === state.type) &&
      (!state.status || entry.status === state.status)).map(({ entry }) => entry);
    const value = sortValue[state.sort];
    const sign = state.descending ? -1 : 1;
    return found.sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      if (x < y) return -sign;
      if (x > y) return sign;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  }

  function marked(text, spans) {
    const chars = Array.from(text); // spans count code points, as Python does
    const out = el("span", {});
    let last = 0;
    for (const [start, end] of spans) {
      out.append(chars.slice(last, start).join(""), el("mark", {}, chars.slice(start, end).join("")));
      last = end;
    }
    out.append(chars.slice(last).join(""));
    return out;
  }

  function termCell(side) {
    const variants = side.variants.length
      ? el("span", { class: "variants" }, `variants: ${side.variants.join(", ")}`) : null;
    return [side.term || "—", variants];
  }

  function detailRow(entry) {
    const box = el("div", { class: "concordance" });
    for (const lang of data.langs) {
      const side = entry[lang];
      box.append(el("h4", {},
        `${lang}: ${side.term || "—"} · ${count(side.freq, "occurrence")} in ` +
        `${count(side.docs, "document")}`));
      if (!side.lines.length) {
        box.append(el("p", { class: "note" }, "no concordance line"));
        continue;
      }
      const list = el("ol", { lang: lang });
      for (const [index, spans] of side.lines) {
        const [sentId, text] = data.sentences[index];
        list.append(el("li", {}, el("span", { class: "sid" }, sentId), marked(text, spans)));
      }
      box.append(list);
    }
    return el("tr", { class: "detail", id: `detail-${entry.id}` },
      el("td", { colspan: "8" }, box));
  }

  function entryRows(entry) {
    const isOpen = opened.has(entry.id);
    const label = `${isOpen ? "Close" : "Open"} ${entry[L1].term || "—"} / ${entry[L2].term || "—"}`;
    const button = el("button", {
      type: "button", class: "open", "aria-expanded": String(isOpen),
      "aria-controls": isOpen ? `detail-${entry.id}` : null, "aria-label": label,
      "data-id": entry.id,
    }, isOpen ? "−" : "+");
    button.addEventListener("click", () => {
      if (opened.has(entry.id)) opened.delete(entry.id); else opened.add(entry.id);
      showGlossary(false);
      const again = document.querySelector(`button.open[data-id="${CSS.escape(entry.id)}"]`);
      if (again) again.focus();
    });
    button.addEventListener("keydown", moveBetweenRows);
    const row = el("tr", { "data-id": entry.id },
      el("td", {}, button),
      el("td", { lang: L1 }, ...termCell(entry[L1])),
      el("td", { lang: L2 }, ...termCell(entry[L2])),
      el("td", {}, entry.type), el("td", {}, entry.status),
      el("td", { class: "num" }, entry.score.toFixed(3)),
      el("td", { class: "num" }, String(entry[L1].freq)),
      el("td", { class: "num" }, String(entry[L2].freq)));
    return isOpen ? [row, detailRow(entry)] : [row];
  }

  function moveBetweenRows(event) {
    const buttons = Array.from(document.querySelectorAll("#glossary-table button.open"));
    const at = buttons.indexOf(event.currentTarget);
    const target = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    if (target < 0) document.getElementById("filter").focus();
    else if (target < buttons.length) buttons[target].focus();
  }

  function showGlossary(resetPage) {
    if (resetPage) state.page = 0;
    const found = matching();
    const pages = Math.max(1, Math.ceil(found.length / ENTRIES_PER_PAGE));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * ENTRIES_PER_PAGE;
    const shown = found.slice(start, start + ENTRIES_PER_PAGE);
    const body = document.querySelector("#glossary-table tbody");
    body.replaceChildren(...shown.flatMap(entryRows));
    const of = entries.length === data.entriesTotal
      ? `${entries.length}` : `${entries.length} embedded (of ${data.entriesTotal})`;
    document.getElementById("glossary-count").textContent = found.length
      ? `Entries ${start + 1}–${start + shown.length} of ${found.length} matching, ${of} in all.`
      : `No entry matches (${of} in all).`;
    for (const th of document.querySelectorAll("#glossary-table th[data-sort]")) {
      if (th.dataset.sort === state.sort) {
        th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    }
    pager(document.getElementById("glossary-pager"), found.length, ENTRIES_PER_PAGE, state.page,
      (next) => { state.page = next; showGlossary(false); });
  }

  const filter = document.getElementById("filter");
  filter.addEventListener("input", () => { state.query = filter.value; showGlossary(true); });
  filter.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      const first = document.querySelector("#glossary-table button.open");
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Escape") {
      filter.value = ""; state.query = ""; showGlossary(true);
    }
  });
  document.querySelector("form.filters").addEventListener("submit", (e) => e.preventDefault());
  for (const [id, field] of [["type-filter", "type"], ["status-filter", "status"]]) {
    const select = document.getElementById(id);
    select.addEventListener("change", () => { state[field] = select.value; showGlossary(true); });
  }
  for (const th of document.querySelectorAll("#glossary-table th[data-sort]")) {
    th.querySelector("button").addEventListener("click", () => {
      const key = th.dataset.sort;
      const numeric = key === "score" || key.endsWith("_freq");
      state.descending = state.sort === key ? !state.descending : numeric;
      state.sort = key;
      showGlossary(true);
    });
  }

  showPairs(0);
  showGlossary(true);
})();
