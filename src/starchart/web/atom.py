"""The watchlist as an Atom feed (RFC 4287): one entry per event, newest release first.

Written with the standard library's ElementTree, so every name and title is escaped. Entry
ids are tag URIs (RFC 4151) made of the event's release, source, title, kind and week: the
same event keeps its id in every later feed, so a reader shows it once.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
TAG = "tag:starchart,2025:watchlist"


def _text(parent: ET.Element, name: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    element.text = text
    return element


def _link(parent: ET.Element, href: str, rel: str = "alternate",
          media: str | None = None) -> None:
    attrs = {"href": href, "rel": rel}
    if media:
        attrs["type"] = media
    ET.SubElement(parent, f"{{{ATOM}}}link", attrs)


def event_id(event: dict[str, Any]) -> str:
    """The entry's stable id, e.g.
    ``tag:starchart,2025:watchlist/12/netflix/nf-…/entered/2025-03-16``."""
    return "/".join([TAG, str(event["release"]), event["source"], event["title_id"],
                     event["event"], event["week"]])


def watchlist_feed(page: dict[str, Any], base_url: str) -> bytes:
    """The Atom document of :func:`starchart.web.pages.watchlist_page`'s ``page``; links are
    made absolute against ``base_url`` (the site's address, ending in '/')."""
    base = base_url.rstrip("/")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"{TAG}/feed")
    _text(feed, "title", "starchart: what watched titles did")
    _text(feed, "subtitle", "Watched titles entering a Top 10, reaching #1, charting in new "
                            "countries, release by release")
    events = page["events"]
    updated = events[0]["published_at"] if events else page["release"]["published_at"]
    _text(feed, "updated", updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "starchart")
    _link(feed, base + page["links"]["atom"], "self", MEDIA_TYPE)
    _link(feed, base + page["links"]["json"], "alternate", "application/json")
    _text(feed, "generator", "starchart")
    for event in events:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", event_id(event))
        _text(entry, "title", event["summary"])
        _text(entry, "updated", event["published_at"])
        _link(entry, base + event["url"])
        _text(entry, "category", "", term=event["event"])
        _text(entry, "summary",
              f"{event['summary']} (source {event['source']}, release {event['release']})")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
