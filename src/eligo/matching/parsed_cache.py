"""Parsed criteria trees kept in memory between matches, keyed by the stored tree they were read from.

Reading a candidate's rules costs more than evaluating them: the tree JSON is large and pydantic
validates every node. The web app is long-lived, so trees are kept in a bounded LRU keyed by
(store, nct_id, parser version, stamp), where the stamp is the stored tree's `parsed_at` (or, for a
trial parsed now because its stored rules are missing or stale, the record's content hash). Every
write of a tree or record gives a new stamp, so a changed trial is simply a new key: nothing has to
be invalidated, and entries for old versions age out.

Equal rules are shared: trials repeat the same rules word for word ("ANC ≥ 1,000/µL", "Lansky ≥ 50"),
so each distinct rule JSON is validated once and every tree that has it holds the same object. That
makes cold loads cheaper and lets one match evaluate each distinct rule once
(`eligo.matching.evaluate.RuleOutcomes`).

What ranking reads of each trial's record (`TrialSketch`: status, dates, title) is kept beside its
tree under the same key: the store rewrites a trial's criteria row, with a new stamp, whenever it
rewrites the record, so a key's sketch can never be stale, and a warm match reads no records.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria, parse_trial
from eligo.matching.evaluate import TreePlan
from eligo.rules.registry import RULE_ADAPTER, Rule
from eligo.store import TrialStore
from eligo.store.candidates import (
    content_hashes,
    criteria_stamps,
    criteria_trees,
    records_with_hashes,
    trials_with_criteria,
)
from eligo.store.search import TrialSketch

# About 25-40 KB of memory per tree (rules shared): 4,096 trees is 100-160 MB at most.
DEFAULT_MAX_TREES = 4096
# Distinct rules seen; past this the table starts again (trees already loaded keep their rules).
MAX_SHARED_RULES = 65536

CacheKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class CachedCriteria:
    """A trial's parsed criteria, laid out for evaluation."""

    parsed: ParsedCriteria
    plan: TreePlan = field(compare=False)
    # The cache key the tree was stored under (store, NCT id, parser version, stamp).
    key: CacheKey = field(compare=False, default=("", "", "", ""))


def _store_scope(store: TrialStore) -> str:
    return store.engine.url.render_as_string(hide_password=True)


def _nodes(items: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in items:
        yield node
        yield from _nodes(node.get("children", ()))


class ParsedCriteriaCache:
    """A bounded, thread-safe LRU of parsed criteria trees, with the distinct rules they share."""

    def __init__(self, max_trees: int = DEFAULT_MAX_TREES) -> None:
        if max_trees < 1:
            raise ValueError("max_trees must be at least 1")
        self.max_trees = max_trees
        self._trees: OrderedDict[CacheKey, CachedCriteria] = OrderedDict()
        self._rules: dict[str, Rule] = {}
        self._sketches: dict[CacheKey, TrialSketch] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._trees)

    def clear(self) -> None:
        """Forget every tree and shared rule (a new process starts like this)."""
        with self._lock:
            self._trees.clear()
            self._rules.clear()
            self._sketches.clear()
            self.hits = self.misses = 0

    def criteria_for(self, store: TrialStore, nct_ids: Iterable[str]) -> dict[str, CachedCriteria]:
        """{nct_id: parsed criteria} for the stored trials among `nct_ids`: the stored rules when
        current, else parsed now from the record (not stored), as `match.load_parsed` does one by one."""
        wanted = list(dict.fromkeys(nct_ids))
        scope = _store_scope(store)
        stamps = criteria_stamps(store, wanted)
        keys = {
            nct_id: (scope, nct_id, PARSER_VERSION, stamp.parsed_at)
            for nct_id, stamp in stamps.items()
            if stamp.parser_version == PARSER_VERSION
        }
        found = self._lookup(keys)
        missing = [nct_id for nct_id in keys if nct_id not in found]
        if missing:
            for nct_id, stored in criteria_trees(store, missing).items():
                # Re-read with its own stamp: the row may have been rewritten since the stamps were read.
                if stored.stamp.parser_version == PARSER_VERSION:
                    tree = self.load_tree(stored.tree_json)
                    found[nct_id] = self._put((scope, nct_id, PARSER_VERSION, stored.stamp.parsed_at), tree)
        unparsed = [nct_id for nct_id in wanted if nct_id not in found]
        if unparsed:
            found.update(self._parsed_now(store, scope, unparsed))
        return found

    def sketches_for(self, store: TrialStore, cached: dict[str, CachedCriteria]) -> dict[str, TrialSketch]:
        """{nct_id: sketch} for the trials of `cached` (as `criteria_for` gave them): those kept beside
        their trees, and the rest read in one query and kept while their tree is."""
        with self._lock:
            kept = self._sketches
            found = {nct_id: kept[entry.key] for nct_id, entry in cached.items() if entry.key in kept}
        missing = [nct_id for nct_id in cached if nct_id not in found]
        if missing:
            read = store.sketches(missing)
            with self._lock:
                for nct_id, sketch in read.items():
                    # Read after the stamps: at least as new as the key's tree, never older.
                    if cached[nct_id].key in self._trees:
                        self._sketches[cached[nct_id].key] = sketch
            found.update(read)
        return found

    def warm(self, store: TrialStore, statuses: Iterable[str], limit: int | None = None) -> int:
        """Load the stored trees of up to `limit` (default: as many as the cache holds) trials in
        `statuses`, most recently updated first, so a new worker's first matches read no trees.
        Returns how many trees the cache holds for them."""
        wanted = trials_with_criteria(store, statuses, min(limit or self.max_trees, self.max_trees))
        # In pages, so the raw JSON of thousands of trees is never in memory at once.
        return sum(len(self.criteria_for(store, wanted[i : i + 500])) for i in range(0, len(wanted), 500))

    def _parsed_now(self, store: TrialStore, scope: str, nct_ids: list[str]) -> dict[str, CachedCriteria]:
        """Trials without current stored rules, parsed from their records (cached by record hash)."""
        keys = {
            nct_id: (scope, nct_id, PARSER_VERSION, f"record:{digest}")
            for nct_id, digest in content_hashes(store, nct_ids).items()
        }
        found = self._lookup(keys)
        missing = [nct_id for nct_id in keys if nct_id not in found]
        for nct_id, (digest, trial) in records_with_hashes(store, missing).items():
            found[nct_id] = self._put((scope, nct_id, PARSER_VERSION, f"record:{digest}"), parse_trial(trial))
        return found

    def _lookup(self, keys: dict[str, CacheKey]) -> dict[str, CachedCriteria]:
        found: dict[str, CachedCriteria] = {}
        with self._lock:
            for nct_id, key in keys.items():
                tree = self._trees.get(key)
                if tree is not None:
                    self._trees.move_to_end(key)
                    found[nct_id] = tree
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def _put(self, key: CacheKey, parsed: ParsedCriteria) -> CachedCriteria:
        entry = CachedCriteria(parsed, TreePlan(parsed), key)
        with self._lock:
            self._trees[key] = entry
            self._trees.move_to_end(key)
            while len(self._trees) > self.max_trees:
                old, _ = self._trees.popitem(last=False)
                self._sketches.pop(old, None)
        return entry

    def load_tree(self, tree_json: str | bytes) -> ParsedCriteria:
        """`ParsedCriteria.from_json`, with each distinct rule validated once and shared."""
        data = json.loads(tree_json)
        for node in _nodes(data.get("criteria", ())):
            rule = node.get("rule")
            if isinstance(rule, dict):
                node["rule"] = self._shared_rule(rule)
        return ParsedCriteria.model_validate(data)

    def _shared_rule(self, data: dict[str, Any]) -> Rule:
        key = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        rule = self._rules.get(key)
        if rule is None:
            rule = RULE_ADAPTER.validate_python(data)
            if len(self._rules) >= MAX_SHARED_RULES:
                self._rules.clear()
            # setdefault is atomic: two threads validating the same rule end up sharing one object.
            rule = self._rules.setdefault(key, rule)
        return rule
