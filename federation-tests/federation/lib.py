"""Helpers for the multi-instance federation tests: start Plenum instances, drive them over
HTTP (forms and the JSON API), sign ActivityPub requests as a fake remote server, and receive
deliveries on many inboxes. `Checks` runs a test's scenarios in order and counts the checks of
each; `eventually` polls a condition for a check to assert; the reads of a town's state are JSON
where Plenum offers it, and go through `html_only` where only a page shows it.

Only the standard library and `cryptography` (installed with apsig from PyPI) are used: the
signing and verifying code here is independent of the Rust crates Plenum uses.
"""

import base64
import hashlib
import http.cookiejar
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import formatdate

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

AP = "application/activity+json"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(what, check, timeout=30.0, interval=0.2):
    """Polls `check` until it returns a true value; fails the test with `what` on timeout."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as e:  # the condition may not be reachable yet
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for: {what} (last: {last!r})")


def eventually(condition, timeout=30.0, interval=0.2):
    """Polls `condition` until it returns a true value and returns that value; on timeout returns
    the last (false) value instead of failing, so that a `check` states what did not happen."""
    deadline = time.time() + timeout
    last = None
    while True:
        try:
            last = condition()
            if last:
                return last
        except Exception:  # the condition may not be reachable yet
            last = None
        if time.time() >= deadline:
            return last
        time.sleep(interval)


class Checks:
    """Runs scenarios in order over one shared fixture and counts the checks of each.

    A scenario is a function of the fixture; its docstring's first line is its title. `check`
    passes when its condition holds, records a row in the interop matrix when given one, and
    fails the run (AssertionError) when it does not."""

    def __init__(self, matrix=None, shown_by=""):
        self.matrix = matrix
        self.shown_by = shown_by
        self.counts = {}  # scenario name -> checks passed
        self.current = None

    def check(self, what, condition, detail="", row=None):
        """`row` = (peer, activity, direction) also goes into docs/interop.md."""
        if row and self.matrix is not None:
            self.matrix.record(row[0], row[1], row[2], bool(condition), self.shown_by)
        if not condition:
            raise AssertionError(f"FAILED: {what} {detail}")
        self.counts[self.current] = self.counts.get(self.current, 0) + 1
        print(f"  ok  {what}")

    @property
    def total(self):
        return sum(self.counts.values())

    def run(self, scenarios, fixture):
        for scenario in scenarios:
            title = (scenario.__doc__ or "").strip().splitlines()[0] if scenario.__doc__ else ""
            self.current = scenario.__name__
            self.counts.setdefault(self.current, 0)
            print(f"\n== {scenario.__name__}: {title}", flush=True)
            scenario(fixture)

    def summary(self):
        width = max((len(name) for name in self.counts), default=0)
        return "\n".join(f"  {name:<{width}}  {n:3d}" for name, n in self.counts.items())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def request(method, url, body=None, headers=None, opener=None, timeout=15):
    data = body if body is None or isinstance(body, bytes) else body.encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = opener or urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


class Instance:
    """One Plenum process with its own database and port."""

    def __init__(self, name, binary, workdir, backend, allowed_hosts, production=None):
        """`production`: a `ProductionSite` (https on its own name and loopback address, port 443,
        no debug switch); without it, http on localhost with a free port in test mode."""
        self.name = name
        self.binary = binary
        self.production = production
        if production:
            self.port = 443
            self.host = production.name
            self.base = f"https://{self.host}"
        else:
            self.port = free_port()
            self.host = f"localhost:{self.port}"
            self.base = f"http://{self.host}"
        self.workdir = workdir
        self.backend = backend
        self.pg_db = None
        if backend == "postgres":
            self.pg_db = f"plenum_fed_{name}_{os.getpid()}_{int(time.time())}"
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"CREATE DATABASE {self.pg_db}"], check=True)
            self.database_url = f"postgres://postgres@127.0.0.1/{self.pg_db}"
        else:
            self.database_url = f"sqlite://{workdir}/{name}.db"
        self.allowed_hosts = allowed_hosts
        self.proc = None
        self.log_path = f"{workdir}/{name}.log"
        self.token = None

    def env(self):
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.database_url,
            "PLENUM_BIND": f"127.0.0.1:{self.port}",
            "PLENUM_PUBLIC_URL": self.base,
            "PLENUM_TOWN_NAME": f"Town {self.name.upper()}",
            "PLENUM_SECRET_KEY": f"test-secret-key-of-town-{self.name}-0123456789abcdef",
            "PLENUM_FEDERATION_ALLOW_PRIVATE": ",".join(self.allowed_hosts),
            "PLENUM_DELIVERY_RETRY_BASE_SECS": "1",
            "PLENUM_DEFAULT_LOCALE": "en",
            # Staff sign in by API token with their password: two-factor sign-in is not the
            # subject here (tests/http/two_factor.rs and the browser journey are).
            "PLENUM_STAFF_TWO_FACTOR": "optional",
            # Citizens sign up and take part at once; confirming the address by mail is the
            # subject of tests/http/account_mail.rs and the browser journey.
            "PLENUM_REQUIRE_EMAIL_CONFIRMATION": "false",
            "PLENUM_LOG": os.environ.get("PLENUM_TEST_LOG", "warn,plenum=info"),
        })
        if self.production:
            site = self.production
            env.update({
                "PLENUM_BIND": f"{site.address}:443",
                "PLENUM_TLS_CERT": site.cert,
                "PLENUM_TLS_KEY": site.key,
                # The one setting production mode allows here: our parties are on 127.0.0.x.
                "DANGER_FEDERATION_ALLOW_LOCAL_IP": "1",
                "PLENUM_FEDERATION_ALLOW_PRIVATE": "",
            })
            env.update(site.extra_env)
        return env

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env(), stdout=log, stderr=log)
        wait_until(f"{self.name} answers /health", lambda: request("GET", self.base + "/health").status == 200, timeout=60)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def drop(self):
        if self.pg_db:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)"],
                           capture_output=True)

    def cli(self, *args, env_extra=None):
        env = self.env()
        env.update(env_extra or {})
        return subprocess.run([self.binary, *args], env=env, check=True, capture_output=True, text=True)

    # --- people ---------------------------------------------------------------------------
    def create_admin(self):
        self.cli("admin", "create-admin", "--email", f"staff@{self.name}.example", "--username", f"staff{self.name}",
                 "--name", f"Staff {self.name}", env_extra={"PLENUM_ADMIN_PASSWORD": "correct horse battery staple"})
        self.staff = Person(self, f"staff@{self.name}.example", "correct horse battery staple", f"staff{self.name}")
        self.staff.get_token()

    def sign_up(self, username, display):
        """A citizen signs up through the web form, then gets an API token."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        page = request("GET", self.base + "/signup", opener=opener)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        email = f"{username}@{self.name}.example"
        password = "lantern orchard compass meadow 42"
        form = urllib.parse.urlencode({"csrf": csrf, "email": email, "username": username, "display_name": display, "password": password})
        r = request("POST", self.base + "/signup", form, {"Content-Type": "application/x-www-form-urlencoded"}, opener=opener)
        assert r.status == 303, (r.status, r.text[:500])
        person = Person(self, email, password, username)
        person.get_token()
        return person


class ProductionSite:
    """A public name (`town-a.test`) on its own loopback address, with a certificate from the
    test's certificate authority."""

    def __init__(self, name, address, cert, key, extra_env=None):
        self.name = name
        self.address = address
        self.cert = cert
        self.key = key
        self.extra_env = extra_env or {}


class TestPKI:
    """A certificate authority made for one test run (openssl, from Debian), and a certificate
    per host name. Every party trusts the CA: OpenSSL (Plenum, Python) through SSL_CERT_FILE,
    Node through NODE_EXTRA_CA_CERTS."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "pki")
        os.makedirs(self.dir, exist_ok=True)
        self.ca_cert = os.path.join(self.dir, "ca.pem")
        ca_key = os.path.join(self.dir, "ca.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", self.ca_cert,
                        "-days", "2", "-subj", "/CN=Plenum test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,keyCertSign,cRLSign"], check=True, capture_output=True)
        self.ca_key = ca_key

    def issue(self, host):
        key = os.path.join(self.dir, f"{host}.key")
        csr = os.path.join(self.dir, f"{host}.csr")
        cert = os.path.join(self.dir, f"{host}.pem")
        ext = os.path.join(self.dir, f"{host}.ext")
        with open(ext, "w") as f:
            f.write(f"subjectAltName=DNS:{host}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
        subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={host}"],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", self.ca_cert, "-CAkey", self.ca_key, "-CAcreateserial",
                        "-out", cert, "-days", "2", "-extfile", ext], check=True, capture_output=True)
        return cert, key

    def trust_everywhere(self):
        """This process (urllib) and every child it starts trust the test CA."""
        os.environ["SSL_CERT_FILE"] = self.ca_cert
        os.environ["NODE_EXTRA_CA_CERTS"] = self.ca_cert


class InteropMatrix:
    """Peer × activity × direction → pass / fail, written into one section of docs/interop.md
    (between `<!-- matrix:NAME -->` and `<!-- /matrix:NAME -->`), so each test run keeps the
    document true."""

    def __init__(self, name, title):
        self.name = name
        self.title = title
        self.rows = []

    def record(self, peer, activity, direction, ok, shown_by):
        self.rows.append((peer, activity, direction, "pass" if ok else "FAIL", shown_by))

    def markdown(self):
        lines = [f"### {self.title}", "", "| peer | activity | direction | result | shown by |", "|---|---|---|---|---|"]
        lines += [f"| {p} | {a} | {d} | {r} | {s} |" for p, a, d, r, s in self.rows]
        return "\n".join(lines) + "\n"

    def write(self, path):
        start, end = f"<!-- matrix:{self.name} -->", f"<!-- /matrix:{self.name} -->"
        text = open(path).read() if os.path.exists(path) else "# Interoperability matrix\n"
        block = f"{start}\n{self.markdown()}{end}"
        if start in text and end in text:
            text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        with open(path, "w") as f:
            f.write(text)


def ensure_hosts(entries):
    """Names the test's loopback addresses in /etc/hosts (`{"town-a.test": "127.0.0.2"}`), as a
    real server's DNS would. Needs root, as CI has; a clear failure otherwise."""
    try:
        current = open("/etc/hosts").read()
        missing = [f"{address} {name}" for name, address in entries.items()
                   if not re.search(rf"^{re.escape(address)}\s+.*\b{re.escape(name)}\b", current, re.M)]
        if missing:
            with open("/etc/hosts", "a") as f:
                f.write("\n# Plenum federation tests (production addressing)\n" + "\n".join(missing) + "\n")
    except PermissionError as e:
        raise AssertionError(f"the production-addressing test needs to write /etc/hosts (run as root): {e}")
    for name, address in entries.items():
        resolved = socket.gethostbyname(name)
        assert resolved == address, f"{name} resolves to {resolved}, not {address}"


class Person:
    def __init__(self, instance, email, password, username):
        self.instance = instance
        self.email = email
        self.password = password
        self.username = username
        self.token = None

    @property
    def actor(self):
        return f"{self.instance.base}/users/{self.username}"

    def get_token(self):
        r = request("POST", self.instance.base + "/api/v1/tokens",
                    json.dumps({"email": self.email, "password": self.password, "label": "federation tests"}),
                    {"Content-Type": "application/json"})
        assert r.status == 201, (r.status, r.text)
        self.token = r.json()["token"]

    def headers(self, extra=None):
        h = {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}
        h.update(extra or {})
        return h

    def form(self, path, fields):
        """Posts an HTML form (a bearer token stands for the session and CSRF token)."""
        r = request("POST", self.instance.base + path, urllib.parse.urlencode(fields),
                    self.headers({"Content-Type": "application/x-www-form-urlencoded"}))
        return r

    def api(self, method, path, payload=None):
        body = None if payload is None else json.dumps(payload)
        return request(method, self.instance.base + path, body, self.headers({"Content-Type": "application/json"}))

    def page(self, path):
        return request("GET", self.instance.base + path, headers=self.headers())


def get_json(url, headers=None):
    h = {"Accept": AP}
    h.update(headers or {})
    r = request("GET", url, headers=h)
    assert r.status == 200, (url, r.status, r.text[:300])
    return r.json()


# --- reads of a town's state -------------------------------------------------------------
# As JSON where Plenum offers it (the JSON API, read by a signed-in person: with authorized
# fetch it does not answer anonymous requests); through `html_only` where only a page shows it.

def comments(reader, proposal_id, include_hidden=False):
    """The comments under a proposal of the reader's town, from the JSON API (staff see hidden
    ones too, flagged; they are left out unless asked for)."""
    r = reader.api("GET", f"/api/v1/proposals/{proposal_id}/comments")
    assert r.status == 200, (r.status, r.text[:300])
    return [c for c in r.json()["items"] if include_hidden or not c["hidden"]]


def comment_saying(reader, proposal_id, text):
    """The first shown comment whose text contains `text`, or None."""
    return next((c for c in comments(reader, proposal_id) if text in c["body"] or text in c["body_html"]), None)


# --- what a person sees on a page, and the mirrored state as JSON ---------------------------

def html_only(person, path):
    """A page's HTML, to check what a person is shown there (a translated state, an answer, a
    message); state itself is read from the JSON API below."""
    r = person.page(path)
    assert r.status == 200, (path, r.status, r.text[:300])
    return r.text


def api_json(person, path):
    r = person.api("GET", path)
    assert r.status == 200, (path, r.status, r.text[:300])
    return r.json()


def remote_process(person, title):
    """A followed process as the person's town mirrors it (JSON API), by title; None if absent."""
    return next((p for p in api_json(person, "/api/v1/remote/processes")["items"] if p["title"] == title), None)


def remote_process_id(person, title):
    """The id of the town's page for a followed process."""
    process = remote_process(person, title)
    return process["id"] if process else None


def remote_proposals(person, rpid):
    """Title → id of the proposals a town mirrors for a followed process."""
    return {p["title"]: p["id"] for p in api_json(person, f"/api/v1/remote/processes/{rpid}")["proposals"]}


def remote_count(person, rpid, count):
    """A count a town shows for a mirrored proposal (`federated_count`, `binding_count`, ...)."""
    return api_json(person, f"/api/v1/remote/proposals/{rpid}")[count]


def follow_state(person, title):
    """The state of the town's follow of a process (`pending`, `accepted`, `rejected`)."""
    process = remote_process(person, title)
    return process["follow_state"] if process else None


def html_budget_id(staff, process_id):
    """The id of a process's (only) budget, from the staff budgets page."""
    return re.search(r'/admin/budgets/([0-9a-f-]{36})', html_only(staff, f"/admin/processes/{process_id}/budgets")).group(1)


# --- HTTP signatures (draft-cavage, as Mastodon sends them) -----------------------------------

def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def b64(data):
    return base64.b64encode(data).decode()


def signed_post(url, activity, key_id, key, date=None, digest=None, body=None, omit=(), tamper_after=False, algorithm="rsa-sha256"):
    """POSTs `activity` signed with `key`. Knobs break one thing at a time for rejection tests."""
    body = body if body is not None else json.dumps(activity).encode()
    u = urllib.parse.urlparse(url)
    path = u.path + (f"?{u.query}" if u.query else "")
    date = date or formatdate(usegmt=True)
    digest = digest or "SHA-256=" + b64(hashlib.sha256(body).digest())
    signing = f"(request-target): post {path}\nhost: {u.netloc}\ndate: {date}\ndigest: {digest}"
    signature = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
    headers = {
        "Host": u.netloc,
        "Date": date,
        "Digest": digest,
        "Content-Type": AP,
        "Signature": f'keyId="{key_id}",algorithm="{algorithm}",headers="(request-target) host date digest",signature="{b64(signature)}"',
    }
    for name in omit:
        headers.pop(name, None)
    if tamper_after:
        body = body.replace(b"Hello", b"Hallo")
    return request("POST", url, body, headers)


class _Message:
    """The request shape `http_message_signatures` signs: method, url, headers."""

    def __init__(self, method, url, headers):
        self.method = method
        self.url = url
        self.headers = headers


class _Keys:
    def __init__(self, key):
        self.key = key

    def resolve_private_key(self, key_id):
        return self.key

    def resolve_public_key(self, key_id):
        return self.key.public_key()


def rfc9421_headers(method, url, key_id, key, body=None, created=None, components=("@method", "@target-uri", "@authority")):
    """Headers of a request signed per RFC 9421 by `http-message-signatures` (PyPI), an
    implementation independent of the `httpsig` crate Plenum verifies with. With a body, it
    adds `Content-Digest` and covers it."""
    import datetime
    from http_message_signatures import HTTPMessageSigner, algorithms
    headers = {"Date": formatdate(usegmt=True)}
    if body is not None:
        headers["Content-Type"] = AP
    message = _Message(method, url, headers)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_Keys(key))
    when = datetime.datetime.fromtimestamp(created, datetime.timezone.utc) if created else None
    signer.sign(message, key_id=key_id, label="sig1", covered_component_ids=components, body=body, created=when)
    return message.headers


def signed_post_rfc9421(url, activity, key_id, key, tamper_after=False, created=None):
    body = json.dumps(activity).encode()
    headers = rfc9421_headers("POST", url, key_id, key, body=body, created=created)
    if tamper_after:
        body = body.replace(b"Hello", b"Hallo")
    return request("POST", url, body, headers)


def signed_get(url, key_id, key, scheme="cavage", accept=AP):
    """A GET signed as an authorized-fetch server sends it, in either scheme."""
    if scheme == "rfc9421":
        headers = rfc9421_headers("GET", url, key_id, key)
    else:
        u = urllib.parse.urlparse(url)
        path = u.path + (f"?{u.query}" if u.query else "")
        date = formatdate(usegmt=True)
        signing = f"(request-target): get {path}\nhost: {u.netloc}\ndate: {date}"
        signature = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        headers = {"Host": u.netloc, "Date": date,
                   "Signature": f'keyId="{key_id}",algorithm="hs2019",headers="(request-target) host date",signature="{b64(signature)}"'}
    headers["Accept"] = accept
    return request("GET", url, headers=headers)


def verify_signed_request(method, path, headers, body, fetch_key):
    """Checks an incoming draft-cavage signature and Digest; returns the key id's actor."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', headers.get("Signature", "")))
    digest = headers.get("Digest", "")
    if digest != "SHA-256=" + b64(hashlib.sha256(body).digest()):
        raise ValueError("digest mismatch")
    lines = []
    for name in params["headers"].split():
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        elif name == "(created)":
            lines.append(f"(created): {params['created']}")
        elif name == "(expires)":
            lines.append(f"(expires): {params['expires']}")
        else:
            lines.append(f"{name}: {headers.get(name)}")
    key = fetch_key(params["keyId"])
    key.verify(base64.b64decode(params["signature"]), "\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    return params["keyId"].split("#")[0]


class FakeServer:
    """A minimal ActivityPub server on loopback: actors with inboxes that check every delivery's
    signature and record it, and 'evil' actors used to craft bad requests."""

    def __init__(self, port=None, delay=0.0):
        self.port = port or free_port()
        self.host = f"localhost:{self.port}"
        self.base = f"http://{self.host}"
        self.key = new_key()
        self.other_key = new_key()
        self.delay = delay
        self.lock = threading.Lock()
        self.received = {}  # inbox name -> list of activity ids (every arrival, repeats included)
        self.bodies = {}
        self.bad_signatures = 0
        self.key_cache = {}
        self.server = None
        self.actors_without_shared_inbox = True

    def actor_id(self, name):
        return f"{self.base}/actors/{name}"

    def actor_json(self, name):
        aid = self.actor_id(name)
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": aid, "type": "Person", "preferredUsername": name, "name": f"Remote {name}",
            "inbox": f"{aid}/inbox", "outbox": f"{aid}/outbox",
            "publicKey": {"id": f"{aid}#main-key", "owner": aid, "publicKeyPem": public_pem(self.key)},
        }

    def fetch_key(self, key_id):
        if key_id not in self.key_cache:
            actor = get_json(key_id.split("#")[0])
            pem = actor["publicKey"]["publicKeyPem"].encode()
            self.key_cache[key_id] = serialization.load_pem_public_key(pem)
        return self.key_cache[key_id]

    def start(self):
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send(self, status, body=b"", ctype=AP):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender was killed mid-request (the kill -9 test)

            def do_GET(self):
                m = re.fullmatch(r"/actors/([\w-]+)", self.path)
                if m:
                    return self.send(200, json.dumps(fake.actor_json(m.group(1))).encode(), "application/activity+json; charset=utf-8")
                self.send(404, b"{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                m = re.fullmatch(r"/actors/([\w-]+)/inbox", self.path)
                if not m:
                    return self.send(404, b"{}")
                try:
                    verify_signed_request("POST", self.path, self.headers, body, fake.fetch_key)
                except Exception:
                    with fake.lock:
                        fake.bad_signatures += 1
                    return self.send(401, b"{}")
                if fake.delay:
                    time.sleep(fake.delay)
                activity = json.loads(body)
                with fake.lock:
                    fake.received.setdefault(m.group(1), []).append(activity["id"])
                    fake.bodies[activity["id"]] = activity
                self.send(202, b"{}")

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # connections cut by a killed sender are expected here

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def ids_at(self, name):
        with self.lock:
            return list(self.received.get(name, []))

    def follow(self, name, group, inbox):
        follow = {"@context": "https://www.w3.org/ns/activitystreams",
                  "id": f"{self.actor_id(name)}/follows/{time.time_ns()}", "type": "Follow",
                  "actor": self.actor_id(name), "object": group}
        return signed_post(inbox, follow, f"{self.actor_id(name)}#main-key", self.key)
