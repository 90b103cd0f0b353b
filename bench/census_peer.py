"""The same census import as Plenum's, written with Python's standard library only: stream the
CSV, normalise each value (accents, case, spaces, dates), HMAC-SHA256 the line, store the hashes in
SQLite in one transaction. Prints the seconds it took. Used by `cargo bench --bench census`."""

import csv
import datetime
import hashlib
import hmac
import sqlite3
import sys
import time
import unicodedata

KEY = b"benchmark-secret-key-0123456789abcdef"
FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]


def normalise(value):
    value = value.strip()
    if len(value) >= 8 and all(c.isdigit() or c in "/-." for c in value):
        for f in FORMATS:
            try:
                return datetime.datetime.strptime(value, f).strftime("%Y-%m-%d")
            except ValueError:
                pass
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(c.lower() for c in decomposed if not unicodedata.combining(c) and c.isalnum())


def main(path, db_path):
    started = time.perf_counter()
    seen = set()
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        for row in reader:
            mac = hmac.new(KEY, b"census\0", hashlib.sha256)
            for value in row:
                mac.update(normalise(value).encode())
                mac.update(b"\x1f")
            seen.add(mac.hexdigest())
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE IF NOT EXISTS census_entries (hash TEXT PRIMARY KEY NOT NULL)")
    with db:
        db.execute("DELETE FROM census_entries")
        db.executemany("INSERT INTO census_entries (hash) VALUES (?)", ((h,) for h in seen))
    db.close()
    print(f"{time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
