"""Similar trials: shared conditions and MeSH terms, intervention classes, eligibility features
and text similarity (TF-IDF over titles and summaries), each match explained in words."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eligo.geo import haversine_km
from eligo.store import SearchQuery, TrialStore
from eligo.store.rows import age_in_months
from eligo.trials.model import Trial

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
OPEN = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE")
WEIGHTS = {"conditions": 0.35, "classes": 0.25, "ages": 0.1, "text": 0.3}
CANDIDATES_PER_TERM = 25


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


def _terms(trial: Trial) -> set[str]:
    return {term.lower() for term in (*trial.conditions, *trial.condition_mesh_terms)}


def _classes(trial: Trial) -> set[str]:
    from eligo.criteria.drugs import classes_of

    found: set[str] = set()
    for intervention in trial.interventions:
        for name in (intervention.name, *intervention.other_names):
            found |= set(classes_of(name))
    return found


def _tokens(trial: Trial) -> Counter[str]:
    text = " ".join(filter(None, [trial.title, trial.brief_summary or "", " ".join(trial.conditions)])).lower()
    return Counter(word for word in WORD.findall(text) if word not in STOPWORDS)


def _age_range(trial: Trial) -> tuple[float, float]:
    low = age_in_months(trial.eligibility.minimum_age)
    high = age_in_months(trial.eligibility.maximum_age)
    return float(low or 0), float(high if high is not None else 1200)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    shared = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return shared / union if union > 0 else 1.0


def _jaccard(a: set[str], b: set[str]) -> float:
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


def _nearest_km(trial: Trial, origin: tuple[float, float] | None) -> float | None:
    if origin is None:
        return None
    distances = [
        haversine_km(origin[0], origin[1], site.geo.lat, site.geo.lon)
        for site in trial.locations
        if site.geo and (site.status or trial.overall_status) in OPEN
    ]
    return min(distances) if distances else None


def _candidates(store: TrialStore, trial: Trial) -> list[Trial]:
    seen: dict[str, None] = {}
    probes = [*trial.conditions[:3], *(item.name for item in trial.interventions[:3])]
    for probe in probes:
        for hit in store.search(SearchQuery(text=probe, limit=CANDIDATES_PER_TERM)):
            if hit.nct_id != trial.nct_id:
                seen.setdefault(hit.nct_id)
    found = store.get_many(seen)
    return [found[nct_id] for nct_id in seen if nct_id in found]


def similar_trials(
    store: TrialStore, trial: Trial, *, limit: int = 5, origin: tuple[float, float] | None = None
) -> list[SimilarTrial]:
    """Trials most like `trial`, open ones first among equals, with the reasons in words."""
    others = list(_candidates(store, trial))
    if not others:
        return []
    vectors = _tfidf([_tokens(trial), *(_tokens(other) for other in others)])
    base_terms, base_classes, base_ages = _terms(trial), _classes(trial), _age_range(trial)
    base_km = _nearest_km(trial, origin)
    found = []
    for other, vector in zip(others, vectors[1:], strict=True):
        terms, classes = _terms(other), _classes(other)
        parts = {
            "conditions": _jaccard(base_terms, terms),
            "classes": _jaccard(base_classes, classes),
            "ages": _overlap(base_ages, _age_range(other)),
            "text": _cosine(vectors[0], vector),
        }
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        reasons = []
        if shared := sorted(base_terms & terms):
            reasons.append("also " + ", ".join(shared[:3]))
        if shared_classes := sorted(base_classes & classes):
            reasons.append("also " + ", ".join(name.replace("_", " ") for name in shared_classes[:2]))
        if parts["ages"] > 0.5:
            reasons.append("similar ages")
        other_km = _nearest_km(other, origin)
        if base_km is not None and other_km is not None and base_km - other_km >= 10:
            reasons.append(f"{base_km - other_km:,.0f} km closer")
        if (other.overall_status or "") in OPEN:
            reasons.append("open to new patients")
        found.append(
            SimilarTrial(other.nct_id, other.title, other.overall_status, score, tuple(reasons) or ("similar wording",))
        )
    found.sort(key=lambda item: (-item.score, (item.overall_status or "") not in OPEN))
    return found[:limit]
