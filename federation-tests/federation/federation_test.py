"""Three Plenum towns on loopback federate over real HTTP with signed ActivityPub messages.

Town A runs on PostgreSQL or SQLite (PLENUM_FED_A_DB), towns B and C on SQLite (each its own
database and process). A fake server (`lib.FakeServer`, our own signing code on `cryptography`)
plays 50 followers with their own inboxes, and the attacker for the rejection cases.

One function per scenario, run in order by `lib.Checks` over one fixture (`Towns`: the three
towns, the fake server, the people and what earlier scenarios created). Each `check` tests its
condition; state is read as JSON (the JSON API, ActivityPub documents) except where only an HTML
page shows it: those reads go through `lib.html_only` and the `lib.html_*` helpers. Prints each scenario's checks
and a summary per scenario; exits non-zero on the first failure.
"""

import copy
import datetime
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
from email.utils import formatdate

import lib
from lib import (comment_saying, comments, eventually, get_json, html_budget_id, follow_state, html_only,
                 remote_count, remote_process_id, remote_proposals, request, signed_post, wait_until)

BIN = os.environ.get("PLENUM_BIN", "target/debug/plenum")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
A_BACKEND = os.environ.get("PLENUM_FED_A_DB", "postgres")
FIXTURES = "federation-tests/federation"

matrix = lib.InteropMatrix("fixtures", "Mastodon- and Lemmy-shaped activities (JSON fixtures written from their documented formats, signed by Python's `cryptography` and `http-message-signatures`)")
checks = lib.Checks(matrix, FIXTURES)
check = checks.check
figures = {}
AS = "https://www.w3.org/ns/activitystreams"


def iso(delta_days):
    t = datetime.datetime.utcnow() + datetime.timedelta(days=delta_days)
    return t.strftime("%Y-%m-%dT%H:%M")


def make_process(staff, slug, title):
    r = staff.form("/admin/processes", {"slug": slug, "title": title, "description": f"About {title}.", "scope": "", "categories": ""})
    assert r.status == 303, (r.status, r.text[:400])
    pid = re.search(r"/admin/processes/([^?]+)", r.headers["Location"]).group(1)
    r = staff.form(f"/admin/processes/{pid}/phases", {"kind": "proposals", "starts_at": iso(-1), "ends_at": iso(30),
                                                       "proposals_enabled": "on", "endorsements_enabled": "on", "comments_enabled": "on"})
    assert r.status == 303, (r.status, r.text[:400])
    r = staff.form(f"/admin/processes/{pid}/publish", {})
    assert r.status == 303, (r.status, r.text[:400])
    return pid


# --- JSON reads -----------------------------------------------------------------------------

def page_json(instance, proposal_id):
    """A proposal as its ActivityPub Page (with its endorsement counts)."""
    return get_json(f"{instance.base}/proposals/{proposal_id}")


class Towns:
    """The fixture every scenario shares: towns `a`, `b`, `c`, the fake server, and what earlier
    scenarios made (processes, people, proposal ids on A and the ids B and C show them under)."""

    def __init__(self, workdir):
        self.fake = lib.FakeServer(delay=0.2)
        backends = {"a": A_BACKEND, "b": "sqlite", "c": "sqlite"}
        self.instances = [lib.Instance(name, BIN, workdir, backends[name], []) for name in ("a", "b", "c")]
        self.a, self.b, self.c = self.instances
        allowed = [i.host for i in self.instances] + [self.fake.host]
        for i in self.instances:
            i.allowed_hosts = allowed
        self.rejected = []  # (what, status, ok) of each crafted request

    def start(self):
        self.fake.start()
        for i in self.instances:
            i.start()
            i.create_admin()

    def stop(self):
        self.fake.stop()
        for i in self.instances:
            i.stop()
            i.drop()

    # The attacker's helpers, shared by the rejection and signature scenarios.
    @property
    def mallory(self):
        return self.fake.actor_id("mallory")

    @property
    def key_id(self):
        return f"{self.mallory}#main-key"

    @property
    def shared(self):
        return f"{self.a.base}/inbox"

    def fresh(self, kind="Like", **extra):
        """A new activity by Mallory (a new id each time), on the 'open' proposal by default."""
        activity = {"@context": AS, "id": f"{self.mallory}/activities/{time.time_ns()}", "type": kind, "actor": self.mallory, "object": self.target}
        activity.update(extra)
        return activity

    def reject(self, what, response, expect=range(400, 500)):
        ok = response.status in expect
        self.rejected.append((what, response.status, ok))
        matrix.record("crafted request", f"refused: {what} ({response.status})", "→ Plenum", ok, FIXTURES)
        check(f"rejected: {what} → {response.status} {response.text.strip()[:70]}", ok, response.text[:200])


# --- scenarios, in the order they run ------------------------------------------------------

def processes_and_rules(t):
    """A's staff open three processes, one per endorsement rule"""
    a, b = t.a, t.b
    t.ma = make_process(a.staff, "budget-2026", "Budget 2026")
    t.mp = make_process(a.staff, "metro-2026", "Metropolitan plan")
    t.op = make_process(a.staff, "open-2026", "Open consultation")
    r = a.staff.form(f"/admin/processes/{t.ma}/eligibility", {"rule": "residents"})
    check("staff set the 'residents' rule for endorsing budget-2026", r.status == 303, r.text[:200])
    r = a.staff.form(f"/admin/processes/{t.mp}/eligibility", {"rule": "peers", "peer_hosts": b.host})
    check("staff set the 'peers' rule with town B listed", r.status == 303, r.text[:200])
    r = a.staff.form(f"/admin/processes/{t.op}/eligibility", {"rule": "open", "peer_hosts": ""})
    check("staff set the 'open' rule", r.status == 303)


def discovery(t):
    """WebFinger, NodeInfo 2.1, actors and content negotiation"""
    a = t.a
    wf = request("GET", f"{a.base}/.well-known/webfinger?resource=acct:budget-2026@{a.host}")
    check("WebFinger finds the process", wf.status == 200 and wf.json()["links"][0]["href"] == f"{a.base}/processes/budget-2026", wf.text[:200])
    check("WebFinger answers 404 for an unknown name",
          request("GET", f"{a.base}/.well-known/webfinger?resource=acct:nobody@{a.host}").status == 404)
    ni = get_json(get_json(f"{a.base}/.well-known/nodeinfo")["links"][0]["href"])
    check("NodeInfo 2.1 names the software and protocol", ni["version"] == "2.1" and ni["protocols"] == ["activitypub"])
    group = t.group = get_json(f"{a.base}/processes/budget-2026")
    check("process is a Group with inbox, outbox, followers, shared inbox and an RSA key",
          group["type"] == "Group" and group["inbox"].endswith("/inbox") and "sharedInbox" in group["endpoints"]
          and "BEGIN PUBLIC KEY" in group["publicKey"]["publicKeyPem"] and group["followers"].endswith("/followers"))
    inst = get_json(f"{a.base}/actor")
    check("instance actor is an Application", inst["type"] == "Application")
    html = request("GET", f"{a.base}/processes/budget-2026", headers={"Accept": "text/html"})
    check("the same address gives a browser HTML", html.status == 200 and "<html" in html.text)


def follows(t):
    """town B follows A's processes (WebFinger address and URL); town C follows two"""
    a, b, c = t.a, t.b, t.c
    r = b.staff.form("/admin/federation/follow", {"address": f"budget-2026@{a.host}"})
    check("B follows budget-2026@A by its address", r.status == 303, r.text[:300])
    r = b.staff.form("/admin/federation/follow", {"address": f"{a.base}/processes/metro-2026"})
    check("B follows metro-2026 by its URL", r.status == 303, r.text[:300])
    r = c.staff.form("/admin/federation/follow", {"address": f"open-2026@{a.host}"})
    check("C follows open-2026", r.status == 303)
    r = c.staff.form("/admin/federation/follow", {"address": f"budget-2026@{a.host}"})
    check("C follows budget-2026", r.status == 303)
    check("B shows both follows accepted",
          eventually(lambda: follow_state(b.staff, "Budget 2026") == "accepted" and follow_state(b.staff, "Metropolitan plan") == "accepted"),
          (follow_state(b.staff, "Budget 2026"), follow_state(b.staff, "Metropolitan plan")))
    check("C shows its follow of open-2026 accepted", eventually(lambda: follow_state(c.staff, "Open consultation") == "accepted"),
          follow_state(c.staff, "Open consultation"))
    check("A's staff see B's instance actor among the followers", f"{b.base}/actor" in html_only(a.staff, "/admin/federation"))
    bad = b.staff.form("/admin/federation/follow", {"address": f"nobody@{a.host}"})
    check("following an unknown address explains the failure", bad.status == 200 and "Could not follow" in bad.text, bad.text[:200])


def proposal_to_followers(t):
    """proposals flow from A to its followers: create and edit"""
    a, b, c = t.a, t.b, t.c
    t.alice = alice = a.sign_up("alice", "Alice Martin")
    t0 = time.time()
    r = alice.api("POST", "/api/v1/processes/budget-2026/proposals", {"title": "Trees on the market square", "body": "Plant twelve lime trees on the market square. Hello shade."})
    check("Alice creates a proposal on A", r.status == 201, r.text[:300])
    t.p1 = r.json()["id"]
    t.rb = wait_until("B's page for budget-2026", lambda: remote_process_id(b.staff, "Budget 2026"))
    t.rc = wait_until("C's page for budget-2026", lambda: remote_process_id(c.staff, "Budget 2026"))
    on_b = eventually(lambda: "Trees on the market square" in remote_proposals(b.staff, t.rb))
    figures["create to follower (s)"] = round(time.time() - t0, 2)
    on_c = eventually(lambda: "Trees on the market square" in remote_proposals(c.staff, t.rc))
    check(f"new proposal shown on B and C within {figures['create to follower (s)']} s", on_b and on_c, (on_b, on_c))
    page_b = html_only(b.staff, f"/remote/proposals/{remote_proposals(b.staff, t.rb)['Trees on the market square']}")
    check("B shows the author and the body", "Alice Martin" in page_b and "twelve lime trees" in page_b, re.sub(r"\s+", " ", page_b[page_b.find("<main"):])[:1500])
    r = alice.api("PATCH", f"/api/v1/proposals/{t.p1}", {"version": 1, "title": "Lime trees on the market square", "body": "Plant twelve lime trees on the market square. Hello shade."})
    check("Alice edits it", r.status == 200, r.text[:300])
    check("B shows the new title", eventually(lambda: "Lime trees on the market square" in remote_proposals(b.staff, t.rb)),
          sorted(remote_proposals(b.staff, t.rb)))
    t.rp1 = remote_proposals(b.staff, t.rb)["Lime trees on the market square"]


def endorse_residents(t):
    """a citizen of B endorses and un-endorses A's proposal: 'residents' rule"""
    a, b = t.a, t.b
    t.bob = bob = b.sign_up("bob", "Bob Durand")
    r = bob.form(f"/remote/proposals/{t.rp1}/endorse", {})
    check("Bob endorses from B (residents rule)", r.status == 303, r.text[:300])
    wait_until("A counts Bob apart (federated)", lambda: page_json(a, t.p1)["federatedEndorsements"] == 1)
    pj = page_json(a, t.p1)
    check("residents rule: binding 0, federated 1 on A", pj["bindingEndorsements"] == 0 and pj["federatedEndorsements"] == 1, pj)
    check("B shows 1 from elsewhere", eventually(lambda: remote_count(bob, t.rp1, "federated_count") == 1),
          remote_count(bob, t.rp1, "federated_count"))
    r = bob.form(f"/remote/proposals/{t.rp1}/endorse", {})
    check("endorsing again changes nothing", r.status == 303)
    r = bob.form(f"/remote/proposals/{t.rp1}/unendorse", {})
    check("Bob withdraws (Undo Like)", r.status == 303)
    check("A: federated back to 0", eventually(lambda: page_json(a, t.p1)["federatedEndorsements"] == 0), page_json(a, t.p1))
    wait_until("B shows it", lambda: remote_count(bob, t.rp1, "federated_count") == 0)


def endorse_peers(t):
    """a citizen of B endorses A's proposal: 'peers' rule, with a residency attestation"""
    a, b, bob = t.a, t.b, t.bob
    r = t.alice.api("POST", "/api/v1/processes/metro-2026/proposals", {"title": "Night buses to every district", "body": "Run night buses on weekends to every district of the metropolis."})
    t.p2 = r.json()["id"]
    rbm = wait_until("B's metro page", lambda: remote_process_id(b.staff, "Metropolitan plan"))
    rp2 = wait_until("metro proposal on B", lambda: remote_proposals(b.staff, rbm).get("Night buses to every district"))
    check("B tells an unverified account it must verify its residency first",
          "verify that you live here first" in html_only(bob, f"/remote/proposals/{rp2}"))
    r = bob.form(f"/remote/proposals/{rp2}/endorse", {})
    check("B refuses to vouch for an unverified account (peers rule)", r.status == 403, r.status)
    r = b.staff.form("/admin/census/verify", {"username": "bob"})
    check("B's staff verify Bob at the town hall", r.status == 303)
    r = bob.form(f"/remote/proposals/{rp2}/endorse", {})
    check("Bob endorses; B attaches a signed residency attestation", r.status == 303)
    wait_until("A counts Bob as a peer-town resident", lambda: page_json(a, t.p2)["bindingEndorsements"] == 1)
    pj = page_json(a, t.p2)
    check("peers rule, B listed, attestation verified: binding 1, federated 0", pj["bindingEndorsements"] == 1 and pj["federatedEndorsements"] == 0, pj)
    check("A's staff see which town vouched for it", f"localhost:{b.port} (1)" in html_only(a.staff, f"/proposals/{t.p2}"))
    dave = b.sign_up("dave", "Dave Bernard")
    check("another, unverified account of B cannot endorse there", dave.form(f"/remote/proposals/{rp2}/endorse", {}).status == 403)
    check("A still counts one", page_json(a, t.p2)["bindingEndorsements"] == 1)


def endorse_open(t):
    """a citizen of C endorses A's proposal: 'open' rule"""
    a, c = t.a, t.c
    r = t.alice.api("POST", "/api/v1/processes/open-2026/proposals", {"title": "A library open on Sundays", "body": "Open the central library on Sunday afternoons for everyone."})
    t.p3 = r.json()["id"]
    t.target = f"{a.base}/proposals/{t.p3}"
    rco = wait_until("C's open page", lambda: remote_process_id(c.staff, "Open consultation"))
    rp3 = wait_until("open proposal on C", lambda: remote_proposals(c.staff, rco).get("A library open on Sundays"))
    carol = c.sign_up("carol", "Carol Petit")
    carol.form(f"/remote/proposals/{rp3}/endorse", {})
    wait_until("A counts Carol (open rule)", lambda: page_json(a, t.p3)["bindingEndorsements"] == 1)
    check("open rule: binding 1 from town C", page_json(a, t.p3)["federatedEndorsements"] == 0)
    html_a = request("GET", f"{a.base}/proposals/{t.p1}", headers={"Accept-Language": "en"}).text
    check("A's proposal page shows counted endorsements", 'id="endorsement-count"' in html_a)


def comments_across_towns(t):
    """comments cross towns: from B, stored by A, relayed to C"""
    a, c, bob = t.a, t.c, t.bob
    r = bob.form(f"/remote/proposals/{t.rp1}/comments", {"body": "Lime trees give good shade in July."})
    check("Bob comments from B", r.status == 303, r.text[:200])
    comment = wait_until("A shows Bob's comment", lambda: comment_saying(t.alice, t.p1, "good shade in July"))
    check("A stores the reply under the proposal, from Bob", comment["author_name"] == "Bob Durand", comment)
    rc1 = wait_until("C has the proposal", lambda: remote_proposals(c.staff, t.rc).get("Lime trees on the market square"))
    check("C shows the comment of a citizen of B",
          eventually(lambda: "good shade in July" in html_only(c.staff, f"/remote/proposals/{rc1}")))


def answers_and_phases(t):
    """an official answer and a new phase reach followers"""
    a, b, bob = t.a, t.b, t.bob
    r = a.staff.form(f"/admin/proposals/{t.p1}/answer", {"state": "accepted", "answer": "The town will plant them in November."})
    check("A's staff answer officially", r.status == 303, r.text[:200])
    wait_until("B shows the answer", lambda: "plant them in November" in html_only(bob, f"/remote/proposals/{t.rp1}"))
    check("B shows the official answer and the new state", "Accepted" in html_only(bob, f"/remote/proposals/{t.rp1}"))
    r = a.staff.form(f"/admin/processes/{t.ma}/phases", {"kind": "evaluation", "starts_at": iso(30), "ends_at": iso(60), "comments_enabled": "on"})
    check("A's staff add a phase", r.status == 303, r.text[:200])
    check("B shows the evaluation phase", eventually(lambda: "Evaluation" in html_only(b.staff, f"/remote/processes/{t.rb}")))


def withdrawal_and_moderation(t):
    """a withdrawn and a removed proposal follow to B"""
    a, b, alice = t.a, t.b, t.alice
    r = alice.api("POST", "/api/v1/processes/budget-2026/proposals", {"title": "A cycle lane on Main Street", "body": "Paint a protected cycle lane all along Main Street."})
    p4 = r.json()["id"]
    r = alice.api("POST", "/api/v1/processes/budget-2026/proposals", {"title": "Advertising billboards everywhere", "body": "Put advertising billboards on every street corner of town."})
    p5 = r.json()["id"]
    wait_until("both reach B", lambda: {"A cycle lane on Main Street", "Advertising billboards everywhere"} <= set(remote_proposals(b.staff, t.rb)))
    r = alice.api("POST", f"/api/v1/proposals/{p4}/withdraw")
    check("Alice withdraws a proposal", r.status == 200, r.text[:200])
    rp4 = remote_proposals(b.staff, t.rb)["A cycle lane on Main Street"]
    check("B shows the withdrawal", eventually(lambda: "Withdrawn" in html_only(b.staff, f"/remote/proposals/{rp4}")))
    r = a.staff.form(f"/admin/moderation/proposal/{p5}/hide", {})
    check("A's staff remove a proposal (moderation)", r.status == 303, r.text[:200])
    check("B no longer lists the deleted proposal",
          eventually(lambda: "Advertising billboards everywhere" not in remote_proposals(b.staff, t.rb)))


def fan_out(t):
    """fan-out to 50 inboxes, then kill -9 of the sender in the middle of one"""
    a, fake, alice = t.a, t.fake, t.alice
    t.followers = followers = [f"f{i:02d}" for i in range(50)]
    inbox = f"{a.base}/processes/budget-2026/inbox"
    statuses = {name: fake.follow(name, f"{a.base}/processes/budget-2026", inbox).status for name in followers}
    check("50 fediverse-like followers send a Follow, each answered 202", all(s == 202 for s in statuses.values()),
          {n: s for n, s in statuses.items() if s != 202})
    wait_until("50 Accepts delivered", lambda: all(len(fake.ids_at(n)) >= 1 for n in followers), timeout=60)
    check("A accepted 50 follows, one Accept in each inbox", all(len(fake.ids_at(n)) == 1 for n in followers))
    before = {n: len(fake.ids_at(n)) for n in followers}
    t0 = time.time()
    alice.api("POST", "/api/v1/processes/budget-2026/proposals", {"title": "Benches along the river", "body": "Install benches every hundred metres along the river walk."})
    delivered = eventually(lambda: all(len(fake.ids_at(n)) >= before[n] + 2 for n in followers), timeout=60)
    figures["fan-out to 50 inboxes (s)"] = round(time.time() - t0, 2)
    check(f"fan-out: 100 deliveries (2 per inbox) in {figures['fan-out to 50 inboxes (s)']} s, with 0.2 s receiver latency", delivered,
          sum(len(fake.ids_at(n)) - before[n] for n in followers))

    fake.delay = 0.5
    before = {n: len(fake.ids_at(n)) for n in followers}
    r = alice.api("POST", "/api/v1/processes/budget-2026/proposals", {"title": "Water fountains in parks", "body": "Install drinking water fountains in every park of the town."})
    check("a new proposal starts a fan-out", r.status == 201)
    wait_until("the fan-out has started", lambda: sum(len(fake.ids_at(n)) - before[n] for n in followers) >= 5, timeout=30, interval=0.02)
    a.kill9()
    got = sum(len(fake.ids_at(n)) - before[n] for n in followers)
    check(f"sender killed with -9 after {got} of 100 deliveries", got < 100, got)
    fake.delay = 0.0
    a.start()
    wait_until("every inbox gets both activities after the restart", lambda: all(len(fake.ids_at(n)) >= before[n] + 2 for n in followers), timeout=90)
    arrived = {n: fake.ids_at(n)[before[n]:] for n in followers}
    dupes = sum(len(ids) - len(set(ids)) for ids in arrived.values())
    figures["repeats after kill -9 (applied once)"] = dupes
    check(f"0 lost after kill -9: every inbox has both activities ({dupes} repeated arrivals, each applied once by id)",
          all(len(set(ids)) == 2 for ids in arrived.values()), {n: ids for n, ids in arrived.items() if len(set(ids)) != 2})
    check("no delivery with a bad signature", fake.bad_signatures == 0, fake.bad_signatures)


def receiver_down(t):
    """a receiver down for a while: deliveries resume with backoff"""
    a, fake, followers = t.a, t.fake, t.followers
    fake.stop()
    before = {n: len(fake.ids_at(n)) for n in followers}
    t.alice.api("POST", "/api/v1/processes/budget-2026/proposals", {"title": "Solar panels on schools", "body": "Cover the roofs of the town's schools with solar panels."})

    def failing():
        page = html_only(a.staff, "/admin/federation")
        return "Connection refused" in page or "error sending request" in page
    check("staff see failing deliveries and the last error", eventually(failing, timeout=30))
    time.sleep(3)
    fake.start()
    t0 = time.time()
    resumed = eventually(lambda: all(len(fake.ids_at(n)) >= before[n] + 2 for n in followers), timeout=90)
    figures["receiver back → all delivered (s)"] = round(time.time() - t0, 2)
    check(f"receiver back: all 100 delivered after {figures['receiver back → all delivered (s)']} s", resumed,
          sum(len(fake.ids_at(n)) - before[n] for n in followers))


def inbound_duplicates(t):
    """inbound: a repeated activity is applied once"""
    a, fake, mallory = t.a, t.fake, t.mallory
    t.like = like = {"@context": AS, "id": f"{mallory}/likes/1", "type": "Like", "actor": mallory, "object": t.target}
    t.before = page_json(a, t.p3)["bindingEndorsements"]
    r1 = signed_post(t.shared, like, t.key_id, fake.key)
    r2 = signed_post(t.shared, like, t.key_id, fake.key)
    check("the same Like twice: first accepted, repeat refused", r1.status == 202 and r2.status == 409, (r1.status, r1.text, r2.status))
    like2 = dict(like, id=f"{mallory}/likes/2")
    r3 = signed_post(t.shared, like2, t.key_id, fake.key)
    check("a second Like by the same person with a new id counts once", r3.status == 202)
    check("Mallory counted exactly once", page_json(a, t.p3)["bindingEndorsements"] == t.before + 1)


def crafted_rejections(t):
    """crafted bad requests rejected with nothing stored"""
    a, b, fake, mallory = t.a, t.b, t.fake, t.mallory
    shared, key_id, target, fresh, reject = t.shared, t.key_id, t.target, t.fresh, t.reject
    act = fresh()
    reject("no signature", request("POST", shared, json.dumps(act), {"Content-Type": lib.AP, "Date": formatdate(usegmt=True),
                                                                      "Digest": "SHA-256=" + lib.b64(hashlib.sha256(json.dumps(act).encode()).digest())}))
    act = fresh()
    reject("signature by another key", signed_post(shared, act, key_id, fake.other_key))
    act = fresh()
    reject("key of one actor, activity of another", signed_post(shared, dict(act, actor=fake.actor_id("eve"), id=f"{fake.actor_id('eve')}/x/{time.time_ns()}"), key_id, fake.key))
    act = fresh(content="Hello")
    reject("body changed after signing (digest mismatch)", signed_post(shared, act, key_id, fake.key, tamper_after=True))
    act = fresh()
    reject("digest header missing", signed_post(shared, act, key_id, fake.key, omit=("Digest",)))
    act = fresh()
    reject("wrong digest value", signed_post(shared, act, key_id, fake.key, digest="SHA-256=" + lib.b64(b"0" * 32)))
    act = fresh()
    reject("stale Date (3 hours old)", signed_post(shared, act, key_id, fake.key, date=formatdate(time.time() - 3 * 3600, usegmt=True)))
    act = fresh()
    reject("Date header missing", signed_post(shared, act, key_id, fake.key, omit=("Date",)))
    reject("replayed activity id", signed_post(shared, t.like, key_id, fake.key), expect=[409])
    act = fresh()
    act["id"] = f"{b.base}/activities/spoofed-{time.time_ns()}"
    reject("activity id on another host than its actor", signed_post(shared, act, key_id, fake.key))
    note = {"id": f"{b.base}/comments/spoofed", "type": "Note", "attributedTo": mallory, "content": "spoofed", "inReplyTo": target}
    reject("Create of an object hosted elsewhere (spoofed origin)", signed_post(shared, fresh("Create", object=note), key_id, fake.key))
    note = {"id": f"{mallory}/notes/1", "type": "Note", "attributedTo": f"{a.base}/users/alice", "content": "impersonation", "inReplyTo": target}
    reject("Create of a note attributed to someone else", signed_post(shared, fresh("Create", object=note), key_id, fake.key))
    reject("Undo of someone else's Like", signed_post(shared, fresh("Undo", object={"id": f"{fake.actor_id('eve')}/likes/1", "type": "Like", "actor": fake.actor_id("eve"), "object": target}), key_id, fake.key))
    reject("Update from an actor nobody follows", signed_post(shared, fresh("Update", object={"id": f"{mallory}/pages/1", "type": "Page", "name": "x"}), key_id, fake.key))
    reject("Announce from an actor nobody follows", signed_post(shared, fresh("Announce", object=f"{mallory}/pages/1"), key_id, fake.key))
    r = signed_post(shared, fresh("Move"), key_id, fake.key)
    check("an activity type we do not act on (Move) is acknowledged (202) and ignored", r.status == 202, (r.status, r.text),
          row=("Mastodon-shaped", "unknown activity type (Move): 202, ignored", "→ Plenum"))
    r = signed_post(shared, fresh("Move"), fake.actor_id("eve") + "#main-key", fake.key)
    reject("an unknown activity type is still signature-checked (key of another actor)", r)
    metro_target = f"{a.base}/proposals/{t.p2}"
    reject("Like in a peers process without a residency attestation",
           signed_post(shared, fresh(object=metro_target), key_id, fake.key), expect=[403])
    forged_att = {"type": "ResidencyAttestation", "issuer": f"{fake.base}/actor", "subject": mallory,
                  "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2099-01-01T00:00:00Z",
                  "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": f"{fake.base}/actor#k", "proofPurpose": "assertionMethod", "proofValue": "z1111"}}
    reject("Like with a self-made attestation from a town that is not a peer",
           signed_post(shared, fresh(object=metro_target, residency=forged_att), key_id, fake.key), expect=[403])
    reject("Like of something that is not a proposal here", signed_post(shared, fresh(object=f"{a.base}/proposals/does-not-exist"), key_id, fake.key))
    reject("Follow of something that is not a process", signed_post(shared, fresh("Follow", object=f"{a.base}/users/alice"), key_id, fake.key))
    reject("malformed JSON", signed_post(shared, {}, key_id, fake.key, body=b'{"id": "x", "type": "Like",'))
    reject("activity without an id", signed_post(shared, {"type": "Like", "actor": mallory, "object": target}, key_id, fake.key))
    big = fresh(content="x" * 300_000)
    reject("oversize body (300 kB)", signed_post(shared, big, key_id, fake.key), expect=[413])
    bait = f"http://localhost:{lib.free_port()}/actors/bait"
    reject("private-address fetch bait (actor on an unlisted loopback port)",
           signed_post(shared, {"@context": AS, "id": f"{bait}/likes/1", "type": "Like", "actor": bait, "object": target}, f"{bait}#main-key", fake.key))
    ip_bait = "http://127.0.0.1:9/actors/bait"
    reject("fetch bait on a bare IP address", signed_post(shared, {"@context": AS, "id": f"{ip_bait}/likes/1", "type": "Like", "actor": ip_bait, "object": target}, f"{ip_bait}#main-key", fake.key))
    r = a.staff.form("/admin/federation/peers", {"host": fake.host, "policy": "block"})
    check("A's staff block the fake server", r.status == 303)
    reject("activity from a blocked instance", signed_post(shared, fresh(), key_id, fake.key), expect=[403])
    a.staff.form("/admin/federation/peers", {"host": fake.host, "policy": "remove"})
    a.staff.form("/admin/federation/mode", {"mode": "allowlist"})
    a.staff.form("/admin/federation/peers", {"host": b.host, "policy": "allow"})
    reject("allowlist mode: activity from an unlisted instance", signed_post(shared, fresh(), key_id, fake.key), expect=[403])
    like_ok = fresh()
    a.staff.form("/admin/federation/mode", {"mode": "open"})
    pj = page_json(a, t.p3)
    stored = [c["body"] for c in comments(a.staff, t.p3, include_hidden=True)]
    check("nothing stored by any rejected request (counts unchanged, no spoofed comment)",
          pj["bindingEndorsements"] == t.before + 1 and not any("spoofed" in s or "impersonation" in s for s in stored), (pj, stored))
    r = signed_post(shared, like_ok, key_id, fake.key)
    check("an id refused under the allowlist is accepted later (it was not recorded)", r.status == 202, r.text)
    figures["crafted bad requests rejected"] = sum(1 for _, _, ok in t.rejected if ok)


def mastodon_and_lemmy_shapes(t):
    """Mastodon- and Lemmy-shaped inbound activities, written from their documented formats"""
    a, fake, alice, p1 = t.a, t.fake, t.alice, t.p1
    masto = fake.actor_id("mastouser")
    mkey = f"{masto}#main-key"
    author_inbox = f"{a.base}/users/alice/inbox"
    page1 = f"{a.base}/proposals/{p1}"
    reply_id = f"{masto}/statuses/1"
    reply = {"@context": AS, "id": f"{reply_id}/activity", "type": "Create", "actor": masto,
             "to": [f"{AS}#Public"], "cc": [f"{a.base}/users/alice"],
             "object": {"id": reply_id, "type": "Note", "attributedTo": masto, "inReplyTo": page1,
                        "content": "<p>Mastodon says: plant them near the school.</p>",
                        "to": [f"{AS}#Public"],
                        "tag": [{"type": "Mention", "href": f"{a.base}/users/alice"}]}}
    r = signed_post(author_inbox, reply, mkey, fake.key)
    check("a Mastodon reply sent to the author's inbox is accepted", r.status == 202, (r.status, r.text), row=("Mastodon-shaped", "Create(Note) reply to the author's inbox", "→ Plenum"))
    check("it appears under the proposal", comment_saying(alice, p1, "plant them near the school") is not None, comments(alice, p1))
    nested = {"@context": AS, "id": f"{masto}/statuses/2/activity", "type": "Create", "actor": masto,
              "object": {"id": f"{masto}/statuses/2", "type": "Note", "attributedTo": masto, "inReplyTo": reply_id,
                         "content": "<p>And water them in July.</p>"}}
    r = signed_post(author_inbox, nested, mkey, fake.key)
    check("a reply to a reply is accepted and shown", r.status == 202 and comment_saying(alice, p1, "water them in July") is not None, r.text, row=("Mastodon-shaped", "reply to a reply", "→ Plenum"))
    edit = {"@context": AS, "id": f"{reply_id}#updates/1", "type": "Update", "actor": masto,
            "object": dict(reply["object"], content="<p>Mastodon says: plant them near the library.</p>")}
    r = signed_post(author_inbox, edit, mkey, fake.key)
    check("Update(Note) edits the reply", r.status == 202 and comment_saying(alice, p1, "near the library") is not None
          and comment_saying(alice, p1, "near the school") is None, (r.text, comments(alice, p1)), row=("Mastodon-shaped", "Update(Note) of a reply", "→ Plenum"))
    delete = {"@context": AS, "id": f"{masto}/statuses/2#delete", "type": "Delete", "actor": masto,
              "object": {"id": f"{masto}/statuses/2", "type": "Tombstone"}}
    r = signed_post(author_inbox, delete, mkey, fake.key)
    check("Delete of a reply hides it", r.status == 202 and comment_saying(alice, p1, "water them in July") is None, r.text, row=("Mastodon-shaped", "Delete of a reply", "→ Plenum"))
    lemmy = fake.actor_id("lemmyuser")
    lkey = f"{lemmy}#main-key"
    before_against = page_json(a, p1)["againstCount"]
    dislike = {"@context": AS, "id": f"{lemmy}/activities/dislike/1", "type": "Dislike",
               "actor": lemmy, "object": page1, "audience": f"{a.base}/processes/budget-2026"}
    r = signed_post(f"{a.base}/processes/budget-2026/inbox", dislike, lkey, fake.key)
    check("a Lemmy vote against, without to/cc, is accepted as 'against'", r.status == 202 and page_json(a, p1)["againstCount"] == before_against + 1, r.text, row=("Lemmy-shaped", "Dislike with audience, no to/cc", "→ Plenum"))
    undo = {"@context": AS, "id": f"{lemmy}/activities/undo/1", "type": "Undo", "actor": lemmy,
            "object": {"id": f"{lemmy}/activities/dislike/1", "type": "Like", "actor": lemmy, "object": page1}, "audience": f"{a.base}/processes/budget-2026"}
    r = signed_post(f"{a.base}/processes/budget-2026/inbox", undo, lkey, fake.key)
    check("Lemmy's Undo(Like) of that vote withdraws it", r.status == 202 and page_json(a, p1)["againstCount"] == before_against, r.text, row=("Lemmy-shaped", "Undo(Like) withdrawing a Dislike", "→ Plenum"))
    # Lemmy switches a vote with a plain Like or Dislike, no Undo first: one vote per person.
    inbox_b = f"{a.base}/processes/budget-2026/inbox"
    audience = f"{a.base}/processes/budget-2026"
    base_fed = page_json(a, p1)["federatedEndorsements"]
    vote = lambda kind, n: {"@context": AS, "id": f"{lemmy}/activities/{kind.lower()}/{n}", "type": kind, "actor": lemmy, "object": page1, "audience": audience}
    r = signed_post(inbox_b, vote("Like", 2), lkey, fake.key)
    check("a Lemmy upvote counts apart", r.status == 202 and page_json(a, p1)["federatedEndorsements"] == base_fed + 1, r.text)
    r = signed_post(inbox_b, vote("Dislike", 2), lkey, fake.key)
    page = page_json(a, p1)
    check("a Dislike after a Like replaces it (one vote per person)",
          r.status == 202 and page["federatedEndorsements"] == base_fed and page["againstCount"] == before_against + 1, (r.text, page),
          row=("Lemmy-shaped", "Dislike switching an upvote", "→ Plenum"))
    r = signed_post(inbox_b, vote("Like", 3), lkey, fake.key)
    page = page_json(a, p1)
    check("a Like after a Dislike replaces it (one vote per person)",
          r.status == 202 and page["federatedEndorsements"] == base_fed + 1 and page["againstCount"] == before_against, (r.text, page),
          row=("Lemmy-shaped", "Like switching a downvote", "→ Plenum"))
    undo = {"@context": AS, "id": f"{lemmy}/activities/undo/3", "type": "Undo", "actor": lemmy,
            "object": {"id": f"{lemmy}/activities/like/3", "type": "Like", "actor": lemmy, "object": page1}, "audience": audience}
    r = signed_post(inbox_b, undo, lkey, fake.key)
    check("and its Undo(Like) leaves no vote", r.status == 202 and page_json(a, p1)["federatedEndorsements"] == base_fed, r.text)
    before_fed = page_json(a, p1)["federatedEndorsements"]
    like_masto = {"@context": AS, "id": f"{masto}#likes/1", "type": "Like", "actor": masto, "object": page1}
    r = signed_post(author_inbox, like_masto, mkey, fake.key)
    check("a Mastodon like sent to the author's inbox counts (apart, under the residents rule)",
          r.status == 202 and page_json(a, p1)["federatedEndorsements"] == before_fed + 1, r.text, row=("Mastodon-shaped", "Like to the author's inbox", "→ Plenum"))


def signature_schemes(t):
    """signature schemes: draft-cavage rsa-sha256 and hs2019, RFC 9421, signed GETs"""
    a, fake, shared, key_id, fresh, reject = t.a, t.fake, t.shared, t.key_id, t.fresh, t.reject
    page1 = f"{a.base}/proposals/{t.p1}"
    page2 = f"{a.base}/proposals/{t.p2}"
    signer = fake.actor_id("rfcuser")
    skey = f"{signer}#main-key"
    before_fed = page_json(a, t.p1)["federatedEndorsements"]
    hs = {"@context": AS, "id": f"{signer}/likes/hs2019", "type": "Like", "actor": signer, "object": page1}
    r = signed_post(shared, hs, skey, fake.key, algorithm="hs2019")
    check("draft-cavage with algorithm=\"hs2019\" is accepted", r.status == 202, (r.status, r.text), row=("Mastodon-shaped", "HTTP signature draft-cavage, algorithm hs2019", "→ Plenum"))
    rfc_like = {"@context": AS, "id": f"{fake.actor_id('rfc2')}/likes/1", "type": "Like", "actor": fake.actor_id("rfc2"), "object": page1}
    r = lib.signed_post_rfc9421(shared, rfc_like, f"{fake.actor_id('rfc2')}#main-key", fake.key)
    check("an RFC 9421 signature (http-message-signatures, PyPI) with Content-Digest is accepted and counted",
          r.status == 202 and page_json(a, t.p1)["federatedEndorsements"] == before_fed + 2, (r.status, r.text), row=("Mastodon 4.5-shaped", "HTTP signature RFC 9421 with Content-Digest", "→ Plenum"))
    act = fresh(content="Hello")
    reject("RFC 9421: body changed after signing (Content-Digest mismatch)", lib.signed_post_rfc9421(shared, act, key_id, fake.key, tamper_after=True), expect=[401])
    reject("RFC 9421: signed by another key", lib.signed_post_rfc9421(shared, fresh(), key_id, fake.other_key), expect=[401])
    reject("RFC 9421: created 3 hours ago", lib.signed_post_rfc9421(shared, fresh(), key_id, fake.key, created=time.time() - 3 * 3600), expect=[401])
    from apsig.rfc9421 import RFC9421Signer
    act = fresh()
    body = json.dumps(act).encode()
    u = urllib.parse.urlparse(shared)
    headers = RFC9421Signer(fake.key, key_id).sign("POST", u.path, u.netloc, {"Content-Type": lib.AP}, body)
    reject("RFC 9421 that does not cover Content-Digest (apsig's signer)", request("POST", shared, body, headers), expect=[401])
    r = lib.signed_get(page2, skey, fake.key)
    check("a signed GET (draft-cavage hs2019) is verified and answered", r.status == 200 and r.json()["id"] == page2, (r.status, r.text[:200]), row=("Mastodon-shaped", "signed GET (authorized fetch), draft-cavage", "→ Plenum"))
    r = lib.signed_get(page2, skey, fake.key, scheme="rfc9421")
    check("a signed GET (RFC 9421) is verified and answered", r.status == 200 and r.json()["id"] == page2, (r.status, r.text[:200]), row=("Mastodon 4.5-shaped", "signed GET (authorized fetch), RFC 9421", "→ Plenum"))
    reject("signed GET with the wrong key", lib.signed_get(page2, skey, fake.other_key), expect=[401])
    reject("RFC 9421 signed GET with the wrong key", lib.signed_get(page2, skey, fake.other_key, scheme="rfc9421"), expect=[401])
    a.staff.form("/admin/federation/peers", {"host": fake.host, "policy": "block"})
    reject("signed GET from a blocked server", lib.signed_get(page2, skey, fake.key), expect=[403])
    a.staff.form("/admin/federation/peers", {"host": fake.host, "policy": "remove"})
    check("unsigned GETs stay open where authorized fetch is off (the default)", request("GET", page2, headers={"Accept": lib.AP}).status == 200)


def json_ld(t):
    """JSON-LD of objects and stored activities"""
    a = t.a
    pj = t.page = page_json(a, t.p1)
    check("a proposal is a Page attributed to its author, in its process's audience",
          pj["type"] == "Page" and pj["attributedTo"] == f"{a.base}/users/alice" and pj["audience"] == f"{a.base}/processes/budget-2026")
    outbox = get_json(f"{a.base}/processes/budget-2026/outbox")
    t.outbox_item = outbox["orderedItems"][0]
    check("the process outbox lists Announce(Create(Page))", outbox["orderedItems"][0]["type"] == "Announce" and outbox["orderedItems"][0]["object"]["type"] == "Create")
    any_id = next(iter(t.fake.bodies))
    fetched = get_json(any_id)
    check("a delivered activity can be fetched at its id", fetched["id"] == any_id)


def budget_results(t):
    """signed budget results reach followers, and software we did not write verifies them"""
    a, b, fake = t.a, t.b, t.fake
    vote = a.staff.form("/admin/processes", {"slug": "vote-2025", "title": "District budget 2025", "description": "A district vote, closed.", "scope": "", "categories": ""})
    vid = re.search(r"/admin/processes/([^?]+)", vote.headers["Location"]).group(1)
    a.staff.form(f"/admin/processes/{vid}/phases", {"kind": "vote", "starts_at": iso(-10), "ends_at": iso(-1)})
    a.staff.form(f"/admin/processes/{vid}/phases", {"kind": "results", "starts_at": iso(-1), "ends_at": iso(30)})
    check("A's staff publish a process whose vote is closed", a.staff.form(f"/admin/processes/{vid}/publish", {}).status == 303)
    pb = os.path.join(ROOT, "tests/data/pabulib/files/France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb")
    a.cli("admin", "import-budget", "--process", "vote-2025", "--slug", "district", "--title", "District 17", "--rule", "greedy", pb)
    r = b.staff.form("/admin/federation/follow", {"address": f"vote-2025@{a.host}"})
    check("B follows the voting process", r.status == 303)
    r = fake.follow("watcher", f"{a.base}/processes/vote-2025", f"{a.base}/processes/vote-2025/inbox")
    check("a fediverse-like follower follows it too", r.status == 202, r.text)
    wait_until("both follows accepted", lambda: follow_state(b.staff, "District budget 2025") == "accepted" and len(fake.ids_at("watcher")) == 1)
    budget_id = html_budget_id(a.staff, vid)
    r = a.staff.form(f"/admin/budgets/{budget_id}/publish", {})
    check("A's staff publish the results", r.status == 303, r.text[:300])
    rv = remote_process_id(b.staff, "District budget 2025")
    wait_until("B shows the results", lambda: "Published results" in html_only(b.staff, f"/remote/processes/{rv}"))
    page_v = html_only(b.staff, f"/remote/processes/{rv}")
    check("B verified the results' proof against the process key", "Signature verified" in page_v and "NOT verified" not in page_v)
    wait_until("the watcher gets the results and the summary note", lambda: len(fake.ids_at("watcher")) >= 3)
    creates = [fake.bodies[i] for i in fake.ids_at("watcher") if fake.bodies[i]["type"] == "Create"]
    document = next(c["object"] for c in creates if c["object"]["type"] == "Document")
    note = next(c["object"] for c in creates if c["object"]["type"] == "Note")
    served = request("GET", f"{a.base}/processes/vote-2025/budgets/district/results.json")
    check("A's results.json serves the signed results that followers received",
          served.status == 200 and served.json().get("proof") == document["proof"], (served.status, served.text[:300]))
    check("a readable Note summarises the results for timelines", "District 17" in note["content"] and "ballots" in note["content"], note["content"][:200])
    check("the note can be fetched at its id", get_json(note["id"])["content"] == note["content"])
    from apsig import ProofVerifier
    key = next(k for k in get_json(f"{a.base}/processes/vote-2025")["assertionMethod"] if k["id"] == document["proof"]["verificationMethod"])
    check("apsig verifies the proof of the delivered results", ProofVerifier(key["publicKeyMultibase"]).verify(copy.deepcopy(document)) is not None)
    tampered = copy.deepcopy(document)
    tampered["ballots"] = tampered["ballots"] + 1
    check("apsig refuses the same results with one ballot more", ProofVerifier(key["publicKeyMultibase"]).verify(tampered) is None)


def unfollow(t):
    """unfollow"""
    a, c = t.a, t.c
    r = c.staff.form(f"/admin/federation/unfollow/{t.rc}", {})
    check("C stops following budget-2026 (Undo Follow)", r.status == 303, r.text[:200])
    check("A no longer lists C as a follower of budget-2026",
          eventually(lambda: f"{c.base}/actor" not in html_only(a.staff, "/admin/federation").split("Open consultation")[0]))
    check("C no longer shows the process", remote_process_id(c.staff, "Budget 2026") is None)


SCENARIOS = [
    processes_and_rules, discovery, follows, proposal_to_followers,
    endorse_residents, endorse_peers, endorse_open, comments_across_towns,
    answers_and_phases, withdrawal_and_moderation, fan_out, receiver_down,
    inbound_duplicates, crafted_rejections, mastodon_and_lemmy_shapes, signature_schemes,
    json_ld, budget_results, unfollow,
]


def write_examples(path, a, b, extra):
    """One stored activity of each kind (and object type), as sent in this run, for
    docs/federation.md."""
    import sqlite3
    import subprocess
    examples = dict(extra)
    query = "SELECT kind, body FROM outbound_activities ORDER BY created_at"

    def rows_of(instance):
        if instance.backend == "postgres":
            out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", instance.pg_db, "-At", "-F", "\t", "-c", query],
                                 capture_output=True, text=True, check=True).stdout
            return [line.split("\t", 1) for line in out.splitlines() if "\t" in line]
        return sqlite3.connect(instance.database_url.removeprefix("sqlite://")).execute(query).fetchall()

    for town, instance in (("a", a), ("b", b)):
        for kind, body in rows_of(instance):
            activity = json.loads(body)
            inner = activity.get("object")
            inner_type = inner.get("type") if isinstance(inner, dict) else "link"
            extra = "+residency" if "residency" in activity else ""
            examples.setdefault(f"{town}:{kind}({inner_type}){extra}", activity)
    with open(path, "w") as f:
        json.dump(examples, f, indent=2, ensure_ascii=False)


def main():
    towns = Towns(tempfile.mkdtemp(prefix="plenum-fed-"))
    try:
        towns.start()
        checks.run(SCENARIOS, towns)
        if os.environ.get("PLENUM_FED_EXAMPLES"):
            write_examples(os.environ["PLENUM_FED_EXAMPLES"], towns.a, towns.b,
                           {"group": towns.group, "page": towns.page, "outbox_item": towns.outbox_item})
        print(f"\nfederation tests: {checks.total} checks passed in {len(checks.counts)} scenarios (A on {A_BACKEND}, B and C on sqlite)")
        print(checks.summary())
        for k, v in figures.items():
            print(f"  {k}: {v}")
    except Exception:
        for i in towns.instances:
            try:
                print(f"\n--- log of town {i.name} (last 40 lines)")
                print("".join(open(i.log_path).readlines()[-40:]))
            except OSError:
                pass
        raise
    finally:
        if os.environ.get("PLENUM_INTEROP_DOC", "1") != "0" and matrix.rows:
            matrix.write(os.path.join(ROOT, "docs", "interop.md"))
        towns.stop()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
