"""The stored-stem-cells rule kind: model, question, evaluator and record (the washout step reads it)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._therapy import Exposure, _history, _unknown, therapy_wording
from eligo.rules.base import RuleBase, Section
from eligo.rules.drugs import questions, vocabulary
from eligo.rules.kind import RuleKind
from eligo.rules.verdicts import Outcome


class StemCellRule(RuleBase):
    """Autologous stem cells stored for the child, at least `min_cd34_per_kg` CD34+ cells/kg.

    `needed_for` makes it conditional ("if needed at doses > 12 mCi/kg"): too few cells then
    gives unknown, since the study team may choose a dose that needs none. `only_after` limits
    the requirement to children who have had that therapy class ("prior 131I-MIBG is allowed if
    the patient has adequate stem cells").
    """

    kind: Literal["stored_stem_cells"] = "stored_stem_cells"
    min_cd34_per_kg: float = Field(gt=0)
    needed_for: str | None = None
    only_after: str | None = None

    @field_validator("only_after")
    @classmethod
    def _known_class(cls, value: str | None) -> str | None:
        if value is not None and not vocabulary().is_class(value):
            raise ValueError(f"unknown therapy class {value!r}")
        return value

    def question(self, section: Section) -> str:
        q = questions()
        amount = cd34_text(self.min_cd34_per_kg)
        if self.only_after is not None:
            return q.stem_cells_after.format(label=vocabulary().label(self.only_after), amount=amount)
        return q.stem_cells.format(amount=amount)


def cd34_text(value: float) -> str:
    exponent = len(str(int(value))) - 1 if value >= 1 else 0
    mantissa = value / 10**exponent
    return f"{mantissa:.1f} × 10^{exponent} CD34+ cells/kg"


def evaluate_stem_cells(rule: StemCellRule, profile: PatientProfile, on: date) -> Outcome:
    need = cd34_text(rule.min_cd34_per_kg)
    if rule.only_after is not None:
        prior = _history(
            Exposure(therapy_classes=(rule.only_after,), label=vocabulary().label(rule.only_after)), profile
        )
        if prior.gaps or prior.unclassified:
            if (
                profile.stored_stem_cells_cd34_per_kg is not None
                and profile.stored_stem_cells_cd34_per_kg >= rule.min_cd34_per_kg
            ):
                return Outcome.met(
                    f"Stored stem cells {cd34_text(profile.stored_stem_cells_cd34_per_kg)}; the trial needs {need}."
                )
            return _unknown([], prior.gaps or ("therapies",), vocabulary().label(rule.only_after))
        if not prior.items:
            return Outcome.met(
                f"No prior {vocabulary().label(rule.only_after)}, so stored stem cells are not required here."
            )
    cells = profile.stored_stem_cells_cd34_per_kg
    if cells is None:
        return Outcome.unknown(
            f"Stored stem cells are not recorded; the trial needs {need}.", "stored_stem_cells_cd34_per_kg"
        )
    text = f"Stored stem cells {cd34_text(cells) if cells else 'none'}; the trial needs {need}"
    if cells >= rule.min_cd34_per_kg:
        return Outcome.met(text + ".")
    if rule.needed_for is not None:
        return Outcome.unknown(
            text + f" only for {rule.needed_for}; the study team decides the dose.", "stored_stem_cells_cd34_per_kg"
        )
    return Outcome.not_met(text + ".")


KIND = RuleKind(
    StemCellRule, therapy_wording, ("stem_cells", "stem_cells_after"), evaluate_stem_cells, produced_by="washout"
)  # fmt: skip

__all__ = ["KIND", "StemCellRule", "cd34_text", "evaluate_stem_cells"]
