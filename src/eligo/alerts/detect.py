"""Which trials newly match each confirmed subscription after an import, recorded once per reason in alert_matches.

The importer reads records lazily, so `ImportWatch.observe` reads a few hundred ahead and, before the importer
sees them, notes the stored state of those trials (status, content hash, open sites; for profile alerts,
whether the child could already have qualified). After the import only the trials whose content changed are
searched again, once per subscription. With no confirmed subscription the whole hook is one query.

A trial newly matches when it matches now and: it is new; or it opened (it was closed); or (a saved child
profile) the child was ruled out before and is not now; or a site opened within the alert's distance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from eligo.alerts import rows
from eligo.alerts.records import Reason, SavedProfile, Subscription
from eligo.matching.evaluate import evaluate
from eligo.matching.match import candidate_query, load_parsed
from eligo.patients.errors import ProfileError
from eligo.patients.load import profile_from_data, split_known
from eligo.patients.origin import OriginError, origin
from eligo.patients.profile import PatientProfile
from eligo.rules.verdicts import TrialVerdict
from eligo.store import OPEN_STATUSES, SearchHit, SearchQuery, TrialStore

log = logging.getLogger("eligo.alerts")

READ_AHEAD = 500


@dataclass
class _ProfileWatch:
    subscription: Subscription
    profile: PatientProfile
    origin: tuple[float, float] | None
    within_km: float | None
    # Trials the child could have joined before the import (not ruled out), among those the import touched.
    possible_before: set[str] = field(default_factory=set)

    def query(self, on: date, nct_ids: Sequence[str], *, now: bool) -> SearchQuery:
        # Before: any status and place (only "was the child ruled out?"); after: open, and within reach.
        base = candidate_query(
            self.profile,
            on,
            near=self.origin if now else None,
            within_km=self.within_km if now and self.origin else None,
            statuses=OPEN_STATUSES if now else (),
            limit=max(1, len(nct_ids)),
        )
        return base.model_copy(update={"nct_ids": tuple(nct_ids)})


@dataclass(frozen=True)
class _Found:
    subscription_id: int
    nct_id: str
    reason: Reason
    detail: str


class ImportWatch:
    """Notes trials' state before an import writes them, then records what newly matches (see the module)."""

    def __init__(
        self, store: TrialStore, searches: list[Subscription], profiles: list[_ProfileWatch], on: date
    ) -> None:
        self.store = store
        self.searches = searches
        self.profiles = profiles
        self.on = on
        self.before: dict[str, rows.TrialState | None] = {}

    @classmethod
    def start(cls, store: TrialStore) -> ImportWatch:
        """A watch for one import; idle (a pass-through) when nobody has a confirmed alert."""
        on = datetime.now(UTC).date()
        with store.engine.connect() as connection:
            if not rows.any_confirmed(connection):
                return cls(store, [], [], on)
            subscriptions = rows.confirmed_subscriptions(connection)
            saved = rows.profiles_by_id(
                connection, [s.profile_id for s in subscriptions if s.kind == "profile" and s.profile_id is not None]
            )
        searches = [s for s in subscriptions if s.kind == "search" and s.search is not None]
        profiles = []
        for subscription in subscriptions:
            if subscription.kind == "profile" and subscription.profile_id in saved:
                watch = _profile_watch(subscription, saved[subscription.profile_id])
                if watch is not None:
                    profiles.append(watch)
        return cls(store, searches, profiles, on)

    @property
    def active(self) -> bool:
        return bool(self.searches or self.profiles)

    def observe(self, items: Iterable[Any]) -> Iterator[Any]:
        """The same items, in order, with the stored state of each trial noted before the importer sees it."""
        if not self.active:
            yield from items
            return
        chunk: list[Any] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= READ_AHEAD:
                self._note(chunk)
                yield from chunk
                chunk = []
        if chunk:
            self._note(chunk)
            yield from chunk

    def _note(self, chunk: list[Any]) -> None:
        # Trials and overlay patches both carry the id of the trial they change.
        ids = list(dict.fromkeys(str(item.nct_id) for item in chunk if isinstance(getattr(item, "nct_id", None), str)))
        # The first note of a trial is its state before the import; later copies in the same import may
        # already see an earlier copy written.
        ids = [nct_id for nct_id in ids if nct_id not in self.before]
        if not ids:
            return
        with self.store.engine.connect() as connection:
            states = rows.trial_states(connection, ids)
        for nct_id in ids:
            self.before[nct_id] = states.get(nct_id)
        stored = [nct_id for nct_id in ids if states.get(nct_id) is not None]
        for watch in self.profiles:
            if stored:
                watch.possible_before |= self._possible(watch, stored, now=False)

    def _possible(self, watch: _ProfileWatch, nct_ids: Sequence[str], *, now: bool) -> set[str]:
        return {hit.nct_id for hit in self._possible_hits(watch, nct_ids, now=now)}

    def _possible_hits(self, watch: _ProfileWatch, nct_ids: Sequence[str], *, now: bool) -> list[SearchHit]:
        """The trials among `nct_ids` that pass the store's filters and whose rules do not rule the child out."""
        hits = self.store.search(watch.query(self.on, nct_ids, now=now))
        stored = self.store.get_criteria_many(hit.nct_id for hit in hits)
        possible = []
        for hit in hits:
            parsed = load_parsed(self.store, hit.nct_id, stored.get(hit.nct_id))
            if parsed is not None and evaluate(parsed, watch.profile, self.on).verdict is not TrialVerdict.INELIGIBLE:
                possible.append(hit)
        return possible

    def after_import(self) -> int:
        """The import observer's end: record the alerts the import caused."""
        return self.record_alerts()

    def record_alerts(self, now: datetime | None = None) -> int:
        """Record an alert for each subscription a changed trial newly matches; returns how many were new."""
        if not self.active or not self.before:
            return 0
        moment = now or datetime.now(UTC)
        changed = self._changed()
        found: list[_Found] = []
        for start in range(0, len(changed), READ_AHEAD):
            chunk = changed[start : start + READ_AHEAD]
            for subscription in self.searches:
                found.extend(self._search_alerts(subscription, chunk))
            for watch in self.profiles:
                found.extend(self._profile_alerts(watch, chunk))
        recorded = 0
        with self.store.engine.begin() as connection:
            for alert in found:
                recorded += rows.record(
                    connection, alert.subscription_id, alert.nct_id, alert.reason, alert.detail, moment
                )
        if recorded:
            log.info("recorded %d new alert(s) for %d changed trial(s)", recorded, len(changed))
        return recorded

    def _changed(self) -> list[str]:
        ids = list(self.before)
        changed = []
        with self.store.engine.connect() as connection:
            for start in range(0, len(ids), READ_AHEAD):
                chunk = ids[start : start + READ_AHEAD]
                after = rows.trial_states(connection, chunk, with_sites=False)
                for nct_id in chunk:
                    old, new = self.before[nct_id], after.get(nct_id)
                    if new is not None and (old is None or old.content_hash != new.content_hash):
                        changed.append(nct_id)
        return changed

    def _search_alerts(self, subscription: Subscription, nct_ids: list[str]) -> Iterator[_Found]:
        search = subscription.search
        if search is None:
            return
        query = search.query.model_copy(update={"nct_ids": tuple(nct_ids), "limit": len(nct_ids), "offset": 0})
        place = search.place or "the place you gave"
        for hit in self.store.search(query):
            found = _classify(self.before[hit.nct_id], hit, place, ruled_out_before=False)
            if found is not None:
                yield _Found(subscription.id, hit.nct_id, *found)

    def _profile_alerts(self, watch: _ProfileWatch, nct_ids: list[str]) -> Iterator[_Found]:
        for hit in self._possible_hits(watch, nct_ids, now=True):
            ruled_out_before = hit.nct_id not in watch.possible_before
            found = _classify(
                self.before[hit.nct_id], hit, "the place in the profile", ruled_out_before=ruled_out_before
            )
            if found is not None:
                yield _Found(watch.subscription.id, hit.nct_id, *found)


def _classify(
    before: rows.TrialState | None, hit: SearchHit, place: str, *, ruled_out_before: bool
) -> tuple[Reason, str] | None:
    """Why a trial that matches now is news, or None when it matched before too."""
    if before is None:
        return "new", _nearest(hit, place)
    if before.status not in OPEN_STATUSES:
        return "opened", _nearest(hit, place)
    if ruled_out_before:
        return "qualifies", ""
    opened = [site for site in hit.sites_within if (site.lat, site.lon) not in before.open_sites]
    if opened:
        site = min(opened, key=lambda s: s.distance_km)
        where = ", ".join(part for part in (site.facility, site.city) if part)
        return "site_opened", f"{_km(site.distance_km)} from {place}" + (f" ({where})" if where else "")
    return None


def _nearest(hit: SearchHit, place: str) -> str:
    site = hit.nearest_site
    if site is None:
        return ""
    where = ", ".join(part for part in (site.facility, site.city) if part)
    return f"nearest site {_km(site.distance_km)} from {place}" + (f" ({where})" if where else "")


def _km(distance: float) -> str:
    return "less than 1 km" if distance < 1 else f"{distance:,.0f} km"


def _profile_watch(subscription: Subscription, saved: SavedProfile) -> _ProfileWatch | None:
    try:
        profile = profile_from_data(split_known(saved.profile)[0], source="saved profile")
    except ProfileError:
        log.warning("saved profile %d can no longer be read; its alert %d is skipped", saved.id, subscription.id)
        return None
    try:
        start = origin(profile)
    except OriginError as error:
        # A place no longer found: the alert still runs, without a distance limit, as the match page does.
        log.warning("saved profile %d: %s; its alert %d measures no distances", saved.id, error, subscription.id)
        start = None
    return _ProfileWatch(subscription, profile, start.point if start else None, start.within_km if start else None)
