"""Schema migrations on both backends: an archive made by an older gongkai upgrades itself on
first use, indexing what it already holds; a newer one is refused (see test_store)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from archive import Archive
from archive.db import _alembic_config, create_archive_engine, schema_revision
from archive.normalize import sha256_hex
from archive.queries import DocumentFilter, hits_json, query_documents
from tests.archive.pages import report

HEAD = ScriptDirectory.from_config(_alembic_config()).get_current_head()
URL = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"


def at_revision(db_url: str, revision: str) -> sa.Engine:
    engine = create_archive_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return engine


def test_an_archive_at_0001_upgrades_and_indexes_what_it_holds(db_url: str) -> None:
    engine = at_revision(db_url, "0001")
    text, raw = report(), b"<html>raw</html>"
    now = dt.datetime(2024, 2, 2, tzinfo=dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO sources (id, name, updated_at) VALUES ('s', '兰州市民政局', :t)"),
            {"t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO blobs (sha256, size, codec, data, created_at) "
                "VALUES (:sha, :size, 'raw', :data, :t)"
            ),
            {"sha": sha256_hex(raw), "size": len(raw), "data": raw, "t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO documents (id, source_id, url, title, status, first_seen_at, "
                "last_seen_at, last_changed_at, version_count) "
                "VALUES (1, 's', :url, '报告', 'live', :t, :t, :t, 1)"
            ),
            {"url": URL, "t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO versions (document_id, n, fetched_at, text_sha256, text, meta, "
                "raw_sha256) VALUES (1, 1, :t, :sha, :text, '{}', :raw)"
            ),
            {"t": now, "sha": sha256_hex(text), "text": text, "raw": sha256_hex(raw)},
        )
    assert schema_revision(engine) == "0001"
    engine.dispose()

    with Archive.open(db_url) as archive:  # first use by this gongkai: migrates
        assert schema_revision(archive.engine) == HEAD
        with archive.session() as s:
            hits = hits_json(s, query_documents(s, DocumentFilter(text="行政复议")))
            bands = s.execute(sa.text("SELECT count(*) FROM document_bands")).scalar_one()
            simhash = s.execute(sa.text("SELECT simhash FROM documents")).scalar_one()
        assert [h["url"] for h in hits] == [URL] and "行政复议" in hits[0]["snippet"]
        assert bands == 4 and simhash is not None
        # blobs written uncompressed by hand are still read back
        assert archive.raw_bytes(sha256_hex(raw)) == raw


def test_opening_twice_is_a_no_op(db_url: str) -> None:
    Archive.open(db_url).close()
    with Archive.open(db_url) as archive:
        assert schema_revision(archive.engine) == HEAD
