/* Partners in the header search of every page.
 *
 * Material's search box searches the handbook through its lunr index; partners are left out
 * of that index, which would grow with every partner. Instead, this script answers the same
 * box from the locator's own data (see generator/site/locator_index.py): `names.json`, a
 * small file under a fixed name, fetched when the box is first focused or typed in, then the
 * term shards of the letters typed and the card chunks of the partners found, the same files
 * the locator loads.
 *
 * The partners found, and a "Search all partners for ..." entry that opens the locator with
 * the query, are shown in a list of their own inside Material's result panel, between its
 * count line and its result list. Material empties and refills only its own list, so this one
 * survives every new result; its links are reached with the arrow keys like Material's own.
 * Events are listened to on the document, so instant navigation needs nothing further.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.src) return;
  const assets = new URL(".", script.src);
  const namesUrl = new URL("data/names.json", assets).href;
  const rootUrl = new URL("../../", assets);
  const QUERY = "[data-md-component=search-query]";
  const RESULT = "[data-md-component=search-result]";
  const SHOWN = 5;
  const MAX_TERMS = 8;

  // As fold() in locator_index.py and locator.js.
  const PLAIN = {
    "\u00f8": "o",
    "\u00e6": "ae",
    "\u0153": "oe",
    "\u00df": "ss",
    "\u0111": "d",
    "\u00f0": "d",
    "\u0142": "l",
    "\u00fe": "th",
    "\u0131": "i",
    "\u0127": "h",
  };

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
      .replace(/[\u00f8\u00e6\u0153\u00df\u0111\u00f0\u0142\u00fe\u0131\u0127]/g, (c) => PLAIN[c]);
  }

  function tokens(text) { return fold(text).match(/[\p{L}\p{N}]+/gu) || []; }

  let names = null;
  const shards = new Map();
  const chunks = new Map();
  let sequence = 0;

  async function fetchOk(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${response.status} ${url}`);
    return response;
  }

  function cached(map, key, load) {
    if (!map.has(key)) {
      const pending = load();
      pending.catch(() => map.delete(key));
      map.set(key, pending);
    }
    return map.get(key);
  }

  function loadNames() {
    if (!names) {
      names = fetchOk(namesUrl).then((r) => r.json()).then((data) => ({
        ...data, stop: new Set(data.stop), shardKeys: Object.keys(data.terms),
      }));
      names.catch(() => { names = null; });
    }
    return names;
  }

  function loadShard(data, key) {
    return cached(shards, key, async () => {
      const text = await (await fetchOk(new URL(data.terms[key], namesUrl).href)).text();
      return text.split("\n").filter(Boolean).map((line) => line.split("\t"));
    });
  }

  function loadChunk(data, number) {
    // A chunk's name holds the digest of its group of chunks (names.json lists them).
    const digest = data.cards.digests[Math.floor(number / data.cards.group)];
    return cached(chunks, number, async () => (
      await fetchOk(new URL(`cards-${digest}-${number}.json`, namesUrl).href)).json());
  }

  function numbers(text) {
    const out = [];
    if (!text) return out;
    let number = -1;
    for (const gap of text.split(",")) {
      number += parseInt(gap, 36);
      out.push(number);
    }
    return out;
  }

  // Partners whose name has a word starting with every query word; whole words rank first.
  async function findPartners(query) {
    const data = await loadNames();
    const words = tokens(query).slice(0, MAX_TERMS);
    const terms = words.filter((w, i) => !data.stop.has(w) || i === words.length - 1);
    if (!terms.length) return { data, terms, found: [], total: 0 };
    let scores = null;
    for (const term of terms) {
      const keys = data.shardKeys.filter((k) => k.startsWith(term) || term.startsWith(k));
      const lines = (await Promise.all(keys.map((k) => loadShard(data, k)))).flat();
      const best = new Map();
      for (const [word, inName] of lines) {
        if (!word.startsWith(term)) continue;
        const score = word === term ? 2 : 1;
        for (const n of numbers(inName)) best.set(n, Math.max(best.get(n) || 0, score));
      }
      if (scores === null) {
        scores = best;
      } else {
        for (const [n, score] of scores) {
          if (best.has(n)) scores.set(n, score + best.get(n));
          else scores.delete(n);
        }
      }
    }
    const ranked = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([n]) => n);
    const size = data.cards.size;
    const top = ranked.slice(0, SHOWN);
    const loaded = new Map(await Promise.all([...new Set(top.map((n) => Math.floor(n / size)))]
      .map(async (c) => [c, await loadChunk(data, c)])));
    const found = top.map((n) => loaded.get(Math.floor(n / size))[n % size]);
    return { data, terms, found, total: ranked.length };
  }

  // Directory URLs or not: as the site's own link to the locator is written.
  function pageUrl(path) {
    const plain = new URL(`${path}/`, rootUrl);
    const file = new URL(`${path}/index.html`, rootUrl);
    for (const link of document.querySelectorAll("a[href]")) {
      const target = new URL(link.href);
      if (target.pathname === new URL("partners/index.html", rootUrl).pathname) return file;
      if (target.pathname === new URL("partners/", rootUrl).pathname) return plain;
    }
    const here = location.pathname;
    return here.endsWith(".html") && !here.endsWith("/404.html") ? file : plain;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Text nodes with the starts of matching words in <mark>; partner text is never HTML.
  function appendMarked(parent, text, terms) {
    let at = 0;
    for (const match of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const folded = fold(match[0]);
      const term = terms.filter((t) => folded.startsWith(t)).sort((a, b) => b.length - a.length)[0];
      if (!term) continue;
      let length = 0;
      let end = match.index;
      for (const char of match[0]) {
        if (length >= term.length) break;
        length += fold(char).length;
        end += char.length;
      }
      if (match.index > at) parent.append(text.slice(at, match.index));
      parent.append(element("mark", "", text.slice(match.index, end)));
      at = end;
    }
    if (at < text.length) parent.append(text.slice(at));
    return parent;
  }

  // One entry, built like Material's own results: the score keeps Material's Enter key
  // choosing its own best document first, a partner when there is none.
  function entry(href, score, title, text) {
    const item = element("li", "md-search-result__item");
    const link = element("a", "md-search-result__link");
    link.href = href;
    link.tabIndex = -1;
    // A div, not an article as Material has: the link takes its name from its text.
    const article = element("div", "md-search-result__article md-typeset");
    article.dataset.mdScore = String(score);
    article.append(title);
    if (text) article.append(text);
    link.append(article);
    item.append(link);
    return item;
  }

  function panel() {
    const result = document.querySelector(RESULT);
    if (!result) return null;
    let block = result.querySelector("[data-pl-header-search]");
    if (!block) {
      block = element("div", "pl-header-search");
      block.dataset.plHeaderSearch = "";
      block.hidden = true;
      const title = element("div", "md-search-result__meta", "Partners");
      title.id = "pl-header-search-title";
      const list = element("ol", "md-search-result__list");
      list.setAttribute("aria-labelledby", title.id);
      block.append(title, list);
      // Between Material's count line (its first child) and its list (its last child).
      result.firstElementChild.after(block);
    }
    return block;
  }

  function render(query, { terms, found, total }) {
    const block = panel();
    if (!block) return;
    const list = block.querySelector("ol");
    const items = [];
    const profile = pageUrl("partners/SLUG");
    for (const [name, slug, , city, , , , summary] of found) {
      const href = profile.href.replace("SLUG", encodeURIComponent(slug));
      const title = appendMarked(element("h2"), name, terms);
      const text = appendMarked(element("p"), summary || city, terms);
      items.push(entry(href, 0, title, text));
    }
    const all = pageUrl("partners");
    all.search = new URLSearchParams({ q: query }).toString();
    const title = element("h2", "", "Search all partners for ");
    title.append(element("mark", "", query));
    const count = total > found.length
      ? element("p", "", `${total.toLocaleString("en")} partners have a name that matches; the locator searches their services, cities and more too.`)
      : element("p", "", "The locator searches names, services, cities, languages and more.");
    items.push(entry(all.href, -1, title, count));
    list.replaceChildren(...items);
    block.hidden = false;
    // Material's "No matching documents" would contradict the partners just listed.
    block.parentNode.classList.add("pl-has-partners");
  }

  function hide() {
    sequence += 1;
    const block = document.querySelector("[data-pl-header-search]");
    if (block) {
      block.hidden = true;
      block.parentNode.classList.remove("pl-has-partners");
    }
  }

  async function update(input) {
    const query = input.value.trim();
    if (!query) {
      hide();
      return;
    }
    const token = ++sequence;
    const answer = await findPartners(query);
    if (token !== sequence || input.value.trim() !== query) return;
    if (!answer.terms.length) hide();
    else render(query, answer);
  }

  function isQuery(target) { return target instanceof Element && target.matches(QUERY); }

  document.addEventListener("focusin", (event) => {
    if (!isQuery(event.target)) return;
    loadNames().catch(() => {});
    if (event.target.value.trim()) update(event.target).catch(hide);
  });
  document.addEventListener("input", (event) => {
    if (isQuery(event.target)) update(event.target).catch(hide);
  });
  document.addEventListener("reset", (event) => {
    if (event.target instanceof HTMLFormElement && event.target.querySelector(QUERY)) hide();
  });
})();
