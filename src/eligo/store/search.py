"""Searching the store: full-text relevance, structured filters, and distance to open sites."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import (
    Connection,
    Float,
    Select,
    String,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.sql.elements import ColumnElement

from eligo.geo.distance import haversine_km
from eligo.store.distance import BoundingBox, bounding_box
from eligo.store.query_text import QueryText, parse_query_text
from eligo.store.rows import phases_from_text
from eligo.store.tables import sites, trials

# A site counts as "within reach" only when it is open to new patients (its own status, API v2 words).
OPEN_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE")
# Named ids outrank any text relevance.
_ID_MATCH_SCORE = 1_000_000.0
# bm25 weights in FTS5 column order: nct_id (unindexed), title, conditions, keywords, mesh, interventions, summary.
_BM25 = "bm25(trials_fts, 0.0, 10.0, 4.0, 4.0, 4.0, 2.0, 1.0)"


class SearchQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    statuses: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    study_types: tuple[str, ...] = ()
    age_months: int | None = Field(default=None, ge=0)
    sex: Literal["female", "male"] | None = None
    countries: tuple[str, ...] = ()
    near: tuple[float, float] | None = None
    within_km: float | None = Field(default=None, gt=0)
    nct_ids: tuple[str, ...] = ()
    limit: int = Field(default=20, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _within_needs_near(self) -> Self:
        if self.within_km is not None and self.near is None:
            raise ValueError("within_km needs near (a lat, lon point)")
        if self.near is not None and not (-90 <= self.near[0] <= 90 and -180 <= self.near[1] <= 180):
            raise ValueError(f"near is not a (lat, lon) point: {self.near!r}")
        return self


class SiteHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    facility: str | None
    city: str | None
    country: str | None
    status: str | None
    lat: float
    lon: float
    distance_km: float


class SearchHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    nct_id: str
    title: str
    overall_status: str | None
    phases: tuple[str, ...]
    score: float
    nearest_site: SiteHit | None = None
    sites_within: tuple[SiteHit, ...] = ()


def run_search(connection: Connection, query: SearchQuery) -> list[SearchHit]:
    words: QueryText | None = None
    if query.text is not None and query.text.strip():
        words = parse_query_text(query.text)
        if words.empty:
            return []
    base = _ranked_trials(connection.dialect.name, words).where(*_filters(query))
    if query.near is not None and query.within_km is not None:
        return _search_within(connection, base, query, query.near, query.within_km, has_text=words is not None)
    ordered = base.order_by(literal_column("score").desc(), *_default_order()).limit(query.limit).offset(query.offset)
    hits = [_hit(row) for row in connection.execute(ordered)]
    if query.near is not None and hits:
        hits = _with_nearest_sites(connection, hits, query.near)
    return hits


def _default_order() -> list[Any]:
    return [trials.c.last_update_date.desc(), trials.c.nct_id]


def _ranked_trials(dialect: str, words: QueryText | None) -> Select[Any]:
    columns = (trials.c.nct_id, trials.c.title, trials.c.overall_status, trials.c.phases)
    if words is None:
        return select(*columns, literal(0.0, Float).label("score"))
    if dialect == "postgresql":
        return _ranked_postgresql(columns, words)
    return _ranked_sqlite(columns, words)


def _ranked_postgresql(columns: tuple[Any, ...], words: QueryText) -> Select[Any]:
    vector: ColumnElement[Any] = literal_column("trials.search_vector")
    conditions: list[ColumnElement[bool]] = []
    rank: ColumnElement[Any] = literal(0.0, Float)
    if words.terms:
        tsquery = func.websearch_to_tsquery(literal_column("'english'"), bindparam("ts_text", words.websearch()))
        conditions.append(vector.bool_op("@@")(tsquery))
        rank = func.ts_rank_cd(vector, tsquery)
    if words.ids:
        conditions.append(trials.c.nct_id.in_(words.ids))
        rank = case((trials.c.nct_id.in_(words.ids), _ID_MATCH_SCORE), else_=rank)
    return select(*columns, rank.label("score")).where(or_(*conditions))


def _ranked_sqlite(columns: tuple[Any, ...], words: QueryText) -> Select[Any]:
    # A named id is a second source of hits, with a rank no text match reaches (bm25: lower is better).
    # MATERIALIZED keeps bm25() inside the FTS5 scan: if SQLite flattened it into the outer query it would refuse it.
    parts = []
    params: dict[str, Any] = {}
    if words.terms:
        not_named = " AND nct_id NOT IN :named_ids" if words.ids else ""
        parts.append(
            f"SELECT nct_id AS hit_id, {_BM25} AS rank FROM trials_fts WHERE trials_fts MATCH :fts_match{not_named}"
        )
        params["fts_match"] = words.fts5_match()
    if words.ids:
        parts.append(f"SELECT nct_id AS hit_id, {-_ID_MATCH_SCORE} AS rank FROM trials WHERE nct_id IN :named_ids")
    hits_sql = text(" UNION ALL ".join(parts)).bindparams(**params)
    if words.ids:
        hits_sql = hits_sql.bindparams(bindparam("named_ids", list(words.ids), expanding=True))
    hits = hits_sql.columns(column("hit_id", String), column("rank", Float)).cte("hits").prefix_with("MATERIALIZED")
    return select(*columns, (-hits.c.rank).label("score")).select_from(
        hits.join(trials, trials.c.nct_id == hits.c.hit_id)
    )


def _filters(query: SearchQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.statuses:
        where.append(trials.c.overall_status.in_(query.statuses))
    if query.study_types:
        where.append(trials.c.study_type.in_(query.study_types))
    if query.phases:
        where.append(or_(*(trials.c.phases.contains(f"|{phase}|", autoescape=True) for phase in query.phases)))
    if query.age_months is not None:
        where.append(or_(trials.c.min_age_months.is_(None), trials.c.min_age_months <= query.age_months))
        where.append(or_(trials.c.max_age_months.is_(None), trials.c.max_age_months >= query.age_months))
    if query.sex is not None:
        where.append(or_(trials.c.sex.is_(None), trials.c.sex.in_(("ALL", query.sex.upper()))))
    if query.countries:
        where.append(exists().where(sites.c.nct_id == trials.c.nct_id, sites.c.country.in_(query.countries)))
    if query.nct_ids:
        where.append(trials.c.nct_id.in_([nct_id.strip().upper() for nct_id in query.nct_ids]))
    return where


def _in_box(box: BoundingBox) -> ColumnElement[bool]:
    lat = sites.c.lat.between(box.lat_min, box.lat_max)
    if box.wraps:
        return and_(lat, or_(sites.c.lon >= box.lon_min, sites.c.lon <= box.lon_max))
    return and_(lat, sites.c.lon.between(box.lon_min, box.lon_max))


def _hit(row: Any, nearest: SiteHit | None = None, within: Sequence[SiteHit] = ()) -> SearchHit:
    return SearchHit(
        nct_id=row.nct_id,
        title=row.title,
        overall_status=row.overall_status,
        phases=phases_from_text(row.phases),
        score=float(row.score),
        nearest_site=nearest,
        sites_within=tuple(within),
    )


def _site_hit(row: Any, near: tuple[float, float]) -> SiteHit:
    return SiteHit(
        facility=row.facility,
        city=row.city,
        country=row.country,
        status=row.status,
        lat=row.lat,
        lon=row.lon,
        distance_km=haversine_km(near[0], near[1], row.lat, row.lon),
    )


def _search_within(
    connection: Connection,
    base: Select[Any],
    query: SearchQuery,
    near: tuple[float, float],
    radius: float,
    *,
    has_text: bool,
) -> list[SearchHit]:
    # The box uses the sites(lat, lon) index; the exact distance is then checked here, per site.
    candidates = base.subquery("candidates")
    box = bounding_box(near, radius)
    site_rows = select(
        candidates, sites.c.facility, sites.c.city, sites.c.country, sites.c.status, sites.c.lat, sites.c.lon
    ).join(sites, sites.c.nct_id == candidates.c.nct_id)
    site_rows = site_rows.where(
        _in_box(box),
        # A site that gives no status of its own takes the study's.
        or_(
            sites.c.status.in_(OPEN_STATUSES),
            and_(sites.c.status.is_(None), candidates.c.overall_status.in_(OPEN_STATUSES)),
        ),
    )
    by_trial: dict[str, tuple[Any, list[SiteHit]]] = {}
    for row in connection.execute(site_rows):
        site = _site_hit(row, near)
        if site.distance_km > radius:
            continue
        by_trial.setdefault(row.nct_id, (row, []))[1].append(site)
    ranked = []
    for row, found in by_trial.values():
        found.sort(key=lambda site: site.distance_km)
        ranked.append(_hit(row, found[0], found))

    def order(hit: SearchHit) -> tuple[float, float, str]:
        distance = hit.nearest_site.distance_km if hit.nearest_site else float("inf")
        return (-hit.score if has_text else 0.0, distance, hit.nct_id)

    ranked.sort(key=order)
    return ranked[query.offset : query.offset + query.limit]


def _with_nearest_sites(connection: Connection, hits: list[SearchHit], near: tuple[float, float]) -> list[SearchHit]:
    rows = connection.execute(
        select(
            sites.c.nct_id, sites.c.facility, sites.c.city, sites.c.country, sites.c.status, sites.c.lat, sites.c.lon
        ).where(sites.c.nct_id.in_([hit.nct_id for hit in hits]), sites.c.lat.is_not(None), sites.c.lon.is_not(None))
    )
    nearest: dict[str, tuple[bool, SiteHit]] = {}
    for row in rows:
        site = _site_hit(row, near)
        is_open = row.status is None or row.status in OPEN_STATUSES
        best = nearest.get(row.nct_id)
        # Prefer an open site; among those, the closest.
        if best is None or (is_open, -site.distance_km) > (best[0], -best[1].distance_km):
            nearest[row.nct_id] = (is_open, site)
    return [
        hit.model_copy(update={"nearest_site": nearest[hit.nct_id][1]}) if hit.nct_id in nearest else hit
        for hit in hits
    ]
