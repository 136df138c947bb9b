"""The archive's write side: runs, pages, sightings and withdrawals.

Every method that archives a page does all of its writes in one transaction, so a crash
leaves the archive as it was before that page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive import search
from archive.blobs import get_blob, put_blob
from archive.copies import move_on_gone
from archive.db import create_archive_engine, ensure_schema
from archive.errors import ArchiveError, DatabaseUnavailable
from archive.indexing import index_pending, index_version
from archive.leases import LEASE, LiveRun, SourceBusy, this_holder
from archive.models import (
    Attachment,
    CrawlRun,
    Document,
    Event,
    HttpState,
    MetadataEdit,
    RunProblem,
    Source,
    Version,
)
from archive.normalize import normalize_text, sha256_hex
from archive.records import (
    AttachmentFile,
    Capture,
    HttpStateView,
    Outcome,
    PageMeta,
    PageRecord,
    RunCounts,
    Sighting,
    SourceInfo,
)
from archive.simhash import simhash_of
from archive.textindex import TextIndex, index_text

RUN_STATUSES = ("ok", "failed", "blocked")


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class Archive:
    """A handle on one archive database. The caller owns its lifecycle (close())."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Archive:
        """Open (and migrate, if needed) the archive at a SQLAlchemy URL."""
        engine = create_archive_engine(url)
        ensure_schema(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits as one transaction, or not at all."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise DatabaseUnavailable(f"archive write failed: {exc.orig}") from exc
        except ArchiveError:
            raise
        except SQLAlchemyError as exc:
            raise ArchiveError(f"archive write failed: {exc}") from exc

    # -- sources and runs -------------------------------------------------------------

    def sync_sources(self, sources: Iterable[SourceInfo]) -> None:
        """Create or update source rows from seeds."""
        now = utcnow()
        with self.session() as s:
            for info in sources:
                row = s.get(Source, info.id)
                if row is None:
                    row = Source(id=info.id)
                    s.add(row)
                row.name, row.cms, row.schedule, row.updated_at = (
                    info.name,
                    info.cms,
                    info.schedule,
                    now,
                )

    def start_run(self, source_id: str, *, at: dt.datetime | None = None) -> int:
        """Open a run row for a source; returns its id."""
        with self.session() as s:
            run = _new_run(source_id, at=at or utcnow())
            s.add(run)
            s.flush()
            return run.id

    def claim_run(
        self, source_id: str, *, holder: str | None = None, lease: dt.timedelta = LEASE
    ) -> int:
        """Open a run that holds the source, or raise SourceBusy while another crawl holds it.

        Claims that lapsed (their holder died without closing its row) are closed as failed
        first. The source row must exist (sync_sources).
        """
        holder = holder or this_holder()
        now = utcnow()
        with self.session() as s:
            # Writing the source row first takes its lock (on SQLite, the database's), so two
            # claims of one source are decided one after the other.
            s.execute(update(Source).where(Source.id == source_id).values(updated_at=now))
            running = s.execute(_claims(source_id)).scalars().all()
            for row in running:
                live = _live(row)
                reason = live.lapsed(now, lease)
                if reason is None:
                    raise SourceBusy(live, now)
                row.status, row.finished_at = "failed", now
                row.message = f"the crawl process ended without finishing the run ({reason})"
            run = _new_run(source_id, at=now, holder=holder)
            s.add(run)
            s.flush()
            return run.id

    def heartbeat(self, run_id: int) -> bool:
        """Renew a running crawl's claim; False when its row is no longer running."""
        with self.session() as s:
            result = s.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id, CrawlRun.status == "running")
                .values(heartbeat_at=utcnow())
            )
            return bool(getattr(result, "rowcount", 0))

    def live_run(self, source_id: str, *, lease: dt.timedelta = LEASE) -> LiveRun | None:
        """The crawl that holds a source now, if any."""
        now = utcnow()
        with self._sessions() as s:
            for row in s.execute(_claims(source_id)).scalars():
                live = _live(row)
                if live.lapsed(now, lease) is None:
                    return live
        return None

    def add_problem(self, run_id: int, *, url: str | None, kind: str, message: str) -> None:
        """Record something that went wrong on a run."""
        with self.session() as s:
            s.add(RunProblem(run_id=run_id, at=utcnow(), url=url, kind=kind, message=message))

    def finish_run(
        self, run_id: int, *, status: str, counts: RunCounts, message: str | None = None
    ) -> None:
        """Close a run with its final status and tallies."""
        if status not in RUN_STATUSES:
            raise ValueError(f"run status must be one of {RUN_STATUSES}, not {status!r}")
        with self.session() as s:
            s.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(
                    finished_at=utcnow(),
                    status=status,
                    message=message,
                    pages=counts.pages,
                    new_documents=counts.new_documents,
                    new_versions=counts.new_versions,
                    gone=counts.gone,
                    errors=counts.errors,
                )
            )

    def abandon_stale_runs(self, source_id: str, *, older_than: dt.timedelta) -> int:
        """Mark runs left 'running' longer than a crawl may take as failed; returns how many.

        A crawler killed mid-run can't close its row; this is how the row gets closed.
        """
        cutoff = utcnow() - older_than
        with self.session() as s:
            result = s.execute(
                update(CrawlRun)
                .where(
                    CrawlRun.source_id == source_id,
                    CrawlRun.status == "running",
                    CrawlRun.started_at < cutoff,
                )
                .values(
                    status="failed",
                    finished_at=utcnow(),
                    message="the crawl process ended without finishing the run",
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # -- what the crawler needs to know before fetching -------------------------------

    def http_states(self, source_id: str) -> dict[str, HttpStateView]:
        """Validators and raw hashes of every URL fetched for a source."""
        with self._sessions() as s:
            rows = s.execute(
                select(
                    HttpState.url, HttpState.etag, HttpState.last_modified, HttpState.raw_sha256
                ).where(HttpState.source_id == source_id)
            )
            return {
                r.url: HttpStateView(
                    url=r.url, etag=r.etag, last_modified=r.last_modified, raw_sha256=r.raw_sha256
                )
                for r in rows
            }

    def known_urls(self, source_id: str) -> dict[str, str]:
        """Every document URL of a source, with its status (live or gone)."""
        with self._sessions() as s:
            rows = s.execute(
                select(Document.url, Document.status).where(Document.source_id == source_id)
            )
            return {r.url: r.status for r in rows}

    # -- archiving pages --------------------------------------------------------------

    def record_page(self, record: PageRecord) -> Outcome:
        """Archive an extracted page: a new version only when the normalised text changed."""
        cap = record.capture
        text = normalize_text(record.text)
        text_sha = sha256_hex(text)
        with self.session() as s:
            doc = s.execute(
                select(Document).where(Document.source_id == cap.source_id, Document.url == cap.url)
            ).scalar_one_or_none()
            latest_sha = None
            if doc is not None:
                latest_sha = s.execute(
                    select(Version.text_sha256)
                    .where(Version.document_id == doc.id)
                    .order_by(Version.n.desc())
                    .limit(1)
                ).scalar_one_or_none()
            was_gone = doc is not None and doc.status == "gone"
            changed = latest_sha != text_sha
            if doc is None:
                doc = Document(
                    source_id=cap.source_id,
                    url=cap.url,
                    status="live",
                    first_seen_at=cap.fetched_at,
                    last_seen_at=cap.fetched_at,
                    last_changed_at=cap.fetched_at,
                    version_count=0,
                )
                s.add(doc)
                s.flush()
            edits = {} if changed else _meta_edits(doc, record.meta)
            keep_raw = changed or bool(edits)
            raw_sha = put_blob(s, cap.raw, sha256=cap.raw_sha256) if keep_raw else None
            old_title = doc.title
            _apply_meta(doc, record.meta)
            if edits:
                s.add(
                    MetadataEdit(
                        document_id=doc.id,
                        version_n=doc.version_count,
                        at=cap.fetched_at,
                        meta=record.meta.to_json(),
                        changes=edits,
                        raw_sha256=raw_sha,
                        run_id=record.run_id,
                    )
                )
            doc.last_seen_at = max(doc.last_seen_at, cap.fetched_at)
            doc.status = "live"
            if was_gone:
                s.add(
                    Event(
                        document_id=doc.id,
                        at=cap.fetched_at,
                        kind="back",
                        version_n=doc.version_count,
                        run_id=record.run_id,
                    )
                )
            if changed:
                n = doc.version_count + 1
                s.add(
                    Version(
                        document_id=doc.id,
                        n=n,
                        fetched_at=cap.fetched_at,
                        text_sha256=text_sha,
                        text=text,
                        meta=record.meta.to_json(),
                        raw_sha256=raw_sha,
                        http_status=cap.status,
                        http_headers=cap.headers,
                        run_id=record.run_id,
                    )
                )
                doc.version_count = n
                doc.last_changed_at = cap.fetched_at
                s.add(
                    Event(
                        document_id=doc.id,
                        at=cap.fetched_at,
                        kind="first_seen" if n == 1 else "changed",
                        version_n=n,
                        run_id=record.run_id,
                    )
                )
                if not record.defer_index:
                    s.flush()
                    index_version(
                        s,
                        doc,
                        n=n,
                        text=text,
                        index=_text_index(record, text),
                        at=cap.fetched_at,
                        run_id=record.run_id,
                    )
            elif doc.title != old_title and doc.indexed_n is not None:
                search.index_title(s, doc.id, title=doc.title)
            _sync_attachments(s, doc.id, record, cap.fetched_at)
            _save_http_state(s, cap)
        if latest_sha is None:
            return Outcome.NEW_DOCUMENT
        if was_gone:
            return Outcome.BACK_CHANGED if changed else Outcome.BACK
        return Outcome.NEW_VERSION if changed else Outcome.UNCHANGED

    def record_unchanged(
        self,
        *,
        source_id: str,
        url: str,
        at: dt.datetime,
        run_id: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Outcome:
        """A fetch answered 304 or with the same raw bytes: only the sighting moves."""
        sighting = Sighting(
            source_id=source_id,
            url=url,
            at=at,
            run_id=run_id,
            etag=etag,
            last_modified=last_modified,
        )
        return self.record_sightings([sighting])[0]

    def record_sightings(self, sightings: Sequence[Sighting]) -> list[Outcome]:
        """Several unchanged fetches in one transaction (each is a sighting, not a version)."""
        outcomes: list[Outcome] = []
        with self.session() as s:
            for sighting in sightings:
                outcomes.append(_sight(s, sighting))
        return outcomes

    def record_attachment(self, file: AttachmentFile) -> None:
        """Store a downloaded attachment content-addressed and link it to its document."""
        with self.session() as s:
            doc_id = s.execute(
                select(Document.id).where(
                    Document.source_id == file.source_id, Document.url == file.document_url
                )
            ).scalar_one_or_none()
            if doc_id is None:
                raise ArchiveError(
                    f"attachment {file.url}: no document {file.document_url} in {file.source_id}"
                )
            digest = put_blob(s, file.data)
            att = s.execute(
                select(Attachment).where(
                    Attachment.document_id == doc_id, Attachment.url == file.url
                )
            ).scalar_one_or_none()
            if att is None:
                att = Attachment(
                    document_id=doc_id, url=file.url, name=file.name, first_seen_at=file.fetched_at
                )
                s.add(att)
            att.blob_sha256, att.content_type = digest, file.content_type
            att.fetched_at, att.text = file.fetched_at, file.text

    def record_gone(
        self,
        *,
        source_id: str,
        url: str,
        at: dt.datetime,
        reason: str,
        run_id: int | None = None,
    ) -> bool:
        """The document's own URL answered that it is gone; True if that is news."""
        with self.session() as s:
            doc = s.execute(
                select(Document).where(Document.source_id == source_id, Document.url == url)
            ).scalar_one_or_none()
            if doc is None or doc.status == "gone":
                return False
            doc.status = "gone"
            s.add(
                Event(
                    document_id=doc.id,
                    at=at,
                    kind="gone",
                    version_n=doc.version_count,
                    run_id=run_id,
                    detail=reason,
                )
            )
            move_on_gone(s, doc, at=at, run_id=run_id)
            # Forget validators, so that the page's return is fetched in full.
            state = s.get(HttpState, url)
            if state is not None:
                state.etag = state.last_modified = state.raw_sha256 = None
                state.checked_at = at
            return True

    def index_pending(
        self, *, sources: Sequence[str] | None = None, workers: int = 0, batch: int = 100
    ) -> int:
        """Index the documents whose latest version is not yet searchable; returns how many.

        Crawls defer this (PageRecord.defer_index) and run it when their fetching is done;
        reading commands that need the indexes run it first, so they are never stale.
        `workers` > 1 segments texts in that many processes.
        """
        try:
            return index_pending(self._sessions, sources=sources, workers=workers, batch=batch)
        except OperationalError as exc:
            raise DatabaseUnavailable(f"archive indexing failed: {exc.orig}") from exc
        except SQLAlchemyError as exc:
            raise ArchiveError(f"archive indexing failed: {exc}") from exc

    def raw_bytes(self, sha256: str) -> bytes | None:
        """The raw response bytes stored under a sha256."""
        with self._sessions() as s:
            return get_blob(s, sha256)

    def metadata_edits_in(self, run_id: int) -> int:
        """How many metadata edits (text unchanged) a run archived."""
        with self._sessions() as s:
            query = select(func.count(MetadataEdit.id)).where(MetadataEdit.run_id == run_id)
            return int(s.execute(query).scalar_one())

    def count_documents(self) -> int:
        with self._sessions() as s:
            return int(s.execute(select(func.count(Document.id))).scalar_one())


def _claims(source_id: str) -> Select[tuple[CrawlRun]]:
    """The source's running rows that claim it."""
    return select(CrawlRun).where(
        CrawlRun.source_id == source_id,
        CrawlRun.status == "running",
        CrawlRun.holder.is_not(None),
    )


def _new_run(source_id: str, *, at: dt.datetime, holder: str | None = None) -> CrawlRun:
    """A run row as a crawl opens it; with a holder, it claims the source (archive.leases)."""
    return CrawlRun(
        source_id=source_id,
        started_at=at,
        status="running",
        pages=0,
        new_documents=0,
        new_versions=0,
        gone=0,
        errors=0,
        holder=holder,
        heartbeat_at=at if holder else None,
    )


def _live(row: CrawlRun) -> LiveRun:
    assert row.holder is not None
    return LiveRun(
        run_id=row.id,
        source_id=row.source_id,
        holder=row.holder,
        started_at=row.started_at,
        heartbeat_at=row.heartbeat_at,
    )


def _text_index(record: PageRecord, text: str) -> TextIndex:
    """The crawler's precomputed index fields, or ours when it sent none."""
    if record.search_text is None:
        return index_text(text)
    simhash = record.simhash
    if simhash is None:
        simhash = simhash_of(record.search_text.split())
    return TextIndex(search_text=record.search_text, simhash=simhash)


def _sight(s: Session, sighting: Sighting) -> Outcome:
    """Move a document's last sighting; a gone document seen again is back."""
    doc = s.execute(
        select(Document).where(
            Document.source_id == sighting.source_id, Document.url == sighting.url
        )
    ).scalar_one_or_none()
    outcome = Outcome.UNCHANGED
    if doc is not None:
        doc.last_seen_at = max(doc.last_seen_at, sighting.at)
        if doc.status == "gone":
            doc.status = "live"
            s.add(
                Event(
                    document_id=doc.id,
                    at=sighting.at,
                    kind="back",
                    version_n=doc.version_count,
                    run_id=sighting.run_id,
                )
            )
            outcome = Outcome.BACK
    state = s.get(HttpState, sighting.url)
    if state is not None:
        state.checked_at = sighting.at
        state.etag = sighting.etag or state.etag
        state.last_modified = sighting.last_modified or state.last_modified
    return outcome


# What a page says about itself; report_kind and report_year follow from the title.
_EDITABLE = ("title", "published", "written", "doc_number", "index_number", "publisher")


def _apply_meta(doc: Document, meta: PageMeta) -> None:
    """Carry the latest page metadata onto the document, keeping known values."""
    for name in (*_EDITABLE, "report_kind", "report_year"):
        value = getattr(meta, name)
        if value is not None:
            setattr(doc, name, value)


def _meta_edits(doc: Document, meta: PageMeta) -> dict[str, list[str | None]]:
    """The fields a page now shows other values for than the document holds: field ->
    [old, new]. A field the page no longer shows is not an edit (the value is kept)."""
    edits: dict[str, list[str | None]] = {}
    for name in _EDITABLE:
        old, new = getattr(doc, name), getattr(meta, name)
        if new is not None and old != new:
            edits[name] = [_shown(old), _shown(new)]
    return edits


def _shown(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _sync_attachments(s: Session, doc_id: int, record: PageRecord, at: dt.datetime) -> None:
    """Add attachment links not yet listed on the document."""
    if not record.attachments:
        return
    known = set(s.execute(select(Attachment.url).where(Attachment.document_id == doc_id)).scalars())
    for ref in record.attachments:
        if ref.url not in known:
            known.add(ref.url)
            s.add(Attachment(document_id=doc_id, url=ref.url, name=ref.name, first_seen_at=at))


def _save_http_state(s: Session, cap: Capture) -> None:
    state = s.get(HttpState, cap.url)
    if state is None:
        state = HttpState(url=cap.url, source_id=cap.source_id)
        s.add(state)
    state.etag, state.last_modified = cap.etag, cap.last_modified
    state.raw_sha256, state.status, state.checked_at = cap.raw_sha256, cap.status, cap.fetched_at
