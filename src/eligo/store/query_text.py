"""Reading what a person typed into a search box: trial ids, and words made safe for FTS5 and tsquery."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from eligo.trials.model import TRIAL_ID_PATTERN

# Letters and digits in any script; everything else (quotes, *, ^, :, parentheses, emoji) separates words.
_WORD_PART = re.compile(r"[^\W_]+")
_ID_CANDIDATE = re.compile(r"[A-Za-z0-9-]+")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("eligo.store").joinpath("stopwords.txt").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


@dataclass(frozen=True)
class QueryText:
    """Trial ids named in the text, and the remaining search terms; each term is the word parts of one typed token."""

    ids: tuple[str, ...]
    terms: tuple[tuple[str, ...], ...]
    # The same tokens as typed, for PostgreSQL's parser to split exactly as it split the documents ("ch14.18").
    typed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.ids and not self.terms

    def fts5_match(self) -> str:
        """An FTS5 MATCH expression: every term a quoted phrase, so NEAR, AND, *, ^ and quotes are plain text."""
        return " ".join('"' + " ".join(parts) + '"' for parts in self.terms)

    def websearch(self) -> str:
        """Input for websearch_to_tsquery with no operators left in it: no quotes, no leading '-', no 'or'."""
        return " ".join(self.typed)


def parse_query_text(text: str) -> QueryText:
    ids: list[str] = []
    terms: list[tuple[str, ...]] = []
    typed: list[str] = []
    for token in text.split():
        candidate = _ID_CANDIDATE.search(token)
        if candidate is not None and candidate.group(0) == token.strip("\"'.,;:()[]{}<>!?"):
            upper = candidate.group(0).upper()
            if TRIAL_ID_PATTERN.match(upper):
                if upper not in ids:
                    ids.append(upper)
                continue
        parts = tuple(part.lower() for part in _WORD_PART.findall(token))
        if not parts or (len(parts) == 1 and parts[0] in stopwords()):
            continue
        if parts not in terms:
            terms.append(parts)
            typed.append(token.replace('"', " ").lstrip("-").strip())
    return QueryText(ids=tuple(ids), terms=tuple(terms), typed=tuple(typed))
