{#- Rendered once a build (a static template), from Material's own partials and the site's
    configuration: the parts of the light shell that work only with JavaScript. -#}
{%- import "partials/language.html" as lang with context -%}
{%- set features = config.theme.features or [] -%}
{%- macro squeeze() -%}{{ caller().split() | join(" ") }}{%- endmacro -%}
{#- As the config block of Material's base.html, with base and search relative to the root.
    A browser test compares the result with what Material prints into a handbook page. -#}
{%- set _ = namespace() -%}
{%- set _.annotate = config.extra.annotate -%}
{%- set _.tags = config.extra.tags -%}
{%- if config.extra.version -%}
  {%- set mike = config.plugins.mike -%}
  {%- if not mike or mike.config.version_selector -%}
    {%- set _.version = config.extra.version -%}
  {%- endif -%}
{%- endif -%}
{%- set site_config = {
  "base": ".",
  "features": features,
  "translations": {
    "clipboard.copy": lang.t("clipboard.copy"),
    "clipboard.copied": lang.t("clipboard.copied"),
    "search.result.placeholder": lang.t("search.result.placeholder"),
    "search.result.none": lang.t("search.result.none"),
    "search.result.one": lang.t("search.result.one"),
    "search.result.other": lang.t("search.result.other"),
    "search.result.more.one": lang.t("search.result.more.one"),
    "search.result.more.other": lang.t("search.result.more.other"),
    "search.result.term.missing": lang.t("search.result.term.missing"),
    "select.version": lang.t("select.version")
  },
  "search": "assets/javascripts/workers/search.a7633da7.min.js",
  "annotate": _.annotate or none,
  "tags": _.tags or none,
  "version": _.version or none
} -%}
{%- set parts -%}{% call squeeze() %}
  {% if config.theme.palette and not config.theme.palette is mapping %}
    {% include "partials/palette.html" %}
  {% endif %}
  {% if not config.theme.palette is mapping %}
    {% include "partials/javascripts/palette.html" %}
  {% endif %}
  {% if "material/search" in config.plugins %}
    {% set search = config.plugins["material/search"] | attr("config") %}
    {% if search.enabled %}
      <label class="md-header__button md-icon" for="__search">
        {% set icon = config.theme.icon.search or "material/magnify" %}
        {% include ".icons/" ~ icon ~ ".svg" %}
      </label>
      {% include "partials/search.html" %}
    {% endif %}
  {% endif %}
{% endcall %}{%- endset -%}
{#- Fixed in place on the screen, so they may stand anywhere in the body. -#}
{%- set tail -%}{% call squeeze() %}
  {% if "navigation.top" in features %}
    {% include "partials/top.html" %}
  {% endif %}
  <div class="md-dialog" data-md-component="dialog"><div class="md-dialog__inner md-typeset"></div></div>
{% endcall %}{%- endset -%}
/* What the light shell (profiles and directory lists) leaves to a script, the same markup and
 * script as Material prints into every other page: its storage helpers, the colour palette
 * toggle and the search box of the header, the back-to-top button, the dialog and Material's
 * configuration (its "__config" element). This script stands where the toggle and the box go:
 * it puts them in their places as the page is parsed, before Material's bundle runs, so
 * Material finds and mounts them as usual. All of it works only with JavaScript, so a visitor
 * without it loses nothing.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.parentNode) return;
  const root = new URL("../../", script.src);
  // Material's storage helpers (its partials/javascripts/base.html), which its palette script
  // and bundle read, with the scope the site's root.
  window.__md_scope = {% if config.extra.scope %}new URL({{ config.extra.scope | tojson }}, location){% else %}root{% endif %};
  window.__md_hash = (e) => [...e].reduce((e, _) => (e << 5) - e + _.charCodeAt(0), 0);
  window.__md_get = (e, _ = localStorage, t = window.__md_scope) =>
    JSON.parse(_.getItem(t.pathname + "." + e));
  window.__md_set = (e, _, t = localStorage, a = window.__md_scope) => {
    try { t.setItem(a.pathname + "." + e, JSON.stringify(_)); } catch (e) { /* full or off */ }
  };
  const template = document.createElement("template");
  template.innerHTML = {{ parts | tojson }};
  // Scripts parsed from a template never run; copies put into the page run at once.
  for (const old of template.content.querySelectorAll("script")) {
    const copy = document.createElement("script");
    copy.textContent = old.textContent;
    old.replaceWith(copy);
  }
  const config = {{ site_config | tojson }};
  config.base = new URL(config.base, root).href;
  config.search = new URL(config.search, root).href;
  const element = document.createElement("script");
  element.id = "__config";
  element.type = "application/json";
  element.textContent = JSON.stringify(config);
  script.replaceWith(template.content);
  const tail = document.createElement("template");
  tail.innerHTML = {{ tail | tojson }};
  document.body.append(tail.content, element);
})();
