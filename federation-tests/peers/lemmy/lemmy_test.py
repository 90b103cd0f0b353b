"""A real Lemmy 0.19.20 follows a Plenum process, driven as a Lemmy user would through Lemmy's own
API, and Plenum as its citizens and staff do. Plenum runs on SQLite under a host name
(plenum.test, as Lemmy wants names, never IP literals); Lemmy on lemmy.test:8536, started by the
peer's start.sh (PLENUM_LEMMY_PEER, default ../shared/peers/lemmy next to the repository).

Prints a table of steps and results, writes the Lemmy rows of docs/interop.md, and exits non-zero
on the first failure.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "federation"))
import lib  # noqa: E402
from lib import get_json, request, wait_until  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BIN = os.environ.get("PLENUM_BIN", "target/debug/plenum")
PEER_DIR = os.environ.get("PLENUM_LEMMY_PEER", os.path.join(ROOT, "..", "shared", "peers", "lemmy"))
PEER = "Lemmy 0.19.20"
matrix = lib.InteropMatrix("lemmy", f"{PEER} (release build, PostgreSQL), host names over http")
results = []
started = time.time()


def check(what, condition, detail="", row=None):
    """One assertion, one line of the table; `row` = (activity, direction) also goes into the
    interop matrix."""
    ok = bool(condition)
    results.append((what, "pass" if ok else "FAIL", round(time.time() - started)))
    if row:
        matrix.record(PEER, row[0], row[1], ok, "federation-tests/peers/lemmy")
    if not ok:
        raise AssertionError(f"FAILED: {what} {str(detail)[:1500]}")
    print(f"  ok  {what}", flush=True)


def iso(days):
    return (datetime.datetime.utcnow() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


class Lemmy:
    """The Lemmy server, through its HTTP API (v3), as its admin user."""

    def __init__(self, info):
        self.base = info["base"]
        self.pid = int(info["pid"])
        self.log = info["log"]
        self.jwt = info["jwt"]

    def call(self, method, path, body=None, **query):
        url = f"{self.base}/api/v3{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Authorization": f"Bearer {self.jwt}", "Content-Type": "application/json"}
        r = request(method, url, None if body is None else json.dumps(body), headers, timeout=30)
        try:
            return r.status, r.json()
        except ValueError:
            return r.status, {"raw": r.text[:500]}

    def ok(self, method, path, body=None, **query):
        status, j = self.call(method, path, body, **query)
        if status != 200:
            raise AssertionError(f"Lemmy {method} {path} answered {status}: {j}")
        return j

    def resolve(self, q):
        return self.ok("GET", "/resolve_object", q=q)

    def subscribed(self, community_id):
        return self.ok("GET", "/community", id=community_id)["community_view"]["subscribed"]

    def posts(self, community_id):
        return self.ok("GET", "/post/list", community_id=community_id, sort="New", type_="All", limit=50)["posts"]

    def post(self, post_id):
        return self.ok("GET", "/post", id=post_id)["post_view"]

    def comments(self, post_id):
        return self.ok("GET", "/comment/list", post_id=post_id, type_="All", sort="Old", limit=50)["comments"]

    def stop(self):
        try:
            os.kill(self.pid, 15)
        except OSError:
            pass

    def warnings(self):
        try:
            return [line for line in open(self.log) if "WARN" in line or "ERROR" in line][-15:]
        except OSError:
            return []


def start_lemmy():
    script = os.path.join(PEER_DIR, "start.sh")
    if not os.path.exists(script):
        raise AssertionError(f"the Lemmy peer is missing: no {script} (set PLENUM_LEMMY_PEER to its folder)")
    out = subprocess.run(["bash", script], check=True, capture_output=True, text=True, timeout=180)
    return Lemmy(json.loads(out.stdout.strip().splitlines()[-1]))


def make_process(staff, slug, title):
    r = staff.form("/admin/processes", {"slug": slug, "title": title, "description": f"{title}: ideas for the town.", "scope": "", "categories": ""})
    pid = re.search(r"/admin/processes/([^?]+)", r.headers["Location"]).group(1)
    staff.form(f"/admin/processes/{pid}/phases", {"kind": "proposals", "starts_at": iso(-1), "ends_at": iso(30),
                                                  "proposals_enabled": "on", "endorsements_enabled": "on", "comments_enabled": "on"})
    staff.form(f"/admin/processes/{pid}/publish", {})
    return pid


def proposal(person, pid):
    j = person.api("GET", f"/api/v1/proposals/{pid}").json()
    return j.get("proposal", j)


def plenum_comments(person, pid):
    return person.api("GET", f"/api/v1/proposals/{pid}/comments").json()["items"]


def subscribe(lemmy, community_id):
    """Follows until Lemmy says Subscribed: its worker may skip the first activities to a peer it
    has just met, so unfollow and follow again, for up to two minutes."""
    deadline = time.time() + 120
    attempts = 0
    while time.time() < deadline:
        attempts += 1
        lemmy.ok("POST", "/community/follow", {"community_id": community_id, "follow": True})
        try:
            wait_until("Subscribed", lambda: lemmy.subscribed(community_id) == "Subscribed", timeout=20, interval=1)
            return attempts
        except AssertionError:
            lemmy.ok("POST", "/community/follow", {"community_id": community_id, "follow": False})
            time.sleep(1)
    return None


def lemmy_post_by_name(lemmy, community_id, name):
    return next((p for p in lemmy.posts(community_id) if p["post"]["name"] == name), None)


def deliveries_to(staff, host):
    """The rows of the staff federation page about deliveries to `host`: (state, answer)."""
    html = staff.page("/admin/federation").text
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if host not in tr:
            continue
        cells = [re.sub(r"<[^>]+>", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows.append(cells)
    return rows


def main():
    workdir = tempfile.mkdtemp(prefix="plenum-lemmy-")
    lib.ensure_hosts({"plenum.test": "127.0.0.1", "lemmy.test": "127.0.0.1"})
    town = lib.Instance("a", BIN, workdir, "sqlite", ["lemmy.test:8536", "lemmy.test"])
    town.host = f"plenum.test:{town.port}"
    town.base = f"http://{town.host}"
    lemmy = None
    try:
        town.start()
        town.create_admin()
        staff = town.staff
        print(f"== Plenum at {town.base} (SQLite)")
        budget = make_process(staff, "budget-2027", "Budget 2027")
        # Endorsing and proposing by verified residents only: Lemmy's votes are counted apart,
        # and Lemmy users may not post here.
        staff.form(f"/admin/processes/{budget}/eligibility", {"rule": "residents", "propose": "residents", "comment": "open", "vote": "residents", "peer_hosts": ""})
        ideas = make_process(staff, "ideas-2027", "Open ideas 2027")
        group = f"{town.base}/processes/budget-2027"
        ideas_group = f"{town.base}/processes/ideas-2027"
        alice = town.sign_up("alice", "Alice Martin")
        check("staff verify Alice as a resident", staff.form("/admin/census/verify", {"username": "alice"}).status == 303)
        existing = {}
        for title, body in [("Trees on the market square", "Plant twelve lime trees on the market square for shade."),
                            ("A bike lane on Station Road", "Paint a protected bike lane along Station Road to the station."),
                            ("Repair the old fountain", "Repair the fountain in the park and run it from May to September.")]:
            r = alice.api("POST", "/api/v1/processes/budget-2027/proposals", {"title": title, "body": body})
            assert r.status == 201, (r.status, r.text[:300])
            existing[title] = r.json()["id"]
        check("three proposals exist before Lemmy meets the process", len(existing) == 3, existing)
        g = get_json(group)
        check("the Group advertises postingRestrictedToMods: true where fediverse proposals are not taken",
              g["postingRestrictedToMods"] is True, g.get("postingRestrictedToMods"), row=("Group: postingRestrictedToMods true (residents only)", "Plenum → Lemmy"))
        check("and false where the process takes proposals from anyone", get_json(ideas_group)["postingRestrictedToMods"] is False)
        outbox = get_json(f"{group}/outbox")
        item = outbox["orderedItems"][0]
        check("outbox items carry to/cc on the Announce and on the Create inside",
              item.get("to") and item.get("cc") and item["object"].get("to") and item["object"].get("cc"), item)

        print("== Lemmy starts and resolves the process")
        lemmy = start_lemmy()
        r = lemmy.resolve(group)
        community = r.get("community")
        check("Lemmy resolves the process by URL as a community",
              community and community["community"]["actor_id"] == group and community["community"]["name"] == "budget-2027", r,
              row=("resolve a process by URL", "Lemmy → Plenum"))
        cid = community["community"]["id"]
        check("Lemmy reads postingRestrictedToMods: true", community["community"]["posting_restricted_to_mods"] is True, community)
        by_name = lemmy.resolve(f"!budget-2027@{town.host}")
        check("Lemmy resolves !budget-2027@host (WebFinger) to the same community",
              by_name.get("community", {}).get("community", {}).get("id") == cid, by_name, row=("resolve !slug@host (WebFinger)", "Lemmy → Plenum"))

        print("== subscribe")
        attempts = subscribe(lemmy, cid)
        check(f"Lemmy's follow is Subscribed (after {attempts} follow(s))", attempts is not None,
              lemmy.warnings(), row=("Follow → Accept (Subscribed)", "both"))
        titles = wait_until("the existing proposals on Lemmy",
                            lambda: (lambda names: names if set(existing) <= names else None)({p["post"]["name"] for p in lemmy.posts(cid)}),
                            timeout=60, interval=1)
        check("a new subscriber sees the proposals that existed before (the outbox)", set(existing) <= titles, titles,
              row=("outbox: Announce(Create(Page)) with to/cc read on first contact", "Plenum → Lemmy"))

        print("== a new proposal, its edit, its answer and state change")
        r = alice.api("POST", "/api/v1/processes/budget-2027/proposals",
                      {"title": "Benches by the river", "body": "Put ten benches along the river path, one every hundred metres."})
        p1 = r.json()["id"]
        post = wait_until("the new proposal on Lemmy", lambda: lemmy_post_by_name(lemmy, cid, "Benches by the river"), timeout=60, interval=1)
        check("the new proposal reaches Lemmy as a post by its author, with its body",
              post["creator"]["actor_id"] == alice.actor and "ten benches" in (post["post"].get("body") or ""), post,
              row=("Announce(Create(Page)) of a new proposal", "Plenum → Lemmy"))
        lemmy_p1 = post["post"]["id"]
        r = alice.api("PATCH", f"/api/v1/proposals/{p1}", {"version": 1, "title": "Benches by the river", "body": "Put twelve benches along the river path, one every hundred metres."})
        check("the author edits the proposal in Plenum", r.status == 200, r.text[:300])
        edited = wait_until("the edit on Lemmy", lambda: "twelve benches" in (lemmy.post(lemmy_p1)["post"].get("body") or ""), timeout=60, interval=1)
        check("the edit reaches Lemmy (Announce(Update(Page)) by the author)", edited, lemmy.warnings(),
              row=("Announce(Update(Page)) by the author: an edit", "Plenum → Lemmy"))
        r = staff.form(f"/admin/proposals/{p1}/answer", {"state": "accepted", "answer": "The parks department will install them in April."})
        check("staff answer the proposal officially (accepted)", r.status == 303, r.text[:300])
        body = wait_until("the answer on Lemmy", lambda: (lambda b: b if "install them in April" in b else None)(lemmy.post(lemmy_p1)["post"].get("body") or ""), timeout=60, interval=1)
        check("the official answer and the new state reach Lemmy (Announce(Update(Page)) in the author's name)",
              "State: Accepted" in body and "install them in April" in body, body,
              row=("Announce(Update(Page)) in the author's name: official answer, state", "Plenum → Lemmy"))

        print("== withdrawal and moderation removal")
        fountain = existing["Repair the old fountain"]
        lemmy_fountain = lemmy_post_by_name(lemmy, cid, "Repair the old fountain")["post"]["id"]
        r = alice.api("POST", f"/api/v1/proposals/{fountain}/withdraw")
        check("the author withdraws a proposal", r.status in (200, 204), r.text[:300])
        wait_until("the withdrawal on Lemmy", lambda: "State: Withdrawn" in (lemmy.post(lemmy_fountain)["post"].get("body") or ""), timeout=60, interval=1)
        check("Lemmy shows the proposal as withdrawn", "State: Withdrawn" in lemmy.post(lemmy_fountain)["post"]["body"],
              row=("Announce(Update(Page)) by the author: withdrawal", "Plenum → Lemmy"))
        bike = existing["A bike lane on Station Road"]
        lemmy_bike = lemmy_post_by_name(lemmy, cid, "A bike lane on Station Road")["post"]["id"]
        r = staff.form(f"/admin/moderation/proposal/{bike}/hide", {})
        check("staff hide a proposal (moderation)", r.status == 303, r.text[:300])
        wait_until("the removal on Lemmy", lambda: lemmy.post(lemmy_bike)["post"]["removed"], timeout=60, interval=1)
        check("Lemmy marks the post removed (Announce(Delete) by a moderator, with a summary)", lemmy.post(lemmy_bike)["post"]["removed"] is True,
              row=("Announce(Delete) by a moderator: removal", "Plenum → Lemmy"))

        print("== comments and replies, both ways, threads kept")
        trees = existing["Trees on the market square"]
        lemmy_trees = lemmy_post_by_name(lemmy, cid, "Trees on the market square")["post"]["id"]
        c1 = lemmy.ok("POST", "/comment", {"post_id": lemmy_trees, "content": "Lime trees would be lovely in July."})["comment_view"]["comment"]
        mine = wait_until("the Lemmy comment in Plenum", lambda: next((c for c in plenum_comments(alice, trees) if "lovely in July" in c["body"]), None), timeout=60, interval=1)
        check("a Lemmy comment on a post becomes a comment on the proposal", mine["parent_id"] is None, mine,
              row=("Create(Note) comment → comment", "Lemmy → Plenum"))
        r = alice.api("POST", f"/api/v1/proposals/{trees}/comments", {"body": "They also need watering in August.", "parent_id": mine["id"]})
        check("a Plenum citizen replies to the Lemmy comment", r.status in (200, 201), r.text[:300])
        reply = wait_until("the reply on Lemmy", lambda: next((c for c in lemmy.comments(lemmy_trees) if "watering in August" in c["comment"]["content"]), None), timeout=60, interval=1)
        check("Lemmy shows the Plenum reply under its comment (thread kept)",
              reply["comment"]["path"].split(".")[-2] == str(c1["id"]) and reply["creator"]["actor_id"] == alice.actor, reply,
              row=("Announce(Create(Note)) reply to a Lemmy comment, threaded", "Plenum → Lemmy"))
        r = alice.api("POST", f"/api/v1/proposals/{trees}/comments", {"body": "Could the town plant oaks instead?"})
        top = r.json()["id"]
        theirs = wait_until("the Plenum comment on Lemmy", lambda: next((c for c in lemmy.comments(lemmy_trees) if "oaks instead" in c["comment"]["content"]), None), timeout=60, interval=1)
        check("a Plenum comment reaches Lemmy as a top-level comment", len(theirs["comment"]["path"].split(".")) == 2, theirs,
              row=("Announce(Create(Note)) of a comment", "Plenum → Lemmy"))
        lemmy.ok("POST", "/comment", {"post_id": lemmy_trees, "parent_id": theirs["comment"]["id"], "content": "Oaks grow too slowly for this square."})
        answer = wait_until("the Lemmy reply in Plenum", lambda: next((c for c in plenum_comments(alice, trees) if "too slowly" in c["body"]), None), timeout=60, interval=1)
        check("a Lemmy reply to a Plenum comment stays in its thread", answer["parent_id"] == top, answer,
              row=("Create(Note) reply to a Plenum comment, threaded", "Lemmy → Plenum"))

        print("== votes")
        lemmy.ok("POST", "/post/like", {"post_id": lemmy_trees, "score": 1})
        wait_until("the upvote counted", lambda: proposal(alice, trees)["federated_count"] == 1, timeout=60, interval=1)
        p = proposal(alice, trees)
        check("an upvote counts in the fediverse class, never as a binding endorsement",
              p["federated_count"] == 1 and p["endorsement_count"] == 0, p, row=("Like (upvote) → fediverse endorsement", "Lemmy → Plenum"))
        lemmy.ok("POST", "/post/like", {"post_id": lemmy_trees, "score": 0})
        wait_until("the upvote undone", lambda: proposal(alice, trees)["federated_count"] == 0, timeout=60, interval=1)
        check("undoing the upvote withdraws it", proposal(alice, trees)["federated_count"] == 0, row=("Undo(Like)", "Lemmy → Plenum"))
        lemmy.ok("POST", "/post/like", {"post_id": lemmy_trees, "score": -1})
        wait_until("the downvote counted", lambda: proposal(alice, trees)["against_count"] == 1, timeout=60, interval=1)
        p = proposal(alice, trees)
        check("a downvote counts 'against', never as an endorsement",
              p["against_count"] == 1 and p["endorsement_count"] == 0 and p["federated_count"] == 0, p, row=("Dislike (downvote) → against", "Lemmy → Plenum"))
        lemmy.ok("POST", "/post/like", {"post_id": lemmy_trees, "score": 1})
        wait_until("the switch to an upvote", lambda: proposal(alice, trees)["federated_count"] == 1, timeout=60, interval=1)
        p = proposal(alice, trees)
        check("switching a downvote to an upvote leaves one vote, the upvote",
              p["federated_count"] == 1 and p["against_count"] == 0, p, row=("Like replacing a Dislike (vote switched)", "Lemmy → Plenum"))
        lemmy.ok("POST", "/post/like", {"post_id": lemmy_trees, "score": -1})
        wait_until("the switch to a downvote", lambda: proposal(alice, trees)["against_count"] == 1, timeout=60, interval=1)
        p = proposal(alice, trees)
        check("switching an upvote to a downvote leaves one vote, the downvote",
              p["federated_count"] == 0 and p["against_count"] == 1, p, row=("Dislike replacing a Like (vote switched)", "Lemmy → Plenum"))
        lemmy.ok("POST", "/post/like", {"post_id": lemmy_trees, "score": 0})
        wait_until("the downvote undone", lambda: proposal(alice, trees)["against_count"] == 0, timeout=60, interval=1)
        check("undoing the downvote withdraws it", proposal(alice, trees)["against_count"] == 0, row=("Undo(Dislike)", "Lemmy → Plenum"))

        print("== Lemmy users posting in a process")
        status, j = lemmy.call("POST", "/post", {"name": "A skate park by the station", "community_id": cid, "body": "Build a small skate park next to the station car park."})
        check("Lemmy itself refuses a post where the Group restricts posting", status != 200 and "only_mods" in json.dumps(j), (status, j),
              row=("post in a residents-only process: refused (postingRestrictedToMods)", "Lemmy → Plenum"))
        open_c = lemmy.resolve(ideas_group)["community"]["community"]
        check("Lemmy reads postingRestrictedToMods: false on the open process", open_c["posting_restricted_to_mods"] is False, open_c)
        status, j = lemmy.call("POST", "/post", {"name": "A swimming pond in the north park", "community_id": open_c["id"],
                                                 "body": "Dig a natural swimming pond in the north park, cleaned by plants."})
        check("a Lemmy user posts in the open process", status == 200, (status, j))
        found = wait_until("the post as a proposal", lambda: next((p for p in alice.api("GET", "/api/v1/processes/ideas-2027/proposals").json()["items"]
                                                                  if p["title"] == "A swimming pond in the north park"), None), timeout=60, interval=1)
        check("the Lemmy post becomes a proposal by the Lemmy user", "swimming pond" in found["body"] and found["author_name"], found,
              row=("Create(Page) in an open process → proposal", "Lemmy → Plenum"))
        pond_post = j["post_view"]["post"]["id"]
        lemmy.ok("POST", "/comment", {"post_id": pond_post, "content": "The north park floods in spring, mind the level."})
        reply = wait_until("the comment on the Lemmy post in Plenum", lambda: next((c for c in plenum_comments(alice, found["id"]) if "floods in spring" in c["body"]), None), timeout=60, interval=1)
        check("a comment on the Lemmy post reaches the proposal it became", reply is not None, reply,
              row=("Create(Note) under a Lemmy user's post → comment on its proposal", "Lemmy → Plenum"))
        # (Lemmy counts its author's upvote of their own post already, so the vote tried is a downvote.)
        lemmy.ok("POST", "/post/like", {"post_id": pond_post, "score": -1})
        wait_until("the downvote of the Lemmy post", lambda: proposal(alice, found["id"])["against_count"] == 1, timeout=60, interval=1)
        check("a vote on the Lemmy post counts on its proposal", proposal(alice, found["id"])["against_count"] == 1,
              row=("Dislike of a Lemmy user's post → vote against its proposal", "Lemmy → Plenum"))

        print("== what the staff federation page says about Lemmy")
        rows = wait_until("deliveries settled", lambda: (lambda rs: rs if rs and not any("Waiting" in " ".join(r) for r in rs) else None)(deliveries_to(staff, "lemmy.test")), timeout=60, interval=1)
        refused = [r for r in rows if any("Refused" in c for c in r)]
        check("no delivery to Lemmy was refused", not refused, refused, row=("every delivery taken (no 4xx)", "Plenum → Lemmy"))
        check("the forms Lemmy does not take are shown as not sent, not as delivered",
              any(any("Not sent" in c for c in r) for r in rows), rows[:5])
    except Exception:
        print(f"\n--- {town.log_path} (last 30 lines)")
        try:
            print("".join(open(town.log_path).readlines()[-30:]))
        except OSError:
            pass
        if lemmy:
            print("--- Lemmy warnings (last 15)")
            print("".join(lemmy.warnings()))
        raise
    finally:
        print_table()
        if os.environ.get("PLENUM_INTEROP_DOC", "1") != "0":
            matrix.write(os.path.join(ROOT, "docs", "interop.md"))
        if lemmy:
            lemmy.stop()
        town.stop()
        town.drop()


def print_table():
    width = max((len(w) for w, _, _ in results), default=10)
    print(f"\n{'step'.ljust(width)}  result  at (s)")
    print(f"{'-' * width}  ------  ------")
    for what, result, at in results:
        print(f"{what.ljust(width)}  {result.ljust(6)}  {at:>6}")
    print(f"\n{sum(1 for r in results if r[1] == 'pass')} of {len(results)} steps passed in {round(time.time() - started)} s")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
