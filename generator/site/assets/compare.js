/* Partners side by side, and the profile's "copy the HTML" button.
 *
 * On the locator: every result card gets a "Compare" checkbox, and a tray below the results
 * lists the chosen partners (at most four) with a link to the compare page. The choice is kept
 * in sessionStorage, so it survives new searches and the trip to the compare page and back.
 * Cards are found by watching the results list the locator renders into, so the locator's
 * own script needs to know nothing about this one. Changes are announced in a live region.
 *
 * On the compare page (/partners/compare/?p=SLUG&p=SLUG): the choice is read from the address,
 * each chosen partner's small data file (partners/SLUG/compare.json, its facts by the program's
 * ids) is fetched, put into the words the page carries once (#pl-compare-terms), and a table
 * puts them side by side. Removing a partner changes the address, so the address always
 * reproduces the view.
 *
 * On a profile: the "Copy the HTML" button of the badge embed, shown only where this runs.
 *
 * Works with Material's instant navigation (document$) and without it, under any path prefix,
 * with or without directory URLs.
 */
(() => {
  "use strict";

  const KEY = "partner-locator-compare";
  const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  // At most this many partners side by side (MAX_COMPARED in compare.py).
  const MOST = 4;

  // --- the stored choice: [{slug, name}], and the locator search it was made from ---------

  function readChoice() {
    try {
      const data = JSON.parse(sessionStorage.getItem(KEY) || "null");
      const items = Array.isArray(data && data.items) ? data.items : [];
      return {
        items: items.filter((i) => i && SLUG.test(i.slug) && typeof i.name === "string"),
        search: data && typeof data.search === "string" ? data.search : "",
      };
    } catch {
      return { items: [], search: "" };
    }
  }

  function writeChoice(choice) {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(choice));
    } catch {
      // Storage may be switched off; the choice then lasts as long as the page.
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(text) { return element("span", "pl-visually-hidden", text); }

  // A live region says the same words twice only if they differ; alternate a trailing space.
  function announcer(region) {
    let flip = false;
    return (text) => {
      flip = !flip;
      region.textContent = flip ? text : `${text}\u00a0`;
    };
  }

  function compareQuery(slugs) {
    const params = new URLSearchParams();
    for (const slug of slugs) params.append("p", slug);
    return `?${params}`;
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

  function listText(words) {
    if (words.length <= 1) return words.join("");
    return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
  }

  // --- the locator: a checkbox per card and the tray ------------------------------------

  function mountTray(root) {
    const list = root.querySelector("[data-pl-results]");
    if (!list) return null;
    const most = MOST;
    const pattern = root.dataset.profile || "SLUG/";
    const [before, after] = pattern.split("SLUG");
    // The profile address with "SLUG" in it says where profiles live; "compare" sits there too.
    const base = new URL(`${before}x`, location.href).href.slice(0, -1);
    const compareUrl = new URL(pattern.replace("SLUG", "compare"), location.href).pathname;
    let choice = readChoice();

    const live = element("p", "pl-visually-hidden");
    live.setAttribute("aria-live", "polite");
    live.dataset.plCompareLive = "";
    root.append(live);
    const say = announcer(live);

    const tray = element("section", "pl-tray");
    tray.setAttribute("aria-labelledby", "pl-tray-title");
    tray.dataset.plTray = "";
    const title = element("h2", "pl-tray__title");
    title.id = "pl-tray-title";
    title.tabIndex = -1;
    const chosen = element("ul", "pl-tray__list");
    const actions = element("p", "pl-tray__actions");
    const go = element("a", "pl-button pl-button--primary");
    go.dataset.plTrayLink = "";
    const need = element("span", "pl-tray__need");
    const clear = element("button", "pl-button", "Clear");
    clear.type = "button";
    clear.setAttribute("aria-label", "Clear the comparison");
    actions.append(go, need, " ", clear);
    tray.append(title, chosen, actions);
    (list.closest(".pl-results") || list.parentNode).append(tray);

    function slugOf(card) {
      const link = card.querySelector(".pl-card__name a");
      if (!link) return null;
      const href = link.href;
      if (!href.startsWith(base) || !href.endsWith(after)) return null;
      const slug = decodeURIComponent(href.slice(base.length, href.length - after.length));
      return SLUG.test(slug) ? { slug, name: link.textContent } : null;
    }

    function isChosen(slug) { return choice.items.some((i) => i.slug === slug); }

    function save() {
      choice.search = location.search;
      writeChoice(choice);
    }

    function render() {
      const count = choice.items.length;
      tray.hidden = count === 0;
      title.textContent = `Compare (${count} of ${most} chosen)`;
      const items = choice.items.map((item) => {
        const li = element("li", "pl-tray__item");
        li.append(element("span", "pl-tray__name", item.name));
        const remove = element("button", "pl-tray__remove", "\u00d7");
        remove.type = "button";
        remove.dataset.plTrayRemove = item.slug;
        remove.setAttribute("aria-label", `Remove ${item.name} from the comparison`);
        li.append(remove);
        return li;
      });
      chosen.replaceChildren(...items);
      go.href = compareUrl + compareQuery(choice.items.map((i) => i.slug));
      go.textContent = `Compare ${count} partners`;
      go.hidden = count < 2;
      need.textContent = count < 2 ? "Choose at least one more partner to compare." : "";
      for (const box of list.querySelectorAll("input[data-pl-pick]")) {
        box.checked = isChosen(box.value);
      }
    }

    function enhance(card) {
      if (card.querySelector("[data-pl-pick]")) return;
      const found = slugOf(card);
      const body = card.querySelector(".pl-card__body");
      if (!found || !body) return;
      const label = element("label", "pl-card__compare");
      const box = element("input");
      box.type = "checkbox";
      box.value = found.slug;
      box.dataset.plPick = "";
      box.dataset.name = found.name;
      box.checked = isChosen(found.slug);
      label.append(box, " Compare", hidden(` ${found.name}`));
      body.append(label);
    }

    function enhanceAll() { for (const card of list.querySelectorAll(".pl-card")) enhance(card); }

    function add(slug, name, box) {
      if (isChosen(slug)) return;
      if (choice.items.length >= most) {
        if (box) box.checked = false;
        say(`You can compare up to ${most} partners. Remove one from the tray to add ${name}`
          + (name.endsWith(".") ? "" : "."));
        return;
      }
      choice.items.push({ slug, name });
      save();
      render();
      say(`${name} added to the comparison. ${choice.items.length} of ${most} chosen.`);
    }

    function remove(slug) {
      const item = choice.items.find((i) => i.slug === slug);
      if (!item) return;
      choice.items = choice.items.filter((i) => i.slug !== slug);
      save();
      render();
      say(`${item.name} removed from the comparison. ${choice.items.length} of ${most} chosen.`);
    }

    // Inside the locator's form: keep these changes from reaching the form's own listener.
    function onPick(event) {
      const box = event.target;
      if (!(box instanceof HTMLInputElement) || !("plPick" in box.dataset)) return;
      event.stopPropagation();
      if (box.checked) add(box.value, box.dataset.name, box);
      else remove(box.value);
    }

    function onTrayClick(event) {
      const button = event.target.closest("button");
      if (!button) return;
      if (button === clear) {
        choice.items = [];
        save();
        render();
        say("The comparison is cleared.");
        root.querySelector("input[type=search]")?.focus();
        return;
      }
      const slug = button.dataset.plTrayRemove;
      if (!slug) return;
      const buttons = [...chosen.querySelectorAll("button")];
      const next = buttons[buttons.indexOf(button) + 1] || buttons[buttons.indexOf(button) - 1];
      const nextSlug = next ? next.dataset.plTrayRemove : null;
      remove(slug);
      const target = nextSlug && chosen.querySelector(`[data-pl-tray-remove="${nextSlug}"]`);
      if (target) target.focus();
      else if (!tray.hidden) title.focus();
      else root.querySelector("input[type=search]")?.focus();
    }

    // Back to a page restored from the browser's cache: the choice may have changed meanwhile.
    function onShow() {
      choice = readChoice();
      render();
    }

    // The tray stays in sight over the results; keep what gets focus or is scrolled to clear
    // of it (WCAG 2.4.11), by padding the page's scroll area by the tray's height.
    const html = document.documentElement;
    function pad() {
      html.style.scrollPaddingBottom = tray.hidden ? "" : `${tray.offsetHeight + 16}px`;
    }
    const sized = new ResizeObserver(pad);
    sized.observe(tray);

    // On a phone the tray would sit over the first result; it waits at the end of the results
    // (compare.css) until the visitor has scrolled past their top, then stays in sight.
    const top = element("span", "pl-tray__sentinel");
    top.setAttribute("aria-hidden", "true");
    list.before(top);
    tray.classList.add("pl-tray--rest");
    const resting = new IntersectionObserver(([entry]) => {
      tray.classList.toggle("pl-tray--rest", entry.boundingClientRect.top >= 0);
    });
    resting.observe(top);

    const observer = new MutationObserver(enhanceAll);
    observer.observe(list, { childList: true });
    list.addEventListener("change", onPick);
    tray.addEventListener("click", onTrayClick);
    go.addEventListener("click", save);
    window.addEventListener("pageshow", onShow);
    enhanceAll();
    render();
    return {
      destroy() {
        observer.disconnect();
        sized.disconnect();
        resting.disconnect();
        top.remove();
        html.style.scrollPaddingBottom = "";
        list.removeEventListener("change", onPick);
        window.removeEventListener("pageshow", onShow);
        tray.remove();
        live.remove();
      },
    };
  }

  // --- the compare page ---------------------------------------------------------------------

  const ROWS = [
    ["Service partner badges", "badges"],
    ["Tier", "tier"],
    ["Services", "services"],
    ["Offices", "offices"],
    ["Regions", "regions"],
    ["Languages", "languages"],
    ["Industries", "industries"],
    ["Certified practitioners", "certified"],
  ];
  const EMPTY = {
    badges: "None at present",
    tier: "None at present",
    languages: "Not stated",
    industries: "Not stated",
    certified: "None on record",
  };

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  // "2021-06-14" as the profile writes it: "14 June 2021".
  function dayText(iso) {
    const [year, month, day] = iso.split("-").map(Number);
    return `${day} ${MONTHS[month - 1]} ${year}`;
  }

  const ISO_DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
  const LOGO_TYPE = /^[a-z]{1,8}$/;

  // A partner's record (the program's ids, see compare.py) in the words of the page's terms.
  // Anything of another shape (a damaged file, an id the page has no word for, a record of
  // an older format kept by a cache) throws, and the partner is shown as missing rather
  // than in wrong words.
  function inWords(slug, record, terms) {
    const fail = (what) => { throw new Error(`compare.json of ${slug}: ${what}`); };
    const text = (value) => (typeof value === "string" && value ? value : fail(`not a text: ${value}`));
    const list = (value) => (Array.isArray(value) ? value : fail(`not a list: ${value}`));
    const pair = (value) => (Array.isArray(value) && value.length === 2 ? value : fail(`not a pair: ${value}`));
    const word = (table, id) => {
      const words = terms[table];
      return words && Object.prototype.hasOwnProperty.call(words, text(id)) ? words[id] : fail(`no word for ${table} ${id}`);
    };
    const day = (value) => (ISO_DAY.test(text(value)) ? value : fail(`not a day: ${value}`));
    const count = (value) => (Number.isInteger(value) && value > 0 ? value : fail(`not a count: ${value}`));
    if (!record || typeof record !== "object") fail("not a record");
    if (typeof record.logo !== "string" || (record.logo && !LOGO_TYPE.test(record.logo))) fail("no logo type");
    if (typeof record.tier !== "string") fail("no tier");
    return {
      slug,
      name: text(record.name),
      logo: record.logo ? `${slug}.${record.logo}` : "",
      badges: list(record.badges).map((held) => {
        const [id, granted] = pair(held);
        const [abbreviation, name] = pair(word("badges", id));
        return { id, abbreviation, name, granted: day(granted), grantedText: dayText(granted) };
      }),
      tier: record.tier ? word("tiers", record.tier) : "",
      services: list(record.services).map((id) => word("services", id)),
      offices: list(record.offices).map((office, i) => {
        const [city, country] = pair(office);
        return `${text(city)}, ${word("countries", country)}${i === 0 ? " (headquarters)" : ""}`;
      }),
      regions: list(record.regions).map((id) => word("regions", id)),
      languages: list(record.languages).map((code) => word("languages", code)),
      industries: list(record.industries).map((id) => word("industries", id)),
      certified: list(record.certified).map((item) => {
        const [id, n] = pair(item);
        const [one, many] = pair(word("certified", id));
        return `${count(n)} ${n === 1 ? one : many}`;
      }),
    };
  }

  function chosenSlugs(search, most) {
    const slugs = [];
    const ignored = [];
    for (const value of new URLSearchParams(search).getAll("p")) {
      const slug = value.trim().toLowerCase();
      if (!SLUG.test(slug)) ignored.push(value);
      else if (!slugs.includes(slug)) slugs.push(slug);
    }
    return { slugs: slugs.slice(0, most), extra: slugs.slice(most), ignored };
  }

  function mountCompare(root) {
    const view = root.querySelector("[data-pl-compare-view]");
    const status = root.querySelector("[data-pl-compare-status]");
    const most = Number(root.dataset.most) || MOST;
    const dataPattern = root.dataset.data;
    const profilePattern = root.dataset.profile;
    const logoPattern = root.dataset.logo;
    const cache = new Map();
    let sequence = 0;

    // The way back to the locator keeps the search the choice was made in.
    const stored = readChoice();
    for (const link of root.querySelectorAll("[data-pl-compare-back]")) {
      if (stored.search) link.href = new URL(link.getAttribute("href"), location.href).pathname + stored.search;
    }

    // The words of the program's ids; without them no record can be read (see show).
    let terms = null;
    try {
      terms = JSON.parse(document.getElementById("pl-compare-terms").textContent);
    } catch (error) {
      // Missing or damaged: show() reports that the comparison cannot be shown.
    }

    function load(slug) {
      if (!cache.has(slug)) {
        const url = new URL(dataPattern.replace("SLUG", slug), location.href).href;
        const pending = fetch(url).then((response) => {
          if (!response.ok) throw new Error(`${response.status} ${url}`);
          return response.json();
        }).then((record) => inWords(slug, record, terms));
        pending.catch(() => cache.delete(slug));
        cache.set(slug, pending);
      }
      return cache.get(slug);
    }

    function cell(record, key) {
      const td = element("td");
      const value = record[key];
      if (key === "badges") {
        if (!value.length) {
          td.textContent = EMPTY.badges;
          return td;
        }
        const ul = element("ul", "pl-compare__badges");
        for (const badge of value) {
          const li = element("li");
          const chip = element("span", `pl-badge pl-badge--${badge.id}`, badge.abbreviation);
          chip.setAttribute("aria-hidden", "true");
          const when = element("time", "pl-compare__since", `since ${badge.grantedText}`);
          when.dateTime = badge.granted;
          li.append(chip, element("span", "", badge.name), element("br"), when);
          ul.append(li);
        }
        td.append(ul);
        return td;
      }
      if (typeof value === "string") {
        td.textContent = value || EMPTY[key] || "";
        return td;
      }
      if (!value.length) {
        td.textContent = EMPTY[key] || "None";
        return td;
      }
      const ul = element("ul");
      for (const item of value) ul.append(element("li", "", item));
      td.append(ul);
      return td;
    }

    function header(record) {
      const th = element("th");
      th.scope = "col";
      const profile = profilePattern.replace("SLUG", encodeURIComponent(record.slug));
      if (record.logo) {
        const img = element("img", "pl-compare__logo");
        img.src = logoPattern.replace("FILE", encodeURIComponent(record.logo));
        img.alt = "";
        img.width = 40;
        img.height = 40;
        th.append(img);
      }
      const link = element("a", "pl-compare__name", record.name);
      link.href = profile;
      th.append(link);
      const remove = element("button", "pl-compare__remove", "Remove");
      remove.type = "button";
      remove.dataset.plCompareRemove = record.slug;
      remove.setAttribute("aria-label", `Remove ${record.name} from the comparison`);
      th.append(element("br"), remove);
      return th;
    }

    function table(records) {
      const wrap = element("div", "pl-compare__scroll");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-labelledby", "pl-compare-caption");
      wrap.tabIndex = 0;
      const t = element("table", "pl-compare__table");
      t.dataset.count = String(records.length);
      const caption = element("caption", "pl-visually-hidden",
        `${listText(records.map((r) => r.name))} side by side`);
      caption.id = "pl-compare-caption";
      const head = element("thead");
      const top = element("tr");
      const corner = element("td", "pl-compare__corner");
      top.append(corner, ...records.map(header));
      head.append(top);
      const body = element("tbody");
      for (const [label, key] of ROWS) {
        const tr = element("tr");
        tr.dataset.row = key;
        const th = element("th", "", label);
        th.scope = "row";
        tr.append(th, ...records.map((r) => cell(r, key)));
        body.append(tr);
      }
      const links = element("tr");
      const th = element("th", "", "Profile");
      th.scope = "row";
      links.append(th, ...records.map((r) => {
        const td = element("td");
        const a = element("a", "", "Full profile");
        a.href = profilePattern.replace("SLUG", encodeURIComponent(r.slug));
        a.append(hidden(` of ${r.name}`));
        td.append(a);
        return td;
      }));
      body.append(links);
      t.append(caption, head, body);
      wrap.append(t);
      return wrap;
    }

    function hint(count) {
      // Shown on narrow screens only (compare.css), where the table scrolls sideways.
      return element("p", "pl-compare__hint",
        count > 1 ? "Scroll the table sideways to see every partner." : "");
    }

    async function show(focusAfter) {
      const token = ++sequence;
      const { slugs, extra, ignored } = chosenSlugs(location.search, most);
      if (terms === null && slugs.length) throw new Error("the page's words (#pl-compare-terms) cannot be read");
      root.setAttribute("aria-busy", "true");
      const settled = await Promise.allSettled(slugs.map(load));
      if (token !== sequence) return;
      const records = [];
      const missing = [];
      settled.forEach((result, i) => {
        if (result.status === "fulfilled") records.push(result.value);
        else missing.push(slugs[i]);
      });
      const notes = [];
      if (missing.length) {
        notes.push(`No partner is listed at ${listText(missing.map((s) => `\u201c${s}\u201d`))}; `
          + "it may have left the locator, or the address is mistyped.");
      }
      if (extra.length || ignored.length) {
        notes.push(`Only the first ${most} partners of the address are shown.`);
      }
      let message;
      if (records.length === 0) message = "No partners chosen yet. Choose two to four in the locator.";
      else if (records.length === 1) message = `Showing ${records[0].name} alone. Choose up to ${most - 1} more in the locator to compare.`;
      else message = `Comparing ${records.length} partners: ${listText(records.map((r) => r.name))}`;
      if (!message.endsWith(".")) message += ".";
      status.textContent = [message, ...notes].join(" ");
      view.replaceChildren(...(records.length ? [hint(records.length), table(records)] : []));
      root.removeAttribute("aria-busy");
      root.dataset.plReady = "true";
      // The locator's tray follows the comparison the visitor is looking at.
      if (records.length) {
        writeChoice({ items: records.map((r) => ({ slug: r.slug, name: r.name })), search: readChoice().search });
      }
      if (focusAfter) {
        const next = view.querySelector("[data-pl-compare-remove]");
        (next || status).focus?.();
      }
    }

    function onClick(event) {
      const button = event.target.closest("[data-pl-compare-remove]");
      if (!button) return;
      const { slugs } = chosenSlugs(location.search, most);
      const rest = slugs.filter((s) => s !== button.dataset.plCompareRemove);
      const choice = readChoice();
      writeChoice({ items: choice.items.filter((i) => rest.includes(i.slug)), search: choice.search });
      // A null state keeps Material's instant navigation out of this page's own entries.
      history.pushState(null, "", location.pathname + (rest.length ? compareQuery(rest) : "") + location.hash);
      show(true).catch(report);
    }

    // Entries of this page that differ only in their query are this script's own: it
    // answers them alone, and Material's instant navigation does not load the page again.
    const path = location.pathname;
    let hash = location.hash;
    function onHash() { hash = location.hash; }
    function onPop(event) {
      if (!root.isConnected) return;
      if (location.pathname !== path) return;
      if (location.hash === hash) event.stopImmediatePropagation();
      hash = location.hash;
      show(false).catch(report);
    }

    function report(error) {
      status.textContent = "The comparison cannot be shown right now. Each partner's profile has the same facts.";
      root.removeAttribute("aria-busy");
      console.error(error);
    }

    status.tabIndex = -1;
    view.addEventListener("click", onClick);
    const unlisten = listenToHistory(onPop);
    window.addEventListener("hashchange", onHash);
    show(false).catch(report);
    return {
      destroy() {
        sequence += 1;
        unlisten();
        window.removeEventListener("hashchange", onHash);
      },
    };
  }

  // --- the profile's copy button ----------------------------------------------------------

  function mountCopy(button) {
    const code = document.getElementById(button.dataset.plCopy);
    const status = button.parentNode.querySelector("[data-pl-copy-status]");
    if (!code) return;
    button.hidden = false;
    const say = status ? announcer(status) : () => {};

    function select() {
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }

    button.addEventListener("click", async () => {
      const text = code.textContent;
      try {
        await navigator.clipboard.writeText(text);
        say("Copied. Paste it into the HTML of your page.");
      } catch {
        select();
        const done = document.execCommand && document.execCommand("copy");
        say(done ? "Copied. Paste it into the HTML of your page."
          : "The HTML is selected: press Ctrl+C (or \u2318C) to copy it.");
      }
    });
  }

  // --- start -------------------------------------------------------------------------------

  let active = [];

  function start() {
    for (const part of active) part.destroy();
    active = [];
    const locator = document.querySelector("[data-pl-locator]");
    if (locator) {
      const tray = mountTray(locator);
      if (tray) active.push(tray);
    }
    const compare = document.querySelector("[data-pl-compare]");
    if (compare) active.push(mountCompare(compare));
    for (const button of document.querySelectorAll("[data-pl-copy]")) mountCopy(button);
  }

  if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
