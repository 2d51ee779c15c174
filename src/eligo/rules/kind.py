"""What the engine knows about one rule kind: its model, its question wording, its extractors and its evaluator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eligo.patients.profile import PatientProfile
from eligo.rules.base import CriterionContext, RuleBase
from eligo.rules.prefilter import Trigger
from eligo.rules.verdicts import Outcome

Extractor = Callable[[CriterionContext], Any]  # returns a Rule or None (the union is built from the kinds)
Evaluator = Callable[[Any, PatientProfile, date], Outcome]


@dataclass(frozen=True)
class Step:
    """One extractor in the chain, with the words without which it reads nothing (None: it always runs)."""

    extract: Extractor
    trigger: Trigger | None

    @property
    def name(self) -> str:
        return f"{self.extract.__module__.rsplit('.', 1)[-1]}.{self.extract.__name__}"


@dataclass(frozen=True)
class RuleKind:
    """One kind of rule, as the registry lists it.

    `steps` are this kind's extractors in the order they are tried; a kind with none is produced by
    another kind's step (`produced_by`: the therapy step reads washouts, prior therapy, cumulative
    doses and stem cells in one pass) or only from the registry's structured fields (`from_registry`).
    `questions` are the template keys of `wording()` the kind's `question()` formats. `evaluate` is
    None only for the composites, which the walker (`eligo.rules.walk`) combines from their parts.
    """

    model: type[RuleBase]
    wording: Callable[[], Mapping[str, str]]
    questions: tuple[str, ...]
    evaluate: Evaluator | None
    steps: tuple[Step, ...] = ()
    produced_by: str | None = None
    from_registry: bool = False
    composite: bool = False
    extra_models: tuple[type[RuleBase], ...] = field(default=())

    @property
    def name(self) -> str:
        default = self.model.model_fields["kind"].default
        if not isinstance(default, str):
            raise TypeError(f"{self.model.__name__} needs a literal default kind")
        return default
