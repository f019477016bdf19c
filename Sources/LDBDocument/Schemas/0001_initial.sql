-- ldb project format, version 1.
-- Released migrations are never edited: change the format with a new numbered file.
-- The migrator runs this inside a transaction and then sets PRAGMA user_version = 1.

-- Content-addressed storage. `sha256` is the hex digest of the uncompressed bytes.
-- `role` is 'content' for bytes the project itself refers to (source image, masks)
-- and 'cache' for bytes only the caches refer to, which may be dropped at any time.
CREATE TABLE blob (
    sha256      TEXT    NOT NULL PRIMARY KEY CHECK (length(sha256) = 64),
    size        INTEGER NOT NULL CHECK (size >= 0),
    compression TEXT    NOT NULL CHECK (compression IN ('zlib', 'none')),
    role        TEXT    NOT NULL CHECK (role IN ('content', 'cache')),
    data        BLOB    NOT NULL
);

-- Project settings at HEAD (exactly one row).
CREATE TABLE settings (
    id                  INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    width               INTEGER NOT NULL,
    height              INTEGER NOT NULL,
    steps               INTEGER NOT NULL,
    blend_steps         INTEGER NOT NULL,
    prompt              TEXT    NOT NULL,
    negative_prompt     TEXT    NOT NULL,
    guidance            REAL    NOT NULL,
    seed                INTEGER,          -- UInt64 stored as its Int64 bit pattern
    source_image_sha256 TEXT REFERENCES blob(sha256),
    keep_background     INTEGER NOT NULL CHECK (keep_background IN (0, 1))
);

-- The model the project was made with (exactly one row). Not part of the journal.
CREATE TABLE model (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    location    TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL
);

-- The layers at HEAD, materialised. Stack order is `position` ascending (bottom first);
-- positions are sparse so that moving a layer rewrites one row.
-- AUTOINCREMENT: an id is never handed out twice, even after the layer is undone.
CREATE TABLE layer (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    position        REAL    NOT NULL,
    name            TEXT    NOT NULL UNIQUE,
    visible         INTEGER NOT NULL CHECK (visible IN (0, 1)),
    prompt          TEXT    NOT NULL,
    negative_prompt TEXT    NOT NULL,
    seed            INTEGER NOT NULL, -- UInt64 stored as its Int64 bit pattern
    regen_steps     INTEGER NOT NULL,
    strength        REAL    NOT NULL,
    guidance        REAL    NOT NULL,
    opacity         REAL    NOT NULL,
    feather         REAL    NOT NULL,
    invert          INTEGER NOT NULL CHECK (invert IN (0, 1)),
    mask_sha256     TEXT    NOT NULL REFERENCES blob(sha256)
);
CREATE INDEX layer_position ON layer(position);

-- The journal: a tree of revisions. `delta` holds the before and after images of
-- everything the revision changed (JSON), so undo and redo touch one row.
-- `last_child` is the child most recently visited, which redo moves to.
CREATE TABLE revision (
    id          INTEGER NOT NULL PRIMARY KEY,
    parent      INTEGER REFERENCES revision(id),
    depth       INTEGER NOT NULL CHECK (depth >= 0),
    created_at  REAL    NOT NULL,  -- seconds since 1970-01-01 UTC
    description TEXT    NOT NULL,
    delta       BLOB    NOT NULL,
    last_child  INTEGER REFERENCES revision(id)
);
CREATE INDEX revision_parent ON revision(parent);

-- Named pointers into the journal: 'HEAD' and the user's tags.
CREATE TABLE ref (
    name     TEXT    NOT NULL PRIMARY KEY,
    revision INTEGER NOT NULL REFERENCES revision(id)
);
CREATE INDEX ref_revision ON ref(revision);

-- Caches for the engine. Safe to empty at any time; keys are content hashes.
CREATE TABLE cache_base_trajectory (
    key         TEXT    NOT NULL PRIMARY KEY,
    blob_sha256 TEXT    NOT NULL REFERENCES blob(sha256),
    byte_size   INTEGER NOT NULL,
    last_used   REAL    NOT NULL
);
CREATE TABLE cache_layer_result (
    key         TEXT    NOT NULL PRIMARY KEY,
    blob_sha256 TEXT    NOT NULL REFERENCES blob(sha256),
    byte_size   INTEGER NOT NULL,
    last_used   REAL    NOT NULL
);
CREATE TABLE cache_render (
    key         TEXT    NOT NULL PRIMARY KEY,
    blob_sha256 TEXT    NOT NULL REFERENCES blob(sha256),
    byte_size   INTEGER NOT NULL,
    last_used   REAL    NOT NULL
);
