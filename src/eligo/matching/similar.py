"""Similar trials: shared conditions and MeSH terms, intervention classes, eligibility features
and text similarity (TF-IDF over titles and summaries), each match explained in words.

A trial's ranking changes only when the store's data does, so it is kept per (store data version, trial)
in a bounded in-process cache; only the distance reason, which depends on the visitor, is worked out
per request.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from eligo.geo import haversine_km
from eligo.lru import BoundedCache
from eligo.store import TrialStore
from eligo.store.rows import age_columns
from eligo.store.search import TrialSketch
from eligo.trials.model import Trial
from eligo.trials.statuses import OPEN_STATUSES

WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "or",
        "of",
        "in",
        "to",
        "a",
        "an",
        "on",
        "at",
        "by",
        "as",
        "is",
        "are",
        "be",
        "this",
        "that",
        "from",
        "will",
        "patients",
        "patient",
        "study",
        "trial",
        "treatment",
        "treating",
        "children",
        "young",
        "who",
        "have",
        "has",
        "been",
        "not",
        "may",
        "can",
        "after",
        "before",
        "during",
    ]
)
WEIGHTS = {"conditions": 0.35, "classes": 0.25, "ages": 0.1, "text": 0.3}
# Candidates: the trials that best match any of up to 3 conditions and 3 interventions of the trial.
PROBES_PER_KIND = 3
MAX_CANDIDATES = 80
# Entries kept per trial: the API shows 10, the trial page 5.
KEPT = 10
CACHE_SIZE = 4096


@dataclass(frozen=True)
class SimilarTrial:
    nct_id: str
    title: str
    overall_status: str | None
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "overall_status": self.overall_status,
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class _Features:
    terms: frozenset[str]
    classes: frozenset[str]
    tokens: Counter[str]
    ages: tuple[float, float]


@dataclass(frozen=True)
class _Ranked:
    """One similar trial with the reasons that hold for every visitor, and where its open sites are."""

    nct_id: str
    title: str
    overall_status: str | None
    score: float
    shared: tuple[str, ...]
    is_open: bool
    sites: tuple[tuple[float, float], ...]

    def explained(self, base_km: float | None, origin: tuple[float, float] | None) -> SimilarTrial:
        reasons = list(self.shared)
        other_km = _nearest_km(self.sites, origin)
        if base_km is not None and other_km is not None and base_km - other_km >= 10:
            reasons.append(f"{base_km - other_km:,.0f} km closer")
        if self.is_open:
            reasons.append("open to new patients")
        return SimilarTrial(
            self.nct_id, self.title, self.overall_status, self.score, tuple(reasons) or ("similar wording",)
        )


@dataclass(frozen=True)
class _Ranking:
    sites: tuple[tuple[float, float], ...]
    ranked: tuple[_Ranked, ...]


# Rankings by (store data version, trial id); the process that keeps one owns it (`eligo.process.Caches`).
RankingCache = BoundedCache[tuple[str, str], _Ranking]


@lru_cache(maxsize=8192)
def _classes_of(name: str) -> frozenset[str]:
    from eligo.rules.drugs import classes_of

    return classes_of(name)


def _features(
    conditions: Sequence[str],
    mesh_terms: Sequence[str],
    intervention_names: Sequence[str],
    title: str,
    summary: str,
    ages: tuple[int | None, int | None],
) -> _Features:
    classes: frozenset[str] = frozenset().union(*(_classes_of(name) for name in intervention_names))
    text = " ".join(filter(None, [title, summary, " ".join(conditions)])).lower()
    low, high = ages
    return _Features(
        terms=frozenset(term.lower() for term in (*conditions, *mesh_terms)),
        classes=classes,
        tokens=Counter(word for word in WORD.findall(text) if word not in STOPWORDS),
        ages=(float(low or 0), float(high if high is not None else 1200)),
    )


def _trial_features(trial: Trial) -> _Features:
    names = [name for item in trial.interventions for name in (item.name, *item.other_names)]
    ages = age_columns(trial)
    return _features(trial.conditions, trial.condition_mesh_terms, names, trial.title, trial.brief_summary or "", ages)


def _sketch_features(sketch: TrialSketch) -> _Features:
    ages = (sketch.min_age_months, sketch.max_age_months)
    return _features(
        sketch.conditions, sketch.mesh_terms, sketch.intervention_names, sketch.title, sketch.brief_summary or "", ages
    )


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    shared = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return shared / union if union > 0 else 1.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _tfidf(docs: Sequence[Counter[str]]) -> list[dict[str, float]]:
    frequency: Counter[str] = Counter()
    for doc in docs:
        frequency.update(doc.keys())
    total = len(docs)
    return [
        {term: count * math.log((1 + total) / (1 + frequency[term])) + count * 1e-6 for term, count in doc.items()}
        for doc in docs
    ]


def _nearest_km(sites: Sequence[tuple[float, float]], origin: tuple[float, float] | None) -> float | None:
    if origin is None or not sites:
        return None
    return min(haversine_km(origin[0], origin[1], lat, lon) for lat, lon in sites)


def _candidates(store: TrialStore, trial: Trial) -> list[TrialSketch]:
    probes = [*trial.conditions[:PROBES_PER_KIND], *(item.name for item in trial.interventions[:PROBES_PER_KIND])]
    return store.similar_candidates(list(dict.fromkeys(probes)), trial.nct_id, MAX_CANDIDATES)


def _rank(store: TrialStore, trial: Trial) -> _Ranking:
    others = _candidates(store, trial)
    base = _trial_features(trial)
    features = [_sketch_features(other) for other in others]
    vectors = _tfidf([base.tokens, *(item.tokens for item in features)])
    scored = []
    for other, item, vector in zip(others, features, vectors[1:], strict=True):
        parts = {
            "conditions": _jaccard(base.terms, item.terms),
            "classes": _jaccard(base.classes, item.classes),
            "ages": _overlap(base.ages, item.ages),
            "text": _cosine(vectors[0], vector),
        }
        shared = []
        if terms := sorted(base.terms & item.terms):
            shared.append("also " + ", ".join(terms[:3]))
        if classes := sorted(base.classes & item.classes):
            shared.append("also " + ", ".join(name.replace("_", " ") for name in classes[:2]))
        if parts["ages"] > 0.5:
            shared.append("similar ages")
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        scored.append((other, score, tuple(shared)))
    scored.sort(key=lambda entry: (-entry[1], (entry[0].overall_status or "") not in OPEN_STATUSES))
    kept = scored[:KEPT]
    points = store.open_site_points([trial.nct_id, *(other.nct_id for other, _, _ in kept)])
    ranked = tuple(
        _Ranked(
            nct_id=other.nct_id,
            title=other.title,
            overall_status=other.overall_status,
            score=score,
            shared=shared,
            is_open=(other.overall_status or "") in OPEN_STATUSES,
            sites=tuple(points.get(other.nct_id, ())),
        )
        for other, score, shared in kept
    )
    return _Ranking(sites=tuple(points.get(trial.nct_id, ())), ranked=ranked)


def similar_trials(
    store: TrialStore,
    trial: Trial,
    *,
    limit: int = 5,
    origin: tuple[float, float] | None = None,
    data_version: str | None = None,
    cache: RankingCache | None = None,
) -> list[SimilarTrial]:
    """Trials most like `trial` (as stored), open ones first among equals, with the reasons in words.

    At most `KEPT`. `data_version` is the store's, when the caller has just read it; `cache` keeps
    the ranking for the next call (none: ranked afresh).
    """
    key = (data_version or store.data_version(), trial.nct_id)
    ranking = cache.get(key) if cache is not None else None
    if ranking is None:
        ranking = _rank(store, trial)
        if cache is not None:
            cache.put(key, ranking)
    base_km = _nearest_km(ranking.sites, origin)
    return [entry.explained(base_km, origin) for entry in ranking.ranked[:limit]]
