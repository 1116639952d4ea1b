{#- Rendered once a build (a static template), from Material's own partials and the site's
    configuration: the parts of the header that work only with JavaScript. -#}
{%- import "partials/language.html" as lang with context -%}
{%- set features = config.theme.features or [] -%}
{%- macro squeeze() -%}{{ caller().split() | join(" ") }}{%- endmacro -%}
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
/* The colour palette toggle and the search box of the light shell's header (profiles and
 * directory lists), the same markup and script as Material prints into every other page.
 * This script stands where they go: it puts them in its own place as the page is parsed,
 * before Material's bundle runs, so Material finds and mounts them as usual. Both work only
 * with JavaScript, so a visitor without it loses nothing.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.parentNode) return;
  const template = document.createElement("template");
  template.innerHTML = {{ parts | tojson }};
  // Scripts parsed from a template never run; copies put into the page run at once.
  for (const old of template.content.querySelectorAll("script")) {
    const copy = document.createElement("script");
    copy.textContent = old.textContent;
    old.replaceWith(copy);
  }
  script.replaceWith(template.content);
})();
