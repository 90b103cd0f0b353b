"""Reads a running Plenum demo town's Atom feeds with feedparser, a parser Plenum did not write.

    python check_feeds.py BASE_URL

BASE_URL is the town's public address (http://127.0.0.1:PORT). For the town's feed and two
process feeds, feedparser must read the document without any error (`bozo` false), with the
entries the demo seeded: their titles in the town's language (French), links and ids on the
town's address, dates newest first, at most 50 entries. A feed reader sending back the ETag
gets 304, and an unknown process has no feed.
Prints one line per check and exits non-zero on the first failure.
"""
import sys
import urllib.error
import urllib.request

import feedparser


def fail(message):
    print(f"FAIL {message}")
    sys.exit(1)


def ok(message):
    print(f"ok   {message}")


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def read_feed(base, path):
    status, headers, body = fetch(base + path)
    if status != 200:
        fail(f"{path}: status {status}")
    if not headers.get("Content-Type", "").startswith("application/atom+xml"):
        fail(f"{path}: Content-Type {headers.get('Content-Type')}")
    feed = feedparser.parse(body)
    if feed.bozo:
        fail(f"{path}: feedparser found the document malformed: {feed.bozo_exception}")
    if feed.version != "atom10":
        fail(f"{path}: read as {feed.version!r}, not Atom 1.0")
    entries = feed.entries
    if not 1 <= len(entries) <= 50:
        fail(f"{path}: {len(entries)} entries")
    for entry in entries:
        for field in ("id", "title", "link", "updated_parsed"):
            if not entry.get(field):
                fail(f"{path}: an entry without {field}: {entry.get('id')}")
        if not entry.link.startswith(base + "/") or not entry.id.startswith(base + "/"):
            fail(f"{path}: entry {entry.id} links off the town: {entry.link}")
    dates = [e.updated_parsed for e in entries]
    if dates != sorted(dates, reverse=True):
        fail(f"{path}: entries are not newest first")
    if len({e.id for e in entries}) != len(entries):
        fail(f"{path}: two entries share an id")
    ok(f"{path}: Atom 1.0, no error, {len(entries)} entries, newest first")
    return feed, headers


def entry_titled(feed, path, title):
    for entry in feed.entries:
        if entry.title == title:
            return entry
    fail(f"{path}: no entry titled {title!r}; titles: {[e.title for e in feed.entries][:10]}")


def main():
    base = sys.argv[1].rstrip("/")

    town, headers = read_feed(base, "/feed.atom")
    if "Ville de Démo" not in town.feed.title:
        fail(f"/feed.atom: feed title {town.feed.title!r}")
    if town.feed.get("language") != "fr":
        fail(f"/feed.atom: language {town.feed.get('language')!r}")
    status, _, _ = fetch(base + "/feed.atom", {"If-None-Match": headers["ETag"]})
    if status != 304:
        fail(f"/feed.atom with its ETag: status {status}, not 304")
    ok("/feed.atom: titled in French, 304 when unchanged")

    path = "/processes/budget-2027/feed.atom"
    feed, _ = read_feed(base, path)
    entry = entry_titled(feed, path, "Nouvelle proposition : Des bancs ombragés place du Marché")
    if not entry.link.startswith(base + "/proposals/"):
        fail(f"{path}: proposal link {entry.link}")
    # The Markdown body arrives as HTML that feedparser keeps after its own sanitising.
    if "<strong>six bancs</strong>" not in entry.content[0].value:
        fail(f"{path}: content {entry.content[0].value!r}")
    ok(f"{path}: the demo's first proposal, its link and its HTML body")

    path = "/processes/budget-2022-jolimont/feed.atom"
    feed, _ = read_feed(base, path)
    entry = entry_titled(feed, path, "Résultats publiés : Quartier 10 (2022)")
    if entry.link != base + "/processes/budget-2022-jolimont/budgets/quartier-10/results":
        fail(f"{path}: results link {entry.link}")
    if "bulletins comptés" not in entry.summary:
        fail(f"{path}: results summary {entry.summary!r}")
    ok(f"{path}: the published results and their link")

    status, _, _ = fetch(base + "/processes/no-such-process/feed.atom")
    if status != 404:
        fail(f"unknown process feed: status {status}, not 404")
    ok("an unknown process has no feed (404)")


if __name__ == "__main__":
    main()
