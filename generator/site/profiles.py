"""A partner's profile page and its schema.org Organization data."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from generator.catalog import CatalogEntry
from generator.facets import language_name
from generator.model import Program
from generator.site.badge_image import embed_context
from generator.site.common import (
    LOCATOR,
    PlannedPage,
    SiteOptions,
    day_text,
    initials,
    logo_path,
    office_text,
    profile_src,
    render,
    script_json,
)
from generator.site.urls import UrlStyle

#: The handbook's section on what each service covers (its heading "Service offerings").
SERVICES_ANCHOR = "service-offerings"

# --- profiles -------------------------------------------------------------------------------


def profile_page(entry: CatalogEntry, program: Program, *, urls: UrlStyle,
                 options: SiteOptions, site_url: str | None) -> PlannedPage:
    """Everything public about one partner."""
    src = profile_src(entry.slug)
    partner = entry.partner
    services = {s.id: s for s in program.services}
    industries = {i.id: i.name for i in program.industries}
    logo = logo_path(entry)
    badge_page = urls.link(src, options.badges_page)
    hq = entry.offices[0]
    email = partner.contact.email if partner.contact else None
    phone = partner.contact.phone if partner.contact else None
    context = {
        "locator_url": urls.link(src, LOCATOR),
        "logo": urls.href(src, logo) if logo else "",
        "initials": initials(partner.name),
        "name": partner.name,
        "summary": partner.summary,
        "website": partner.website,
        "badges": [
            {
                "id": h.id,
                "name": h.badge.name,
                "abbreviation": h.badge.abbreviation,
                "handbook_url": f"{badge_page}#{h.id}",
                "granted_text": day_text(h.granted),
                "next_review_text": day_text(h.next_review) if h.next_review else "",
                "grace": h.status == "grace",
            }
            for h in entry.held
        ],
        "tier": entry.tier.name if entry.tier is not None else "",
        "headquarters": office_text(hq.city, hq.country),
        "services": [services[s].name for s in partner.services],
        "services_url": urls.link(src, options.handbook_page) + "#" + SERVICES_ANCHOR,
        "certified": [c.label for c in entry.certified],
        "offices": [
            {"text": office_text(o.city, o.country), "headquarters": i == 0}
            for i, o in enumerate(entry.offices)
        ],
        "languages": ", ".join(language_name(code) for code in partner.languages),
        "industries": ", ".join(industries[i] for i in partner.industries),
        "email": email,
        "phone": phone,
        "phone_href": tel_href(phone) if phone else "",
        "embed": embed_context(entry, program, src=src, urls=urls, site_url=site_url,
                               badges_url=badge_page),
    }
    body = render("profile.html", **context)
    head = Markup('<script type="application/ld+json">{}</script>').format(
        script_json(organization(entry, program, site_url, urls))
    ) + share_tags(entry, urls, site_url)
    return PlannedPage(src, "profile", partner.name, body, head, description=partner.summary)


def tel_href(phone: str) -> str:
    """A ``tel:`` link of a number as written: ``+49 40 5550-1234`` links ``tel:+494055501234``.

    Only the digits and a leading ``+`` are kept; a number with no digits gets no link.
    """
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return ""
    return "tel:" + ("+" if phone.lstrip().startswith("+") else "") + digits


def share_tags(entry: CatalogEntry, urls: UrlStyle, site_url: str | None) -> Markup:
    """Open Graph and Twitter card tags, so a shared link shows the name, summary and logo.

    The page's URL and the image need absolute addresses, so they are left out when the site
    has no ``site_url``. A Twitter card takes its title, description and image from the Open
    Graph tags when it has none of its own, so only its kind is given. The summary is already
    the page's description, which Open Graph consumers read when there is no
    ``og:description``: it is not printed a third time (it is in the structured data too).
    """
    partner = entry.partner
    tags: list[tuple[str, str, str]] = [
        ("property", "og:type", "website"),
        ("property", "og:title", partner.name),
    ]
    if site_url:
        tags.append(("property", "og:url", site_url + urls.page_url(profile_src(entry.slug))))
        if (logo := logo_path(entry)) is not None:
            tags.append(("property", "og:image", site_url + logo))
            tags.append(("property", "og:image:alt", f"{partner.name} logo"))
    tags.append(("name", "twitter:card", "summary"))
    return Markup("").join(
        Markup('<meta {}="{}" content="{}">').format(kind, key, escape(value))
        for kind, key, value in tags
    )


def organization(entry: CatalogEntry, program: Program, site_url: str | None,
                 urls: UrlStyle) -> dict[str, Any]:
    """schema.org Organization data of a partner."""
    partner = entry.partner
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": partner.name,
        "url": partner.website,
        "description": partner.summary.strip(),
    }
    if site_url:
        data["@id"] = site_url + urls.page_url(profile_src(entry.slug))
        if (logo := logo_path(entry)) is not None:
            data["logo"] = site_url + logo
    data["address"] = [
        {"@type": "PostalAddress", "addressLocality": o.city, "addressCountry": o.country}
        for o in entry.offices
    ]
    if partner.contact and partner.contact.email:
        data["email"] = partner.contact.email
    if partner.contact and partner.contact.phone:
        data["telephone"] = partner.contact.phone
    if partner.languages:
        data["knowsLanguage"] = list(partner.languages)
    if entry.held:
        data["award"] = [f"{program.name}: {h.badge.name}" for h in entry.held]
    services = {s.id: s.name for s in program.services}
    data["knowsAbout"] = [services[s] for s in partner.services]
    return data

