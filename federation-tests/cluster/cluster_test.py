"""A big city's Plenum: three `plenum serve` nodes on one PostgreSQL database behind HAProxy.

HAProxy (Debian's package) balances round robin over the nodes and checks each one's `/health`;
the nodes share the public address, the secret key and the database, and nothing else. The
scenarios drive them as citizens and peer servers would:

- a session, its CSRF token and the language chosen, made on one node, work on the others; the
  sign-in throttle counts attempts across nodes;
- a proposal made through one node is read at once through the others;
- one signed activity sent many times, in parallel, through the balancer (so to every node) is
  applied once;
- a fan-out to 1,000 inboxes is worked by all three nodes' delivery workers; `kill -9` of one node
  in the middle: HAProxy takes it out, the others finish its deliveries, none is lost, and the
  requests clients made meanwhile are all answered;
- an upgrade by rolling restart (one node at a time, SIGTERM, then start again) under a steady
  load, from the release before the newest migration to this one: the first new node applies the
  migration while the old ones go on serving on the migrated database; no request fails.

Each `check` tests its condition; the run exits non-zero on the first failure.
"""

import concurrent.futures
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "federation"))
import lib  # noqa: E402
from lib import eventually, request, signed_post, wait_until  # noqa: E402

BIN = os.environ.get("PLENUM_BIN", "target/debug/plenum")
# The release before the newest migration (run.sh builds it): what the rolling restart upgrades from.
PREVIOUS_BIN = os.environ.get("PLENUM_PREVIOUS_BIN", "")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AS = "https://www.w3.org/ns/activitystreams"
FOLLOWERS = int(os.environ.get("PLENUM_CLUSTER_FOLLOWERS", "1000"))

checks = lib.Checks()
check = checks.check
figures = {}


class Node(lib.Instance):
    """One `plenum serve` of the cluster: its own port, the cluster's database and address."""

    def __init__(self, name, workdir, database_url, public_base, allowed_hosts):
        super().__init__(name, BIN, workdir, "sqlite", allowed_hosts)
        self.database_url = database_url
        self.direct = f"http://127.0.0.1:{self.port}"
        self.base = public_base  # what every node calls itself: the balancer's address
        self.host = public_base.split("://", 1)[1]

    def env(self):
        env = super().env()
        env.update({
            "PLENUM_TOWN_NAME": "Grande Ville",
            # One key for the whole city: sessions and CSRF tokens are MACs under it.
            "PLENUM_SECRET_KEY": "test-secret-key-of-the-cluster-0123456789abcdef",
            "PLENUM_METRICS_ALLOW": "127.0.0.1",
        })
        return env

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env(), stdout=log, stderr=log)
        wait_until(f"node {self.name} answers /health", lambda: request("GET", self.direct + "/health").status == 200, timeout=90)

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)

    def metric(self, name):
        """The sum of one counter over its labels, read from this node's /metrics."""
        r = request("GET", self.direct + "/metrics")
        assert r.status == 200, (r.status, r.text[:200])
        total = 0.0
        for line in r.text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                total += float(line.rsplit(" ", 1)[1])
        return total


class HAProxy:
    def __init__(self, workdir, nodes):
        self.port = lib.free_port()
        self.stats_port = lib.free_port()
        self.base = f"http://localhost:{self.port}"
        self.config = os.path.join(workdir, "haproxy.cfg")
        self.admin_socket = os.path.join(workdir, "haproxy.sock")
        self.workdir = workdir
        self.nodes = nodes
        self.proc = None

    def write_config(self):
        servers = "\n".join(f"    server {n.name} 127.0.0.1:{n.port} check" for n in self.nodes)
        with open(self.config, "w") as f:
            f.write(f"""global
    maxconn 4096
    stats socket {self.admin_socket} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A request that could not reach a node (connection refused) goes to another: nothing was
    # processed, so trying again is safe, whatever the method. A read whose node died before
    # answering (kill -9 mid-request: the connection closes empty) is safe to send again too; a
    # write is not (the node may have committed it), so only GET and HEAD get that second try.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
frontend town
    bind 127.0.0.1:{self.port}
    default_backend nodes
backend nodes
    balance roundrobin
    http-request disable-l7-retry if !METH_GET
    option httpchk GET /health
    http-check expect status 200
    default-server inter 300ms fall 2 rise 2
{servers}
listen stats
    bind 127.0.0.1:{self.stats_port}
    stats enable
    stats uri /stats
""")

    def start(self):
        self.write_config()
        log = open(os.path.join(self.workdir, "haproxy.log"), "a")
        self.proc = subprocess.Popen(["haproxy", "-db", "-f", self.config], stdout=log, stderr=log)
        wait_until("HAProxy answers", lambda: request("GET", self.base + "/health").status == 200, timeout=30)

    def status(self):
        """Each server's state as HAProxy sees it: {"n1": "UP", ...}."""
        r = request("GET", f"http://127.0.0.1:{self.stats_port}/stats;csv")
        rows = [line.split(",") for line in r.text.splitlines() if line.startswith("nodes,")]
        return {row[1]: row[17] for row in rows if row[1] not in ("BACKEND", "FRONTEND")}

    def admin(self, command):
        """One command of HAProxy's runtime API (what an operator types into its socket)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(self.admin_socket)
            s.sendall(command.encode() + b"\n")
            return s.recv(4096).decode()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Browser:
    """A person's browser talking to one node or another directly, always under the town's public
    host name (as the balancer would pass it on). Cookies kept by hand: one jar for the town."""

    def __init__(self, public_host):
        self.public_host = public_host
        self.cookies = {}

    def _headers(self, extra=None):
        h = {"Host": self.public_host, "Accept-Language": "en"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(extra or {})
        return h

    def _keep(self, response):
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def get(self, node, path):
        return self._keep(request("GET", node.direct + path, headers=self._headers()))

    def post(self, node, path, fields):
        body = urllib.parse.urlencode(fields)
        return self._keep(request("POST", node.direct + path, body, self._headers({"Content-Type": "application/x-www-form-urlencoded"})))

    def csrf(self, node, path):
        page = self.get(node, path)
        return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


class City:
    def __init__(self, workdir):
        self.workdir = workdir
        self.pg_db = f"plenum_cluster_{os.getpid()}_{int(time.time())}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"CREATE DATABASE {self.pg_db}"], check=True)
        database_url = f"postgres://postgres@127.0.0.1/{self.pg_db}"
        self.fake = lib.FakeServer()
        ports = [lib.free_port() for _ in range(3)]
        # The balancer's address is known before the nodes start: it is their public address.
        self.lb = HAProxy(workdir, [])
        self.nodes = []
        for i, port in enumerate(ports, 1):
            node = Node(f"n{i}", workdir, database_url, self.lb.base, [self.fake.host])
            self.nodes.append(node)
        self.lb.nodes = self.nodes

    def psql(self, sql):
        """Runs SQL on the city's database as its administrator would; returns what psql printed."""
        done = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", self.pg_db, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              check=True, capture_output=True, text=True)
        return done.stdout

    def start(self):
        self.fake.start()
        self.nodes[0].start()  # the first applies the migrations; the others find them applied
        for node in self.nodes[1:]:
            node.start()
        self.lb.start()
        self.nodes[0].create_admin()  # through the balancer: the Person helpers use `base`
        self.staff = self.nodes[0].staff
        self.citizen = self.nodes[0].sign_up("camille", "Camille Martin")

    def stop(self):
        self.lb.stop()
        self.fake.stop()
        for node in self.nodes:
            node.stop()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)"],
                       capture_output=True)


def iso(delta_days):
    import datetime
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


# --- scenarios ------------------------------------------------------------------------------

def sessions_across_nodes(city):
    """a session, its CSRF token and the language, made on one node, hold on the others"""
    n1, n2, n3 = city.nodes
    browser = Browser(city.lb.base.split("://", 1)[1])
    csrf = browser.csrf(n1, "/signup")
    r = browser.post(n2, "/signup", {"csrf": csrf, "email": "lea@cluster.example", "username": "lea",
                                     "display_name": "Léa Dubois", "password": "harbour lantern violet 77 quay"})
    check("a sign-up form fetched from node 1 is accepted by node 2 (CSRF token valid across nodes)", r.status == 303, (r.status, r.text[:300]))
    page = browser.get(n3, "/account")
    check("the session made on node 2 is signed in on node 3", page.status == 200 and "Léa Dubois" in page.text, (page.status, page.text[:200]))
    csrf = browser.csrf(n3, "/")
    r = browser.post(n1, "/locale", {"csrf": csrf, "lang": "fr", "next": "/"})
    check("the language chosen on node 1 (with node 3's token)", r.status == 303, (r.status, r.text[:200]))
    page = browser.get(n2, "/")
    check("is the language node 2 answers in", page.status == 200 and 'lang="fr"' in page.text, page.text[:200])


def throttle_across_nodes(city):
    """the sign-in throttle counts attempts made on every node"""
    statuses = []
    for attempt in range(12):
        node = city.nodes[attempt % 3]
        browser = Browser(city.lb.base.split("://", 1)[1])
        csrf = browser.csrf(node, "/login")
        r = browser.post(node, "/login", {"csrf": csrf, "email": city.citizen.email, "password": f"wrong guess number {attempt}"})
        statuses.append(r.status)
    check("12 wrong passwords for one account, spread over 3 nodes: 10 refused, then throttled on whichever node",
          statuses[:10] == [401] * 10 and statuses[10:] == [429, 429], statuses)


def proposals_everywhere(city):
    """a proposal made through one node is read at once through the others"""
    city.process = make_process(city.staff, "grand-budget", "Grand budget 2027")
    n1, n2, n3 = city.nodes
    headers = city.citizen.headers({"Content-Type": "application/json", "Host": city.lb.base.split("://", 1)[1]})
    r = request("POST", n1.direct + "/api/v1/processes/grand-budget/proposals",
                json.dumps({"title": "Trees on the boulevard", "body": "Plant plane trees along the whole boulevard."}), headers)
    check("a citizen posts a proposal through node 1", r.status == 201, (r.status, r.text[:300]))
    city.proposal = r.json()["id"]
    for node in (n2, n3):
        got = request("GET", f"{node.direct}/api/v1/proposals/{city.proposal}", headers=headers)
        check(f"node {node.name} serves it at once", got.status == 200 and "plane trees" in got.text, got.status)
    t0 = time.time()
    listed = eventually(lambda: any(p["id"] == city.proposal for p in
                                    request("GET", n3.direct + "/api/v1/processes/grand-budget/proposals", headers=headers).json()["items"]), timeout=5)
    figures["proposal listed on node 3 after (s)"] = round(time.time() - t0, 2)
    check("and lists it within the 2-second bound of the per-node list cache", listed and time.time() - t0 <= 3.0, figures)


def inbound_once(city):
    """one activity sent many times, to every node at once, is applied once"""
    fake = city.fake
    actor = fake.actor_id("remy")
    like = {"@context": AS, "id": f"{actor}/likes/{time.time_ns()}", "type": "Like", "actor": actor,
            "object": f"{city.lb.base}/proposals/{city.proposal}"}
    inbox = f"{city.lb.base}/processes/grand-budget/inbox"
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(lambda _: signed_post(inbox, like, f"{actor}#main-key", fake.key).status, range(12)))
    # A repeat is answered 409 ("already received"), on whichever node it lands: the received id is
    # one row in the shared database, so exactly one of the twelve is accepted.
    check("the same signed Like 12 times in parallel through the balancer: one 202, eleven 409",
          statuses.count(202) == 1 and statuses.count(409) == 11, statuses)
    got = request("GET", f"{city.lb.base}/api/v1/proposals/{city.proposal}", headers=city.citizen.headers()).json()
    proposal = got.get("proposal", got)
    # The process is open: a fediverse person's Like counts as an endorsement (peer towns' residents
    # would count in federated_count).
    check("and it counts once", proposal["endorsement_count"] + proposal["federated_count"] == 1,
          {k: proposal[k] for k in ("endorsement_count", "federated_count")})


def fan_out_and_kill(city):
    """a fan-out to 1,000 inboxes worked by all three nodes; kill -9 of one in the middle"""
    fake = city.fake
    names = [f"f{i:04d}" for i in range(FOLLOWERS)]
    group = f"{city.lb.base}/processes/grand-budget"
    inbox = f"{group}/inbox"
    sent = {n.name: n.metric("plenum_deliveries_total") for n in city.nodes}
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda n: fake.follow(n, group, inbox).status, names))
    check(f"{FOLLOWERS} followers' Follows through the balancer, each answered 202", statuses.count(202) == FOLLOWERS,
          {s: statuses.count(s) for s in set(statuses)})
    accepted = eventually(lambda: all(fake.ids_at(n) for n in names), timeout=180, interval=0.5)
    figures[f"{FOLLOWERS} Accepts delivered (s)"] = round(time.time() - t0, 1)
    check(f"every follower got its Accept ({figures[f'{FOLLOWERS} Accepts delivered (s)']} s)", accepted,
          sum(1 for n in names if not fake.ids_at(n)))
    by_node = {n.name: n.metric("plenum_deliveries_total") - sent[n.name] for n in city.nodes}
    figures["Accepts delivered by node"] = by_node
    check("all three nodes' workers delivered some", all(v > 0 for v in by_node.values()), by_node)

    before = {n: len(fake.ids_at(n)) for n in names}
    fake.delay = 0.02
    r = city.citizen.api("POST", "/api/v1/processes/grand-budget/proposals",
                         {"title": "Night buses on Fridays", "body": "Run night buses every Friday until 3 in the morning."})
    check("a new proposal starts a fan-out to every follower", r.status == 201, r.text[:200])
    expected = {n: before[n] + 2 for n in names}  # Announce(Create(Page)) and Announce(Page) each
    wait_until("the fan-out has started", lambda: sum(len(fake.ids_at(n)) - before[n] for n in names) >= 100, timeout=60, interval=0.05)

    # Clients keep using the town while a node dies.
    errors, answered, stop = [], [0], threading.Event()

    def load():
        while not stop.is_set():
            r = request("GET", f"{city.lb.base}/api/v1/proposals/{city.proposal}", headers=city.citizen.headers())
            if r.status == 200:
                answered[0] += 1
            else:
                errors.append(r.status)
    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    victim = city.nodes[1]
    victim.kill9()
    got = sum(len(fake.ids_at(n)) - before[n] for n in names)
    check(f"node n2 killed with -9 after {got} of {2 * FOLLOWERS} deliveries", got < 2 * FOLLOWERS, got)
    down = eventually(lambda: city.lb.status().get("n2") == "DOWN", timeout=10, interval=0.1)
    check("HAProxy marks the killed node DOWN and stops sending it traffic", down, city.lb.status())
    fake.delay = 0.0
    done = eventually(lambda: all(len(fake.ids_at(n)) >= expected[n] for n in names), timeout=240, interval=0.5)
    stop.set()
    loader.join()
    arrived = {n: fake.ids_at(n)[before[n]:] for n in names}
    repeats = sum(len(ids) - len(set(ids)) for ids in arrived.values())
    figures["repeats after kill -9 (in flight)"] = repeats
    check(f"the other nodes finish the dead node's deliveries: every inbox has both activities ({repeats} repeated, in flight at the kill)",
          done and all(len(set(ids)) == 2 for ids in arrived.values()),
          sum(1 for ids in arrived.values() if len(set(ids)) != 2))
    check("no more repeats than deliveries one node had in flight (32 at once)", repeats <= 32, repeats)
    figures["requests answered during the kill"] = answered[0]
    check(f"every client request meanwhile was answered ({answered[0]} requests, {len(errors)} errors)", not errors and answered[0] > 0, errors[:10])
    check("no delivery with a bad signature", fake.bad_signatures == 0, fake.bad_signatures)
    victim.start()
    check("the node is back", eventually(lambda: city.lb.status().get("n2") == "UP", timeout=15, interval=0.2), city.lb.status())


def rolling_restart(city):
    """a rolling restart under load: no request fails"""
    errors, answered, stop = [], [0], threading.Event()
    writes = [0]

    def load(kind):
        i = 0
        while not stop.is_set():
            i += 1
            if kind == "read":
                r = request("GET", f"{city.lb.base}/api/v1/processes/grand-budget/proposals", headers=city.citizen.headers())
                ok = r.status == 200
            else:
                r = city.citizen.api("POST", f"/api/v1/proposals/{city.proposal}/comments", {"body": f"Rolling restart comment {kind} {i}."})
                ok = r.status == 201
                writes[0] += ok
            if ok:
                answered[0] += 1
            else:
                errors.append((kind, r.status, r.text[:120]))
    # The upgrade to roll out brings a migration. The city first runs the release before it: the
    # newest migration is taken back out of the shared database (its down.sql, and its row in
    # diesel's table), and every node is restarted on that release's binary (run.sh builds it).
    # Then the nodes are upgraded one at a time under load: the first new node applies the
    # migration while the old ones go on serving on the migrated database, as in a real upgrade.
    assert PREVIOUS_BIN, "PLENUM_PREVIOUS_BIN: the release before the newest migration (run.sh builds it)"
    newest = sorted(os.listdir(os.path.join(ROOT, "migrations", "postgres")))[-1]
    with open(os.path.join(ROOT, "migrations", "postgres", newest, "down.sql")) as f:
        city.psql(f.read())
    version = newest.split("_", 1)[0].replace("-", "")
    city.psql(f"DELETE FROM __diesel_schema_migrations WHERE version = '{version}'")
    check(f"with migration {newest} taken out, every node of this version's /ready answers 503 (a migration is pending)",
          all(request("GET", n.direct + "/ready").status == 503 for n in city.nodes),
          [request("GET", n.direct + "/ready").status for n in city.nodes])

    def restart(node, binary):
        # Out of the balancer first, as docs/operations.md tells operators (`disable server`): a
        # node stopped while the balancer still sends it requests may close a kept-alive
        # connection just as a write is sent on it, which the balancer may not resend. Then
        # stopped (it finishes what it has), started on `binary`, and put back.
        city.lb.admin(f"disable server nodes/{node.name}")
        wait_until(f"{node.name} out of the balancer", lambda: city.lb.status().get(node.name) == "MAINT", timeout=15, interval=0.1)
        node.terminate()
        node.binary = binary
        node.start()
        city.lb.admin(f"enable server nodes/{node.name}")
        wait_until(f"{node.name} back in the balancer", lambda: city.lb.status().get(node.name) == "UP", timeout=15, interval=0.1)

    for node in city.nodes:
        restart(node, PREVIOUS_BIN)
    check("on the release before it, every node is ready",
          all(request("GET", n.direct + "/ready").status == 200 for n in city.nodes),
          [request("GET", n.direct + "/ready").status for n in city.nodes])

    threads = [threading.Thread(target=load, args=(k,), daemon=True) for k in ("read", "read", "write")]
    for t in threads:
        t.start()
    for node in city.nodes:
        restart(node, BIN)
    stop.set()
    for t in threads:
        t.join()
    applied = city.psql(f"SELECT count(*) FROM __diesel_schema_migrations WHERE version = '{version}'").strip()
    check(f"the first node restarted applied {newest}", applied == "1", applied)
    check("and every node is ready again", all(request("GET", n.direct + "/ready").status == 200 for n in city.nodes),
          [request("GET", n.direct + "/ready").status for n in city.nodes])
    figures["requests during the rolling restart"] = answered[0]
    check(f"rolling restart of 3 nodes under load: {answered[0]} requests answered ({writes[0]} writes), {len(errors)} failed",
          not errors and answered[0] > 0, errors[:5])
    comments = request("GET", f"{city.lb.base}/api/v1/proposals/{city.proposal}/comments", headers=city.citizen.headers()).json()["items"]
    check("every comment the clients were told was saved is there", sum(1 for c in comments if "Rolling restart comment" in c["body"]) == writes[0],
          (len(comments), writes[0]))


SCENARIOS = [sessions_across_nodes, throttle_across_nodes, proposals_everywhere, inbound_once, fan_out_and_kill, rolling_restart]


def main():
    city = City(tempfile.mkdtemp(prefix="plenum-cluster-"))
    try:
        city.start()
        checks.run(SCENARIOS, city)
        print(f"\ncluster tests: {checks.total} checks passed in {len(checks.counts)} scenarios (3 nodes, PostgreSQL, HAProxy)")
        print(checks.summary())
        for k, v in figures.items():
            print(f"  {k}: {v}")
    except Exception:
        for node in city.nodes:
            print(f"\n--- log of node {node.name} (last 30 lines)")
            try:
                print("".join(open(node.log_path).readlines()[-30:]))
            except OSError:
                pass
        raise
    finally:
        city.stop()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
