/* The partner locator: search, facets and sorting on top of the server-rendered first screen.
 *
 * Progressive enhancement: the page already lists the first partners, every facet value with
 * its count, and plain links to the full directory. This script adds search, filtering and
 * sorting from the locator's prebuilt index (see generator/site/locator_index.py):
 *
 * - one small index file, fetched once: each facet's values and how many partners have each,
 *   and the names of the other files;
 * - per facet value, the set of its partners (for search words that match its label) and the
 *   rows of its partners: every facet's values for them, enough to list and count a view that
 *   ticks the value, fetched only for the values a view ticks;
 * - term shards, fetched for the first letters a visitor types;
 * - card chunks, fetched only for the partners on screen;
 * - award ages, fetched only for the "most recently awarded" order.
 *
 * Filtering and counting are bitwise operations over those sets, a few milliseconds for tens
 * of thousands of partners. Every state lives in the URL query, so a link reproduces a view
 * and Back and Forward move between views. Works with Material's instant navigation
 * (document$) and without it, under any path prefix, with or without directory URLs.
 */
(() => {
  "use strict";

  // Controls that need this script are hidden until it runs (locator.css); the locator
  // page's head sets the same class before the first paint.
  document.documentElement.classList.add("pl-js");

  const FACETS = ["badge", "tier", "service", "region", "country", "language", "industry"];
  const SORTS = ["name", "recent"];
  const MAX_TERMS = 8;
  // Weights of a query word's best match in a partner; results sort by their sum.
  const WEIGHT = { nameExact: 12, namePrefix: 8, label: 4, otherExact: 2, otherPrefix: 1 };
  const indexes = new Map();
  // The last view of the locator, for the way back from a profile.
  const RETURN_KEY = "partner-locator:view";

  // --- sets of partners: bitsets over partner numbers (name order) -------------------------

  function wordsFor(count) { return (count + 31) >>> 5; }

  function emptySet(count) { return new Uint32Array(wordsFor(count)); }

  function fullSet(count) {
    const set = new Uint32Array(wordsFor(count)).fill(0xffffffff);
    const rest = count & 31;
    if (rest) set[set.length - 1] = (2 ** rest - 1) >>> 0;
    return set;
  }

  function has(set, number) { return (set[number >>> 5] >>> (number & 31)) & 1; }

  function add(set, number) { set[number >>> 5] |= 1 << (number & 31); }

  function intersect(target, other) {
    for (let i = 0; i < target.length; i += 1) target[i] &= other[i];
    return target;
  }

  function unite(target, other) {
    for (let i = 0; i < target.length; i += 1) target[i] |= other[i];
    return target;
  }

  function popcount(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }

  function countBoth(a, b) {
    let total = 0;
    for (let i = 0; i < a.length; i += 1) total += popcount(a[i] & b[i]);
    return total;
  }

  function members(set) {
    const out = [];
    for (let w = 0; w < set.length; w += 1) {
      let word = set[w];
      while (word) {
        const low = word & -word;
        out.push((w << 5) + 31 - Math.clz32(low));
        word ^= low;
      }
    }
    return out;
  }

  // --- the index ---------------------------------------------------------------------------

  // As fold() in locator_index.py: lower case, accents dropped, a few letters spelt plainly.
  // Escaped, as the rest of this file, so it means the same in any declared encoding.
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

  async function openIndex(url) {
    const data = await (await fetchOk(url)).json();
    const facets = new Map();
    for (const facet of data.facets) {
      facets.set(facet.name, {
        name: facet.name,
        values: facet.values,
        totals: facet.totals,
        sets: facet.sets,
        rows: facet.rows,
        code: new Map(facet.values.map((v, i) => [v, i])),
      });
    }
    return {
      url, facets,
      count: data.count,
      order: data.facets.map((f) => f.name),
      everyone: data.rows,
      awardFile: data.award,
      cards: data.cards,
      shardKeys: Object.keys(data.terms),
      shardFiles: data.terms,
      shardRows: data.termRows,
      rowKeys: Object.keys(data.termRows),
      stop: new Set(data.stop),
      shards: new Map(),
      terms: new Map(),
      chunks: new Map(),
      files: new Map(),
      allRows: null,
      recent: null,
    };
  }

  function loadIndex(url) { return cached(indexes, url, () => openIndex(url)); }

  function loadBytes(index, file) {
    return cached(index.files, file, async () => {
      const buffer = await (await fetchOk(new URL(file, index.url).href)).arrayBuffer();
      return new Uint8Array(buffer);
    });
  }

  // A set file (id_set in locator_index.py): a bitset, or LEB128 gaps between numbers.
  function readIdSet(bytes, count) {
    const set = emptySet(count);
    if (bytes[0] === 0) {
      for (let i = 1; i < bytes.length; i += 1) set[(i - 1) >>> 2] |= bytes[i] << (((i - 1) & 3) << 3);
      return set;
    }
    let number = -1;
    let gap = 0;
    let shift = 0;
    for (let i = 1; i < bytes.length; i += 1) {
      gap |= (bytes[i] & 0x7f) << shift;
      if (bytes[i] & 0x80) {
        shift += 7;
      } else {
        number += gap;
        add(set, number);
        gap = 0;
        shift = 0;
      }
    }
    return set;
  }

  // The partners of a set file, as a set over all partners.
  function loadSet(index, file) {
    return cached(index.files, `set:${file}`, async () => readIdSet(await loadBytes(index, file), index.count));
  }

  // The parts of the data a view may need. Each is the rows of some partners: of the
  // partners with one facet value, of the partners with a word of one group of words (keyed
  // by first letters as term shards are, more finely), or of all partners (whose set is
  // implied).
  function valuePart(index, facet, code) {
    const data = index.facets.get(facet);
    return {
      key: `v:${facet}:${code}`, set: data.sets[code], rows: data.rows[code], size: data.totals[code],
      facet, code,
    };
  }

  function shardPart(index, key) {
    const [set, rows, size] = index.shardRows[key];
    return { key: `t:${key}`, set, rows, size };
  }

  function everyonePart(index) {
    return { key: "all", set: null, rows: index.everyone, size: index.count };
  }

  // A rows file (rows_file in locator_index.py) of `size` partners: for each facet and value,
  // the set of the rows that have the value, over row numbers. Built a word (32 rows) at a
  // time, since the rows of all partners are read while a visitor types.
  function readRows(index, bytes, size) {
    const local = new Map();
    let at = 0;
    for (const name of index.order) {
      const values = index.facets.get(name).values.length;
      const sets = Array.from({ length: values }, () => emptySet(size));
      const width = values <= 16 ? (values + 7) >>> 3 : 0;
      const wide = values > 256;
      const word = new Uint32Array(values);
      for (let start = 0; start < size; start += 32) {
        const end = Math.min(start + 32, size);
        word.fill(0);
        for (let row = start; row < end; row += 1) {
          const bit = 1 << (row & 31);
          if (width) {
            let mask = width === 2 ? bytes[at] | (bytes[at + 1] << 8) : bytes[at];
            at += width;
            while (mask) {
              const low = mask & -mask;
              word[31 - Math.clz32(low)] |= bit;
              mask ^= low;
            }
          } else {
            const many = bytes[at];
            at += 1;
            for (let k = 0; k < many; k += 1) {
              word[wide ? bytes[at] | (bytes[at + 1] << 8) : bytes[at]] |= bit;
              at += wide ? 2 : 1;
            }
          }
        }
        const w = start >>> 5;
        for (let v = 0; v < values; v += 1) sets[v][w] = word[v];
      }
      local.set(name, sets);
    }
    return local;
  }

  // A part's partners by row, and every facet's values over rows.
  function loadRows(index, part) {
    return cached(index.files, `rows:${part.rows}`, async () => {
      const [bytes, ids] = await Promise.all([
        loadBytes(index, part.rows),
        part.set === null ? null : loadSet(index, part.set).then(members),
      ]);
      const rows = { ids, size: part.size, local: readRows(index, bytes, part.size) };
      if (part.set === null) index.allRows = rows;
      return rows;
    });
  }

  // The partners with one facet value: from the rows of all partners once they are read (a
  // row there is a partner), else from the value's set file.
  function loadValueSet(index, part) {
    if (index.allRows) return Promise.resolve(index.allRows.local.get(part.facet)[part.code]);
    return loadSet(index, part.set);
  }

  // Partners in "most recently awarded" order, from the award file, fetched for that order only.
  function loadRecent(index) {
    if (!index.recent) {
      index.recent = (async () => {
        const award = await (await fetchOk(new URL(index.awardFile, index.url).href)).json();
        return Array.from({ length: index.count }, (_, i) => i).sort((a, b) => {
          const x = award[a] || Infinity;
          const y = award[b] || Infinity;
          return x === y ? a - b : x - y;
        });
      })();
      index.recent.catch(() => { index.recent = null; });
    }
    return index.recent;
  }

  function shardKeysFor(index, term) {
    return index.shardKeys.filter((key) => key.startsWith(term) || term.startsWith(key));
  }

  function loadShard(index, key) {
    return cached(index.shards, key, async () => {
      const file = new URL(index.shardFiles[key], index.url).href;
      const lines = (await (await fetchOk(file)).text()).split("\n").filter(Boolean);
      return { words: lines.map((line) => line.slice(0, line.indexOf("\t"))), lines };
    });
  }

  function loadChunk(index, number) {
    return cached(index.chunks, number, async () => {
      // A chunk's name holds the digest of its group of chunks (the index lists them).
      const digest = index.cards.digests[Math.floor(number / index.cards.group)];
      const file = new URL(`cards-${digest}-${number}.json`, index.url).href;
      return (await fetchOk(file)).json();
    });
  }

  async function cardData(index, numbers) {
    const size = index.cards.size;
    const wanted = [...new Set(numbers.map((n) => Math.floor(n / size)))];
    const chunks = new Map(await Promise.all(
      wanted.map(async (c) => [c, await loadChunk(index, c)])));
    return numbers.map((n) => ({ number: n, record: chunks.get(Math.floor(n / size))[n % size] }));
  }

  // Base-36 gaps between partner numbers, comma-separated (gaps() in locator_index.py), read
  // a character at a time: a prefix of one letter reads hundreds of thousands of them.
  function readGaps(text, set) {
    if (!text) return;
    let number = -1;
    let gap = 0;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 44) {
        number += gap;
        set[number >>> 5] |= 1 << (number & 31);
        gap = 0;
      } else {
        gap = gap * 36 + (c <= 57 ? c - 48 : c - 87);
      }
    }
    number += gap;
    set[number >>> 5] |= 1 << (number & 31);
  }

  // --- a query -----------------------------------------------------------------------------

  // The words of a query worth matching: a stop word only counts as the last word, which
  // may be the start of a longer one still being typed.
  function queryTerms(index, q) {
    const words = tokens(q).slice(0, MAX_TERMS);
    return words.filter((w, i) => !index.stop.has(w) || i === words.length - 1);
  }

  // For one query word: partners whose name has it (exactly, or as the start of a word),
  // whose facet values' labels have it, or whose other text has it.
  // What one query word reads: its term shards, and the facet values whose labels it starts.
  function termCover(index, labels, term) {
    const matched = labels.filter((label) => index.facets.has(label.facet)
      && index.facets.get(label.facet).code.has(label.value)
      && label.words.some((w) => w.startsWith(term)))
      .map((label) => valuePart(index, label.facet, index.facets.get(label.facet).code.get(label.value)));
    const keys = shardKeysFor(index, term);
    const groups = index.rowKeys.filter((key) => key.startsWith(term) || term.startsWith(key));
    return { keys, matched, parts: [...groups.map((k) => shardPart(index, k)), ...matched] };
  }

  // The matches of the words typed lately, kept: a word typed again, or Backspace, reads
  // nothing again.
  const KEPT_TERMS = 16;

  function matchTerm(index, labels, term) {
    const memo = index.terms;
    if (memo.has(term)) {
      const hit = memo.get(term);
      memo.delete(term);
      memo.set(term, hit);
      return hit;
    }
    const pending = readTerm(index, labels, term);
    memo.set(term, pending);
    pending.catch(() => memo.delete(term));
    while (memo.size > KEPT_TERMS) memo.delete(memo.keys().next().value);
    return pending;
  }

  async function readTerm(index, labels, term) {
    const count = index.count;
    const found = {
      nameExact: emptySet(count), namePrefix: emptySet(count), label: emptySet(count),
      otherExact: emptySet(count), otherPrefix: emptySet(count),
    };
    const { keys, matched } = termCover(index, labels, term);
    const [shards, sets] = await Promise.all([
      Promise.all(keys.map((k) => loadShard(index, k))),
      Promise.all(matched.map((part) => loadValueSet(index, part))),
    ]);
    for (const shard of shards) {
      shard.words.forEach((word, i) => {
        if (!word.startsWith(term)) return;
        const [, name, other] = shard.lines[i].split("\t");
        const exact = word === term;
        readGaps(name, exact ? found.nameExact : found.namePrefix);
        readGaps(other, exact ? found.otherExact : found.otherPrefix);
      });
    }
    for (const set of sets) unite(found.label, set);
    const any = emptySet(count);
    for (const set of Object.values(found)) unite(any, set);
    return { found, any };
  }

  // Which rows settle a view. A cover is a list of parts that together hold every partner
  // the view can show:
  // - the ticked values of a ticked facet: they settle every count but that facet's own,
  //   which ignores its own selection;
  // - for a search word, the term shards it reads and the facet values whose labels it
  //   starts: they settle every count;
  // - for one facet's counts only, each of its values (a value's rows count that value);
  // - all partners.
  // The view's partners come from the smallest cover of them; a facet whose counts the page
  // already has (nothing else ticked, no search) needs no rows at all.
  function plan(index, chosen, texts) {
    const totals = (facet) => index.facets.get(facet).totals;
    // What a cover costs: the rows still to fetch and read. A search whose words find more
    // than half the partners reads the rows of all partners instead, one file that serves
    // every later search too.
    const cost = (cover) => cover.parts.reduce(
      (t, p) => t + (index.files.has(`rows:${p.rows}`) ? 0 : p.size), 0);
    const covers = [
      ...Object.entries(chosen).map(([facet, codes]) => ({
        of: facet, parts: codes.map((c) => valuePart(index, facet, c)) })),
      ...texts.map((parts) => ({ of: null, parts })),
    ].map((cover) => ({ ...cover, cost: cost(cover) }));
    const everyone = { of: null, own: false, parts: [everyonePart(index)] };
    everyone.cost = cost(everyone);
    for (const cover of covers) {
      if (cover.of === null && cover.cost > index.count / 2) cover.cost = Infinity;
    }
    const ticked = Object.keys(chosen).length > 0;
    const shown = ticked ? covers.reduce((a, b) => (b.cost < a.cost ? b : a)) : null;
    // A cover already chosen costs nothing more. A second round knows which covers the
    // first chose for any facet, so a facet does not fetch its own values' rows when another
    // facet's choice holds its partners too.
    let fetched = new Set();
    const best = (options) => options.reduce((a, b) => {
      const x = fetched.has(a) ? 0 : a.cost;
      const y = fetched.has(b) ? 0 : b.cost;
      return y < x ? b : a;
    });
    const counts = new Map();
    for (const round of [1, 2]) {
      fetched = new Set([...(shown ? [shown] : []), ...(round === 2 ? counts.values() : [])]);
      counts.clear();
      for (const facet of index.order) {
        const others = covers.filter((c) => c.of !== facet);
        if (!others.length) continue;
        const own = { of: facet, own: true,
          parts: totals(facet).map((_, c) => valuePart(index, facet, c)) };
        own.cost = cost(own);
        const cover = best([...others, own, everyone]);
        fetched.add(cover);
        counts.set(facet, cover);
      }
    }
    return { shown, counts };
  }

  // What one view keeps of the rows it loaded, worked out once a part: the rows the search
  // finds, and the rows each ticked facet allows.
  function viewOf(index, loaded, chosen, text) {
    const found = new Map();
    const allowed = new Map();
    const holders = new Map();

    function foundRows(part) {
      if (!found.has(part.key)) {
        const rows = loaded.get(part.key);
        const kept = fullSet(rows.size);
        if (text && rows.ids) {
          rows.ids.forEach((number, row) => {
            if (!has(text, number)) kept[row >>> 5] &= ~(1 << (row & 31));
          });
        } else if (text) {
          intersect(kept, text);
        }
        found.set(part.key, kept);
      }
      return found.get(part.key);
    }

    function allowedRows(part, facet) {
      const key = `${part.key} ${facet}`;
      if (!allowed.has(key)) {
        const rows = loaded.get(part.key);
        const any = emptySet(rows.size);
        for (const code of chosen[facet]) unite(any, rows.local.get(facet)[code]);
        allowed.set(key, any);
      }
      return allowed.get(key);
    }

    // The parts of a cover overlap where a partner is in several: each row counts in the
    // first part that holds its partner.
    function firstHolders(cover) {
      if (!holders.has(cover)) {
        const seen = emptySet(index.count);
        holders.set(cover, cover.parts.map((part) => {
          const rows = loaded.get(part.key);
          const kept = fullSet(rows.size);
          if (!rows.ids || cover.own) return kept;
          rows.ids.forEach((number, row) => {
            if (has(seen, number)) kept[row >>> 5] &= ~(1 << (row & 31));
            else add(seen, number);
          });
          return kept;
        }));
      }
      return holders.get(cover);
    }

    // The rows of part `j` of a cover that the view keeps, but for `skip`'s own selection;
    // the same for every facet without a selection, so worked out once for them.
    const keptRows = new Map();
    function kept(cover, j, skip) {
      const own = skip !== null && skip in chosen ? skip : null;
      let byPart = keptRows.get(cover);
      if (!byPart) keptRows.set(cover, byPart = new Map());
      const key = `${j} ${own}`;
      if (!byPart.has(key)) {
        const part = cover.parts[j];
        const rows = intersect(foundRows(part).slice(), firstHolders(cover)[j]);
        for (const facet of Object.keys(chosen)) {
          if (facet !== own) intersect(rows, allowedRows(part, facet));
        }
        byPart.set(key, rows);
      }
      return byPart.get(key);
    }

    return { kept };
  }

  function countFrom(index, view, cover, loaded, facet) {
    const values = index.facets.get(facet).values;
    const out = new Array(values.length).fill(0);
    cover.parts.forEach((part, j) => {
      const kept = view.kept(cover, j, facet);
      if (cover.own) {
        out[j] = countBoth(kept, kept);
        return;
      }
      const sets = loaded.get(part.key).local.get(facet);
      for (let c = 0; c < values.length; c += 1) out[c] += countBoth(kept, sets[c]);
    });
    return out;
  }

  // `early`, if given, is handed the view's partners as soon as they are known, before the
  // counts are: without a ticked facet they come from the search's words alone, so their
  // cards can be fetched while the rows for the counts still come and are counted.
  async function findPartners(index, labels, state, early) {
    const count = index.count;
    const terms = queryTerms(index, state.q);
    // The ticked values of each facet, by number: OR within a facet, AND across.
    const chosen = {};
    for (const facet of FACETS) {
      const ticked = state.selected[facet];
      if (!ticked || !index.facets.has(facet)) continue;
      const code = index.facets.get(facet).code;
      chosen[facet] = [...new Set(ticked.filter((v) => code.has(v)).map((v) => code.get(v)))];
    }
    // Every partner a word can find is in the rows of the shards and values it reads.
    const wanted = plan(index, chosen, terms.map((t) => termCover(index, labels, t).parts));
    // Without a ticked facet the view is the search's matches; covers are only for counts.
    const ticked = wanted.shown !== null;
    const parts = new Map();
    for (const cover of [...(ticked ? [wanted.shown] : []), ...wanted.counts.values()]) {
      for (const part of cover.parts) parts.set(part.key, part);
    }
    // The rows and the words' shards are fetched at once.
    const rowsLoaded = Promise.all([...parts.values()].map(
      async (part) => [part.key, await loadRows(index, part)]));
    rowsLoaded.catch(() => {});
    const matches = await Promise.all(terms.map((t) => matchTerm(index, labels, t)));
    let text = null;
    if (matches.length) {
      text = fullSet(count);
      for (const match of matches) intersect(text, match.any);
    }
    let shown = text || fullSet(count);
    let results = null;
    if (!ticked) {
      results = await order(index, shown, matches, state);
      if (early) early(results);
    }
    const loaded = new Map(await rowsLoaded);
    const view = viewOf(index, loaded, chosen, text);
    if (ticked) {
      // With a facet ticked, the view's partners are the kept rows of the smallest cover.
      shown = emptySet(count);
      wanted.shown.parts.forEach((part, j) => {
        const { ids } = loaded.get(part.key);
        for (const row of members(view.kept(wanted.shown, j, null))) add(shown, ids[row]);
      });
    }
    const counts = {};
    for (const facet of index.order) {
      const { values, totals } = index.facets.get(facet);
      const cover = wanted.counts.get(facet);
      const numbers = cover ? countFrom(index, view, cover, loaded, facet) : totals;
      counts[facet] = Object.fromEntries(values.map((v, c) => [v, numbers[c]]));
    }
    return { results: results || await order(index, shown, matches, state), counts };
  }

  async function order(index, shown, matches, state) {
    const sort = state.sort || (matches.length ? "" : "name");
    if (sort === "recent") return (await loadRecent(index)).filter((n) => has(shown, n));
    const numbers = members(shown);
    if (sort === "name") return numbers;
    const score = new Uint16Array(numbers.length);
    let best = 0;
    for (const { found } of matches) {
      // Each partner scores the weight of its best kind of match, tried from the best down.
      const kinds = Object.entries(WEIGHT).sort((a, b) => b[1] - a[1])
        .map(([kind, weight]) => [found[kind], weight]);
      numbers.forEach((n, i) => {
        for (const [set, weight] of kinds) {
          if (has(set, n)) {
            score[i] += weight;
            break;
          }
        }
        if (score[i] > best) best = score[i];
      });
    }
    // Highest score first, then in name order: scores are small whole numbers, so partners
    // are dealt into one list per score, each already in name order.
    const starts = new Uint32Array(best + 2);
    for (const value of score) starts[best - value + 1] += 1;
    for (let i = 1; i < starts.length; i += 1) starts[i] += starts[i - 1];
    const out = new Array(numbers.length);
    numbers.forEach((n, i) => { out[starts[best - score[i]]++] = n; });
    return out;
  }

  // --- the page ----------------------------------------------------------------------------

  function readState(search) {
    const params = new URLSearchParams(search);
    const selected = {};
    for (const facet of FACETS) {
      const values = params.getAll(facet).filter((v) => v !== "");
      if (values.length) selected[facet] = [...new Set(values)];
    }
    const sort = params.get("sort") || "";
    return { q: params.get("q") || "", sort: SORTS.includes(sort) ? sort : "", selected };
  }

  function queryOf(state) {
    const params = new URLSearchParams();
    if (state.q) params.append("q", state.q);
    if (state.sort) params.append("sort", state.sort);
    for (const facet of FACETS) {
      for (const value of state.selected[facet] || []) params.append(facet, value);
    }
    const text = params.toString();
    return text ? `?${text}` : "";
  }

  function isEmpty(state) {
    return !state.q && !state.sort && Object.keys(state.selected).length === 0;
  }

  // As toLocaleString("en"), which makes a new formatter at each call.
  const NUMBER = new Intl.NumberFormat("en");

  function plural(count, one, many) {
    return `${NUMBER.format(count)} ${count === 1 ? one : many}`;
  }

  function statusText(total, shown) {
    if (total === 0) return "No partners match. Try another search or fewer filters.";
    if (shown >= total) return `${plural(total, "partner", "partners")}.`;
    return `${plural(total, "partner", "partners")}, showing the first ${NUMBER.format(shown)}.`;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // As tier_text() in listings.py: "Select" reads "Select tier".
  function tierText(name) { return /tier$/i.test(name) ? name : `${name} tier`; }

  // The length of the start of `word` that folds to `length` letters or more.
  function foldedPrefix(word, length) {
    let folded = 0;
    let end = 0;
    for (const char of word) {
      if (folded >= length) break;
      folded += fold(char).length;
      end += char.length;
    }
    return end;
  }

  // `text` into `parent` as text nodes, with the starts of words that a query word starts
  // in <mark>. Never parsed as HTML: partner text stays text.
  function appendMarked(parent, text, terms) {
    if (!terms.length) {
      parent.append(text);
      return parent;
    }
    let at = 0;
    for (const match of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const word = match[0];
      const folded = fold(word);
      let longest = 0;
      for (const term of terms) {
        if (term.length > longest && folded.startsWith(term)) longest = term.length;
      }
      if (!longest) continue;
      const end = match.index + foldedPrefix(word, longest);
      if (match.index > at) parent.append(text.slice(at, match.index));
      parent.append(element("mark", "", text.slice(match.index, end)));
      at = end;
    }
    if (at < text.length) parent.append(text.slice(at));
    return parent;
  }

  // Moves through history, heard before Material's instant navigation hears them where the
  // page was opened with the listener of _history.html, so that `handler` may keep them from
  // it with stopImmediatePropagation(); else heard as any other listener.
  function listenToHistory(handler) {
    const early = window.__plHistory;
    if (early instanceof Set) {
      early.add(handler);
      return () => early.delete(handler);
    }
    window.addEventListener("popstate", handler);
    return () => window.removeEventListener("popstate", handler);
  }

  function saveView(search) {
    try {
      sessionStorage.setItem(RETURN_KEY, JSON.stringify({ path: location.pathname, search }));
    } catch (error) {
      // Storage may be off; the way back then simply opens the locator afresh.
    }
  }

  // On a profile: the "Find a partner" link returns to the view the visitor came from.
  function restoreWayBack() {
    const link = document.querySelector(".pl-crumbs a[href]");
    if (!link) return;
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(RETURN_KEY) || "null");
    } catch (error) {
      return;
    }
    if (!saved || typeof saved.search !== "string" || !saved.search.startsWith("?")) return;
    const target = new URL(link.href);
    if (target.pathname !== saved.path) return;
    target.search = saved.search;
    link.href = target.href;
  }

  function mount(root) {
    const form = root.querySelector("[data-pl-form]");
    const input = form.querySelector("input[name=q]");
    const sortSelect = form.querySelector("select[name=sort]");
    const bestMatch = sortSelect.querySelector("option[value='']");
    const status = root.querySelector("[data-pl-status]");
    const list = root.querySelector("[data-pl-results]");
    const clear = root.querySelector("[data-pl-clear]");
    const moreButton = root.querySelector("[data-pl-more-button]");
    const toggle = root.querySelector("[data-pl-toggle]");
    const toggleCount = toggle.querySelector("[data-pl-filter-count]");
    const facetsPanel = root.querySelector("[data-pl-facets]");
    const layout = root.querySelector("[data-pl-layout]");
    const chips = root.querySelector("[data-pl-chips]");
    const extra = JSON.parse(root.dataset.labels);
    const pageSize = Number(root.dataset.pageSize) || 24;
    const indexUrl = new URL(root.dataset.index, location.href).href;
    const profilePattern = root.dataset.profile;
    const logoPattern = root.dataset.logo;
    // Facet values only: other scripts may add checkboxes to the cards (compare.js).
    const boxes = [...form.querySelectorAll("[data-facet] input[type=checkbox]")];
    // Labels of facet values come from the page itself; search matches their words too.
    const labels = {};
    const legends = {};
    const labelWords = [];
    for (const fieldset of form.querySelectorAll("fieldset[data-facet]")) {
      legends[fieldset.dataset.facet] = fieldset.querySelector("legend").textContent.trim();
    }
    for (const box of boxes) {
      const text = box.closest("label").querySelector(".pl-facet__label").textContent;
      (labels[box.name] ||= {})[box.value] = text;
      const words = tokens(text);
      if (box.name === "badge" && extra.abbr[box.value]) words.push(...tokens(extra.abbr[box.value]));
      labelWords.push({ facet: box.name, value: box.value, words });
    }
    const listeners = [];
    let sequence = 0;
    // The partners of the view, in order; null until the script has computed a view (the
    // page arrives with every partner in name order).
    let results = null;
    let shown = list.children.length;
    let terms = [];
    let sort = "";
    let notice = "";

    function on(target, type, handler) {
      target.addEventListener(type, handler);
      listeners.push(() => target.removeEventListener(type, handler));
    }

    function stateOfControls() {
      const selected = {};
      for (const box of boxes) {
        if (box.checked) (selected[box.name] ||= []).push(box.value);
      }
      return { q: input.value.trim(), sort, selected };
    }

    // With no search text there is nothing to match best: the view is in name order, and
    // the menu says so.
    function showSort(state) {
      bestMatch.disabled = !state.q;
      bestMatch.hidden = !state.q;
      sortSelect.value = state.sort || (state.q ? "" : "name");
    }

    function selectedCount(state) {
      return Object.values(state.selected).reduce((total, values) => total + values.length, 0);
    }

    function showFilters(state) {
      const count = selectedCount(state);
      toggleCount.textContent = count ? ` (${NUMBER.format(count)})` : "";
      clear.hidden = count === 0;
      chips.replaceChildren();
      for (const facet of FACETS) {
        for (const value of state.selected[facet] || []) {
          const label = (labels[facet] && labels[facet][value]) || value;
          const item = element("li");
          const chip = element("button", "pl-chip");
          chip.type = "button";
          chip.dataset.facet = facet;
          chip.dataset.value = value;
          chip.append(element("span", "pl-chip__facet", `${legends[facet] || facet}: `), label);
          const cross = element("span", "pl-chip__remove", "\u00d7");
          cross.setAttribute("aria-hidden", "true");
          chip.append(" ", cross);
          chip.setAttribute("aria-label", `Remove filter ${legends[facet] || facet}: ${label}`);
          item.append(chip);
          chips.append(item);
        }
      }
      chips.hidden = count === 0;
    }

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", String(open));
      facetsPanel.hidden = !open;
      layout.classList.toggle("pl-layout--closed", !open);
    }

    function setControls(state) {
      if (input.value.trim() !== state.q) input.value = state.q;
      sort = state.sort;
      showSort(state);
      for (const box of boxes) {
        box.checked = (state.selected[box.name] || []).includes(box.value);
      }
      showFilters(state);
    }

    function valueOf(index, facet, code) {
      return index.facets.has(facet) ? index.facets.get(facet).values[code] : undefined;
    }

    // Same markup as the server's _card.html, with the query's words marked.
    function card(index, { record }) {
      const [name, slug, logo, city, country, others, services, summary, held, tierCode] = record;
      const item = element("li", "pl-card");
      if (logo) {
        const img = element("img", "pl-card__logo");
        img.src = logoPattern.replace("FILE", `${encodeURIComponent(slug)}.${logo}`);
        img.alt = "";
        img.width = 48;
        img.height = 48;
        img.loading = "lazy";
        // Behind the data of the next keystroke's results, which shares the connections.
        img.fetchPriority = "low";
        item.append(img);
      } else {
        const initials = name.split(/[^\p{L}\p{N}_]+/u).filter(Boolean).slice(0, 2)
          .map((w) => Array.from(w)[0]).join("").toUpperCase() || "?";
        const span = element("span", "pl-card__logo pl-card__logo--none", initials);
        span.setAttribute("aria-hidden", "true");
        item.append(span);
      }
      const body = element("div", "pl-card__body");
      const heading = element("h3", "pl-card__name");
      const link = appendMarked(element("a", ""), name, terms);
      link.href = profilePattern.replace("SLUG", encodeURIComponent(slug));
      heading.append(link);
      body.append(heading);
      const badges = held.map((c) => valueOf(index, "badge", c));
      if (badges.length) {
        const line = element("p", "pl-card__badges");
        for (const id of badges) {
          const chip = element("span", `pl-badge pl-badge--${id}`, extra.abbr[id] || id);
          chip.title = labels.badge[id] || id;
          line.append(chip);
        }
        body.append(line);
      }
      const tier = tierCode >= 0 ? valueOf(index, "tier", tierCode) : undefined;
      const code = valueOf(index, "country", country);
      let place = `${city}, ${labels.country[code] || code}`;
      if (others) place += ` and ${plural(others, "more office", "more offices")}`;
      body.append(appendMarked(element("p", "pl-card__meta"),
        `${tier ? tierText(labels.tier[tier]) : extra.noTier} \u00b7 ${place}`, terms));
      if (summary) body.append(appendMarked(element("p", "pl-card__summary"), summary, terms));
      const names = services.map((i) => labels.service[valueOf(index, "service", i)]);
      body.append(appendMarked(element("p", "pl-card__services"), names.join(", "), terms));
      item.append(body);
      return item;
    }

    function announce(total) {
      status.textContent = `${notice}${statusText(total, shown)}`;
      notice = "";
    }

    async function showMore(token) {
      const index = await loadIndex(indexUrl);
      // The first screen came with the page: every partner, in name order.
      if (results === null) results = Array.from({ length: index.count }, (_, i) => i);
      const next = await cardData(index, results.slice(shown, shown + pageSize));
      if (token !== sequence) return;
      const fragment = document.createDocumentFragment();
      const added = next.map((data) => card(index, data));
      for (const item of added) fragment.append(item);
      const hadFocus = document.activeElement === moreButton;
      list.append(fragment);
      shown += next.length;
      moreButton.hidden = shown >= results.length;
      announce(results.length);
      // The button may vanish with the last page: keyboard users go on from the first new card
      // instead of being sent back to the top of the page.
      const link = added.length ? added[0].querySelector(".pl-card__name a") : null;
      if (hadFocus && link) link.focus();
    }

    // Each box's label and count, found once; a count is written only when it changes.
    const countOf = new Map(boxes.map((box) => {
      const label = box.closest("label");
      return [box, { label, node: label.querySelector("[data-count]"), shown: null }];
    }));

    function setCounts(counts) {
      for (const box of boxes) {
        const count = (counts[box.name] && counts[box.name][box.value]) || 0;
        const place = countOf.get(box);
        if (place.shown !== count) {
          place.node.textContent = NUMBER.format(count);
          place.shown = count;
        }
        place.label.classList.toggle("pl-facet__value--empty", count === 0 && !box.checked);
      }
    }

    async function update(state) {
      const token = ++sequence;
      root.setAttribute("aria-busy", "true");
      const index = await loadIndex(indexUrl);
      const found = await findPartners(index, labelWords, state, (partners) => {
        if (token === sequence) cardData(index, partners.slice(0, pageSize)).catch(() => {});
      });
      if (token !== sequence) return;
      const first = await cardData(index, found.results.slice(0, pageSize));
      if (token !== sequence) return;
      results = found.results;
      terms = queryTerms(index, state.q);
      const fragment = document.createDocumentFragment();
      for (const data of first) fragment.append(card(index, data));
      list.replaceChildren(fragment);
      shown = first.length;
      setCounts(found.counts);
      moreButton.hidden = shown >= results.length;
      announce(results.length);
      root.removeAttribute("aria-busy");
      root.dispatchEvent(new CustomEvent("pl:results", { bubbles: true }));
    }

    // The address of the view, and the view kept for the way back from a profile. Each write
    // waits on the browser (a few milliseconds, far more on a busy machine), so a keystroke's
    // is made once its results are on screen; one still pending is made at once when the
    // visitor follows a link, leaves the page or changes the view another way.
    let pending = null;
    function write() {
      if (!pending) return;
      const { push, url, search } = pending;
      pending = null;
      // A null state keeps Material's instant navigation out of our own history entries.
      if (push) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
      saveView(search);
    }

    function navigate(push, later = false) {
      if (!later) write();
      const state = stateOfControls();
      showSort(state);
      showFilters(state);
      const search = queryOf(state);
      // Keystrokes before the write are one entry: pushed if the first of them pushes.
      pending = {
        push: push || (pending !== null && pending.push),
        url: `${location.pathname}${search}${location.hash}`,
        search,
      };
      if (!later) write();
      const done = update(state).catch(reportError);
      if (later) done.then(() => requestAnimationFrame(() => setTimeout(write, 0)));
      return done;
    }

    function reportError(error) {
      status.textContent = "Search is not available right now. The directory below lists every partner.";
      root.removeAttribute("aria-busy");
      console.error(error);
    }

    function warmUp() { loadIndex(indexUrl).catch(() => {}); }

    let typing = false;
    on(input, "input", () => {
      // One history entry per search, not per keystroke.
      navigate(!typing, true);
      typing = true;
    });
    // Before Material's instant navigation takes a link's click (or the page is left), the
    // address says what the visitor saw.
    document.addEventListener("click", write, true);
    listeners.push(() => document.removeEventListener("click", write, true));
    on(window, "pagehide", write);
    on(document, "visibilitychange", write);
    on(input, "focus", warmUp);
    on(form, "pointerover", warmUp);
    on(form, "focusin", warmUp);
    on(form, "submit", (event) => { event.preventDefault(); });
    on(form, "change", (event) => {
      if (event.target === input) return;
      if (event.target === sortSelect) sort = sortSelect.value;
      typing = false;
      navigate(true);
    });
    on(toggle, "click", () => {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    on(chips, "click", (event) => {
      const chip = event.target.closest("button.pl-chip");
      if (!chip) return;
      const box = boxes.find((b) => b.name === chip.dataset.facet && b.value === chip.dataset.value);
      if (!box) return;
      const place = [...chips.querySelectorAll("button.pl-chip")].indexOf(chip);
      box.checked = false;
      notice = `Removed filter ${chip.getAttribute("aria-label").replace(/^Remove filter /, "")}. `;
      typing = false;
      navigate(true);
      // Focus stays among the chips, or returns to the Filters button when none is left.
      const left = [...chips.querySelectorAll("button.pl-chip")];
      (left[Math.min(place, left.length - 1)] || toggle).focus();
    });
    on(clear, "click", () => {
      for (const box of boxes) box.checked = false;
      typing = false;
      navigate(true);
      input.focus();
    });
    on(moreButton, "click", () => { showMore(sequence).catch(reportError); });
    // Entries of this page that differ only in their query are this script's own: it
    // answers them alone, and Material's instant navigation does not load the page again.
    const path = location.pathname;
    let hash = location.hash;
    on(window, "hashchange", () => { hash = location.hash; });
    listeners.push(listenToHistory((event) => {
      if (location.pathname !== path) return;
      if (location.hash === hash) event.stopImmediatePropagation();
      hash = location.hash;
      pending = null;
      const state = readState(location.search);
      typing = false;
      setControls(state);
      saveView(queryOf(state));
      update(state).catch(reportError);
    }));

    // The page's head moved `q` aside so Material's own search does not claim it; restore it.
    const search = window.__plSearch !== undefined ? window.__plSearch : location.search;
    delete window.__plSearch;
    const initial = readState(search);
    if (search !== location.search) {
      history.replaceState(history.state, "", `${location.pathname}${search}${location.hash}`);
    }
    setControls(initial);
    // Filters start open where there is room beside the results, folded away on a phone.
    setOpen(window.matchMedia("(min-width: 60em)").matches);
    saveView(queryOf(initial));
    if (!isEmpty(initial)) update(initial).catch(reportError);
    root.dataset.plReady = "true";

    return {
      destroy() {
        sequence += 1;
        // Material has given the address to the next page already.
        pending = null;
        for (const off of listeners) off();
      },
    };
  }

  // Material's search dialog has no accessible name of its own.
  function nameSearchDialog() {
    for (const dialog of document.querySelectorAll(".md-search[role=dialog]:not([aria-label])")) {
      dialog.setAttribute("aria-label", "Search this site");
    }
  }

  function start() {
    nameSearchDialog();
    if (active) active.destroy();
    active = null;
    const root = document.querySelector("[data-pl-locator]");
    if (root) active = mount(root);
    else restoreWayBack();
  }

  let active = null;
  if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
