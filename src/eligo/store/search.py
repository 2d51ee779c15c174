"""Searching the store: full-text relevance, structured filters, and distance to open sites."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
from eligo.trials.statuses import OPEN_STATUSES

# Named ids outrank any text relevance.
_ID_MATCH_SCORE = 1_000_000.0
# bm25 weights in FTS5 column order: nct_id (unindexed), title, conditions, keywords, mesh, interventions, summary.
_BM25 = "bm25(trials_fts, 0.0, 10.0, 4.0, 4.0, 4.0, 2.0, 1.0)"
# Scoring every match of a word found in most trials costs 0.1-1 s on 100,000 trials (FTS5 and ts_rank_cd alike
# read each match's positions). Past this many matches only a pool of the newest registrations is scored; the
# pool widens by _POOL_GROWTH while filters leave fewer hits than asked for, and is dropped past _POOL_MAX.
TEXT_POOL = 1_000
_POOL_GROWTH = 8
_POOL_MAX = 64_000
# A near search without text looks within radius / 16, then / 4, then the whole radius.
_RING_GROWTH = 4.0


class SearchQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    statuses: tuple[str, ...] = ()
    # With `statuses`: also trials whose record states no status (a transcribed page may not).
    or_unstated_status: bool = False
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
    wanted = query.offset + query.limit
    pool = None
    if words is not None and words.terms and _count_matches(connection, words, TEXT_POOL + 1) > TEXT_POOL:
        # A long list (a match's candidates) would rarely fill from the first pool once filtered.
        pool = TEXT_POOL if wanted <= TEXT_POOL // 2 else _wider_pool(connection, words, TEXT_POOL)
    while True:
        hits = _search_once(connection, query, words, pool)
        if pool is None or words is None or len(hits) >= wanted:
            return hits
        pool = _wider_pool(connection, words, pool)


def _wider_pool(connection: Connection, words: QueryText, pool: int) -> int | None:
    """The next pool, or None (score every match) once a pool would hold all the matches anyway."""
    wider = pool * _POOL_GROWTH
    if wider > _POOL_MAX or _count_matches(connection, words, wider + 1) <= wider:
        return None
    return wider


def _search_once(
    connection: Connection, query: SearchQuery, words: QueryText | None, pool: int | None
) -> list[SearchHit]:
    base = _ranked_trials(connection.dialect.name, words, pool).where(*_filters(query))
    if query.near is not None and query.within_km is not None:
        return _search_within(connection, base, query, query.near, query.within_km, has_text=words is not None)
    # Without text every score is 0: ordering by the date alone lets ix_trials_filter_order answer the LIMIT.
    score_order: list[Any] = [literal_column("score").desc()] if words is not None else []
    ordered = base.order_by(*score_order, *_default_order()).limit(query.limit).offset(query.offset)
    hits = [_hit(row) for row in connection.execute(ordered)]
    if query.near is not None and hits:
        hits = _with_nearest_sites(connection, hits, query.near)
    return hits


def _count_matches(connection: Connection, words: QueryText, cap: int) -> int:
    """Full-text matches of the words, counted no further than `cap` (cheap: no scoring)."""
    if connection.dialect.name == "postgresql":
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM trials WHERE search_vector @@ "
            "websearch_to_tsquery('english', :ts_text) LIMIT :cap) AS matches"
        )
        params: dict[str, Any] = {"ts_text": words.websearch(), "cap": cap}
    else:
        sql = "SELECT count(*) FROM (SELECT 1 FROM trials_fts WHERE trials_fts MATCH :fts_match LIMIT :cap)"
        params = {"fts_match": words.fts5_match(), "cap": cap}
    return int(connection.execute(text(sql), params).scalar_one())


def _default_order() -> list[Any]:
    return [trials.c.last_update_date.desc(), trials.c.nct_id]


def _ranked_trials(dialect: str, words: QueryText | None, pool: int | None) -> Select[Any]:
    columns = (trials.c.nct_id, trials.c.title, trials.c.overall_status, trials.c.phases)
    if words is None:
        return select(*columns, literal(0.0, Float).label("score"))
    if dialect == "postgresql":
        return _ranked_postgresql(columns, words, pool)
    return _ranked_sqlite(columns, words, pool)


def _ranked_postgresql(columns: tuple[Any, ...], words: QueryText, pool: int | None) -> Select[Any]:
    vector: ColumnElement[Any] = literal_column("trials.search_vector")
    conditions: list[ColumnElement[bool]] = []
    rank: ColumnElement[Any] = literal(0.0, Float)
    if words.terms:
        tsquery = func.websearch_to_tsquery(literal_column("'english'"), bindparam("ts_text", words.websearch()))
        matches = vector.bool_op("@@")(tsquery)
        if pool is None:
            conditions.append(matches)
        else:
            # The newest registrations first, as SQLite's pool: the primary key index walked backwards.
            newest = select(trials.c.nct_id).where(matches).order_by(trials.c.nct_id.desc()).limit(pool)
            conditions.append(trials.c.nct_id.in_(newest.scalar_subquery()))
        rank = func.ts_rank_cd(vector, tsquery)
    if words.ids:
        conditions.append(trials.c.nct_id.in_(words.ids))
        rank = case((trials.c.nct_id.in_(words.ids), _ID_MATCH_SCORE), else_=rank)
    return select(*columns, rank.label("score")).where(or_(*conditions))


def _ranked_sqlite(columns: tuple[Any, ...], words: QueryText, pool: int | None) -> Select[Any]:
    # A named id is a second source of hits, with a rank no text match reaches (bm25: lower is better).
    # MATERIALIZED keeps bm25() inside the FTS5 scan: if SQLite flattened it into the outer query it would refuse it.
    parts = []
    params: dict[str, Any] = {}
    if words.terms:
        not_named = " AND nct_id NOT IN :named_ids" if words.ids else ""
        matches = (
            f"SELECT nct_id AS hit_id, {_BM25} AS rank FROM trials_fts WHERE trials_fts MATCH :fts_match{not_named}"
        )
        if pool is not None:
            # The full-text rowid is the NCT number, so FTS5 walks rowids down and scores only the pool.
            matches = f"SELECT * FROM ({matches} ORDER BY rowid DESC LIMIT :pool)"
            params["pool"] = pool
        parts.append(matches)
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


def status_filter(statuses: Sequence[str], *, or_unstated: bool = False) -> ColumnElement[bool]:
    """Trials in one of `statuses`; with `or_unstated`, also every trial whose record states no status.

    A record that states no overall status but a site's ("Recruiting" in Leeds) has that status there.
    """
    listed = trials.c.overall_status.in_(list(statuses))
    unstated = trials.c.overall_status.is_(None)
    if or_unstated:
        return or_(listed, unstated)
    at_a_site = and_(unstated, exists().where(sites.c.nct_id == trials.c.nct_id, sites.c.status.in_(list(statuses))))
    return or_(listed, at_a_site)


def _filters(query: SearchQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.statuses:
        where.append(status_filter(query.statuses, or_unstated=query.or_unstated_status))
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


def _site_hit(row: Any, near: tuple[float, float], distance: float | None = None) -> SiteHit:
    return SiteHit(
        facility=row.facility,
        city=row.city,
        country=row.country,
        status=row.status,
        lat=row.lat,
        lon=row.lon,
        distance_km=haversine_km(near[0], near[1], row.lat, row.lon) if distance is None else distance,
    )


DISTANCE_BAND_KM = 10.0


def _search_within(
    connection: Connection,
    base: Select[Any],
    query: SearchQuery,
    near: tuple[float, float],
    radius: float,
    *,
    has_text: bool,
) -> list[SearchHit]:
    wanted = query.offset + query.limit
    # Without text the order is by nearest site, so every trial with a site inside a smaller radius comes before
    # every trial without one: search rings outwards and stop once one holds a full page (exact, not a guess).
    reach = radius if has_text else radius / _RING_GROWTH**2
    while True:
        by_trial = _sites_within(connection, base, near, reach)
        if reach >= radius or len(by_trial) >= wanted:
            break
        reach = min(radius, reach * _RING_GROWTH)

    def order(entry: tuple[Any, list[tuple[float, Any]]]) -> tuple[int, float, float, str]:
        # A family asking "near me" wants the nearest trials first: distance in 10 km bands, then
        # relevance inside a band, then the exact distance.
        row, found = entry
        nearest = min(distance for distance, _ in found)
        return (int(nearest // DISTANCE_BAND_KM), -float(row.score) if has_text else 0.0, nearest, row.nct_id)

    page = sorted(by_trial.values(), key=order)[query.offset : query.offset + query.limit]
    if reach < radius and page:
        # Each hit lists all its sites within the asked radius, not just those in the ring that found it.
        by_trial = _sites_within(
            connection, base.where(trials.c.nct_id.in_([row.nct_id for row, _ in page])), near, radius
        )
        page = [by_trial[row.nct_id] for row, _ in page]
    hits = []
    for row, found in page:
        found.sort(key=lambda pair: pair[0])
        within = [_site_hit(site, near, distance) for distance, site in found]
        hits.append(_hit(row, within[0], within))
    return hits


def _sites_within(
    connection: Connection, base: Select[Any], near: tuple[float, float], radius: float
) -> dict[str, tuple[Any, list[tuple[float, Any]]]]:
    """Open sites within the radius, by trial: (the trial's row, [(distance, site row)])."""
    # The box uses the sites(lat, lon) index; the exact distance is then checked here, per site.
    candidates = base.subquery("candidates")
    site_rows = select(
        candidates, sites.c.facility, sites.c.city, sites.c.country, sites.c.status, sites.c.lat, sites.c.lon
    ).join(sites, sites.c.nct_id == candidates.c.nct_id)
    site_rows = site_rows.where(
        _in_box(bounding_box(near, radius)),
        # A site that gives no status of its own takes the study's.
        or_(
            sites.c.status.in_(OPEN_STATUSES),
            and_(sites.c.status.is_(None), candidates.c.overall_status.in_(OPEN_STATUSES)),
        ),
    )
    # Plain tuples until the page is known: a wide radius finds tens of thousands of sites.
    by_trial: dict[str, tuple[Any, list[tuple[float, Any]]]] = {}
    for row in connection.execute(site_rows):
        distance = haversine_km(near[0], near[1], row.lat, row.lon)
        if distance <= radius:
            by_trial.setdefault(row.nct_id, (row, []))[1].append((distance, row))
    return by_trial


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


# -- sketches: a few fields of many trials at once, without building Trial records -----------------------


@dataclass(frozen=True)
class TrialSketch:
    """A stored trial as result cards and similarity scoring see it: indexed columns and a few record fields."""

    nct_id: str
    title: str
    overall_status: str | None
    conditions: tuple[str, ...]
    mesh_terms: tuple[str, ...]
    intervention_names: tuple[str, ...]
    brief_summary: str | None
    min_age_months: int | None
    max_age_months: int | None
    # What a family needs to know about whether they can still join (issue #13): the registry's dates,
    # the kind of study, and the sources of any overlay facts.
    study_type: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    last_update_date: str | None = None
    overlay_sources: tuple[str, ...] = ()


def similar_candidates(connection: Connection, probes: Sequence[str], exclude: str, limit: int) -> list[str]:
    """Ids of the trials that best match any of `probes` (conditions, drug names), best first, never `exclude`.

    One ranked full-text query for all probes: a trial matching several ranks higher. On SQLite only the title
    and subject columns are searched (a drug named in a summary says little); PostgreSQL ranks by its weights.
    """
    words = [found for found in (parse_query_text(probe) for probe in probes) if found.terms]
    if not words:
        return []
    if connection.dialect.name == "postgresql":
        queries = [
            func.websearch_to_tsquery(literal_column("'english'"), bindparam(f"probe_{index}", found.websearch()))
            for index, found in enumerate(words)
        ]
        tsquery: ColumnElement[Any] = queries[0]
        for query in queries[1:]:
            tsquery = tsquery.op("||")(query)
        vector: ColumnElement[Any] = literal_column("trials.search_vector")
        ranked = (
            select(trials.c.nct_id)
            .where(vector.bool_op("@@")(tsquery), trials.c.nct_id != exclude)
            .order_by(func.ts_rank_cd(vector, tsquery).desc(), trials.c.nct_id)
            .limit(limit)
        )
        return list(connection.scalars(ranked))
    either = " OR ".join(
        "(" + " AND ".join('"' + " ".join(parts) + '"' for parts in found.terms) + ")" for found in words
    )
    # Nothing but the rank in the query: any other test or order on a row reads its stored columns for every
    # match, not only the page (a third of the time again).
    sql = text(f"SELECT nct_id FROM trials_fts WHERE trials_fts MATCH :fts_match ORDER BY {_BM25} LIMIT :limit")
    match = "{title conditions keywords mesh interventions} : (" + either + ")"
    found = connection.scalars(sql, {"fts_match": match, "limit": limit + 1})
    return [nct_id for nct_id in found if nct_id != exclude][:limit]


# The record fields a sketch reads, taken out of the JSON by the database (in C, one parse per row) rather
# than by json.loads of the whole 8 KB record here: a third of the time of a search page.
_SKETCH_FIELDS = (
    "conditions",
    "condition_mesh_terms",
    "interventions",
    "brief_summary",
    "study_type",
    "primary_completion_date",
    "completion_date",
    "last_update_date",
    "provenance",
)


def _sketch_fields(dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        parts = ", ".join(f"CAST(trials.record AS json) -> '{name}'" for name in _SKETCH_FIELDS)
        return literal_column(f"json_build_array({parts})")
    return func.json_extract(trials.c.record, *(f"$.{name}" for name in _SKETCH_FIELDS))


def sketches(connection: Connection, nct_ids: Iterable[str]) -> dict[str, TrialSketch]:
    wanted = list(dict.fromkeys(nct_ids))
    if not wanted:
        return {}
    rows = connection.execute(
        select(
            trials.c.nct_id,
            trials.c.title,
            trials.c.overall_status,
            trials.c.min_age_months,
            trials.c.max_age_months,
            _sketch_fields(connection.dialect.name).label("fields"),
        ).where(trials.c.nct_id.in_(wanted))
    )
    found = {}
    for row in rows:
        fields = row.fields if isinstance(row.fields, list) else json.loads(row.fields)
        conditions, mesh_terms, interventions, brief_summary, study_type, primary, completion, updated, source = fields
        names = []
        for intervention in interventions or ():
            names.append(intervention.get("name") or "")
            names.extend(intervention.get("other_names") or ())
        found[row.nct_id] = TrialSketch(
            nct_id=row.nct_id,
            title=row.title,
            overall_status=row.overall_status,
            conditions=tuple(conditions or ()),
            mesh_terms=tuple(mesh_terms or ()),
            intervention_names=tuple(name for name in names if name),
            brief_summary=brief_summary,
            min_age_months=row.min_age_months,
            max_age_months=row.max_age_months,
            study_type=study_type,
            primary_completion_date=primary,
            completion_date=completion,
            last_update_date=updated,
            overlay_sources=tuple((source or {}).get("overlay_sources") or ()),
        )
    return found


def open_site_points(connection: Connection, nct_ids: Iterable[str]) -> dict[str, list[tuple[float, float]]]:
    wanted = list(dict.fromkeys(nct_ids))
    if not wanted:
        return {}
    rows = connection.execute(
        select(sites.c.nct_id, sites.c.lat, sites.c.lon)
        .join(trials, trials.c.nct_id == sites.c.nct_id)
        .where(
            sites.c.nct_id.in_(wanted),
            sites.c.lat.is_not(None),
            sites.c.lon.is_not(None),
            # A site that gives no status of its own takes the study's.
            or_(
                sites.c.status.in_(OPEN_STATUSES),
                and_(sites.c.status.is_(None), trials.c.overall_status.in_(OPEN_STATUSES)),
            ),
        )
    )
    points: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        points.setdefault(row.nct_id, []).append((row.lat, row.lon))
    return points
