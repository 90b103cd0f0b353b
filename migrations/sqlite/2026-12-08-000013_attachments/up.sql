-- Images and documents on a proposal, a budget project or a process (`owner_kind`: proposal |
-- project | process; no foreign key, since the owner is one of three tables: the code that
-- deletes an owner or an account deletes its attachments and their files). The files are on
-- disk under PLENUM_UPLOAD_DIR, named by `id` only, never by the uploaded name.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    uploader_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    alt_text TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    width INTEGER,
    height INTEGER,
    created_at TIMESTAMP NOT NULL
);
-- A page of proposals (or a budget's projects) asks for the attachments of all its items at once.
CREATE INDEX attachments_by_owner ON attachments (owner_kind, owner_id, created_at);
-- Account deletion and the data export find a person's uploads.
CREATE INDEX attachments_by_uploader ON attachments (uploader_id);
