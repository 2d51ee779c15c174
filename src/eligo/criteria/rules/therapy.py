"""Therapy history rules: washout windows since a therapy class, prior therapy allowed or
forbidden, cumulative doses and stored stem cells."""

from __future__ import annotations

from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from eligo.criteria.drugs import questions, vocabulary
from eligo.criteria.rules.base import RuleBase, Section
from eligo.terms import RadiationField


class Exposure(BaseModel):
    """What a therapy-history rule is about: drug classes or named agents, radiation fields,
    a kind of stem cell transplant, or a live vaccine (any of those listed counts)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    therapy_classes: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()  # preferred vocabulary names
    # Agents the criterion carves out ("growth factors EXCEPT erythropoietin and darbepoetin").
    excluded_agents: tuple[str, ...] = ()
    radiation_fields: tuple[RadiationField, ...] = ()
    transplant: Literal["autologous", "allogeneic"] | None = None
    myeloablative: bool | None = None  # None: any conditioning
    live_vaccine: bool = False
    # Plain words for questions and evidence ("a monoclonal antibody"); examples for parents.
    label: str
    examples: tuple[str, ...] = ()
    # Classes whose matches need a human look because the criterion allows some uses of them
    # ("hydrocortisone ≤ 2 mg/kg as premedication is allowed"); the note says which.
    caveat_classes: tuple[str, ...] = ()
    caveat: str | None = None

    @field_validator("therapy_classes", "caveat_classes")
    @classmethod
    def _known_classes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if not vocabulary().is_class(name)]
        if unknown:
            raise ValueError(f"unknown therapy classes {unknown}")
        return value

    @field_validator("agents", "excluded_agents")
    @classmethod
    def _known_agents(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if vocabulary().drug(name) is None]
        if unknown:
            raise ValueError(f"agents not in the drug vocabulary: {unknown}")
        return value

    @model_validator(mode="after")
    def _has_target(self) -> Exposure:
        if not (self.therapy_classes or self.agents or self.radiation_fields or self.transplant or self.live_vaccine):
            raise ValueError(
                "an exposure names at least one therapy class, agent, radiation field, transplant or vaccine"
            )
        if self.myeloablative is not None and self.transplant is None:
            raise ValueError("myeloablative qualifies a transplant")
        if bool(self.caveat_classes) != bool(self.caveat):
            raise ValueError("caveat_classes and caveat go together")
        return self

    @property
    def covers_therapies(self) -> bool:
        return bool(self.therapy_classes or self.agents)

    def described(self) -> str:
        if not self.examples:
            return self.label
        return f"{self.label} (for example {', '.join(self.examples[:2])})"


class WashoutRule(RuleBase):
    """Time since the last exposure. `mode="elapsed"`: at least the window has passed since the
    last dose (or there was none); `mode="within"`: the child had it inside the window.

    The window is `min_days`, `min_hours` or calendar `min_months`, counted up to the evaluation
    date, which stands in for the criterion's own `reference` point ("enrollment",
    "protocol therapy", "1st dose of GM-CSF").
    """

    kind: Literal["washout"] = "washout"
    exposure: Exposure
    mode: Literal["elapsed", "within"] = "elapsed"
    min_days: int | None = Field(default=None, ge=1)
    min_hours: int | None = Field(default=None, ge=1)
    min_months: int | None = Field(default=None, ge=1)
    # "> 6 months previous": the boundary day itself does not count as elapsed.
    strictly_more: bool = False
    # Longer windows for sub-classes: "3 weeks (6 weeks if prior nitrosourea)" -> {nitrosourea: 42}.
    longer_for: dict[str, int] = Field(default_factory=dict)
    # "7 days or 3 half-lives, whichever is longer"
    half_lives: int | None = Field(default=None, ge=1)
    whichever_longer: bool = True
    reference: str = "enrollment"

    @model_validator(mode="after")
    def _one_window(self) -> WashoutRule:
        windows = [w for w in (self.min_days, self.min_hours, self.min_months) if w is not None]
        if len(windows) != 1:
            raise ValueError("give exactly one of min_days, min_hours, min_months")
        for name, days in self.longer_for.items():
            if not vocabulary().is_class(name):
                raise ValueError(f"longer_for names unknown class {name!r}")
            if self.min_days is None or days <= self.min_days:
                raise ValueError("longer_for windows are in days and longer than min_days")
        if self.half_lives is not None and not self.exposure.covers_therapies:
            raise ValueError("half-lives apply to drugs only")
        return self

    def period(self) -> str:
        return period_text(self.min_days, self.min_hours, self.min_months)

    def question(self, section: Section) -> str:
        q = questions()
        extra = ""
        if self.half_lives is not None:
            extra += q.half_lives.format(n=self.half_lives, longer="longer" if self.whichever_longer else "shorter")
        for name, days in self.longer_for.items():
            extra += q.longer_for.format(period=period_text(days, None, None), label=vocabulary().label(name))
        template = q.washout_elapsed if self.mode == "elapsed" else q.washout_within
        if not self.exposure.covers_therapies:
            template = q.washout_elapsed_event if self.mode == "elapsed" else q.washout_within_event
        return template.format(
            period=self.period(),
            more="more than " if self.strictly_more else "at least ",
            what=self.exposure.described(),
            extra=extra,
            reference=self.reference,
        )


class PriorTherapyRule(RuleBase):
    """Whether the child has had (or is having) an exposure, or an allowance about it.

    condition:
      received / not_received: has had it (`timing="ever"`) or is receiving it now ("current");
      permitted: the trial states that prior use is allowed; always met, kept to show the fact;
      no_progression_on: if had, the disease did not relapse or progress while receiving it;
      not_concomitant: the listed agents (or classes) were never given at overlapping dates.
    """

    kind: Literal["prior_therapy"] = "prior_therapy"
    exposure: Exposure
    condition: Literal["received", "not_received", "permitted", "no_progression_on", "not_concomitant"]
    timing: Literal["ever", "current"] = "ever"

    @model_validator(mode="after")
    def _shape(self) -> PriorTherapyRule:
        if self.condition == "not_concomitant" and len(self.exposure.agents) + len(self.exposure.therapy_classes) < 2:
            raise ValueError("not_concomitant needs two or more agents or classes")
        if self.condition == "no_progression_on" and not self.exposure.covers_therapies:
            raise ValueError("no_progression_on applies to drug therapies")
        if self.timing == "current" and self.condition not in ("received", "not_received"):
            raise ValueError("timing='current' applies to received / not_received")
        return self

    def question(self, section: Section) -> str:
        q = questions()
        template = {
            ("received", "ever"): q.received_ever,
            ("received", "current"): q.received_current,
            ("not_received", "ever"): q.not_received_ever,
            ("not_received", "current"): q.not_received_current,
        }.get((self.condition, self.timing))
        if template is None:
            template = {"permitted": q.permitted, "no_progression_on": q.no_progression_on}.get(
                self.condition, q.not_concomitant
            )
        names = " and ".join(self.exposure.agents) or self.exposure.label
        return template.format(what=self.exposure.described(), label=self.exposure.label, names=names)


class CumulativeDoseRule(RuleBase):
    """The child's total dose so far of a therapy stays within a ceiling ("cumulative 131I-MIBG
    dose will not exceed 60 mCi/kg"). No prior dose counts as zero."""

    kind: Literal["cumulative_dose"] = "cumulative_dose"
    exposure: Exposure
    max_dose: float = Field(gt=0)
    unit: str = Field(min_length=1)
    inclusive: bool = True

    @model_validator(mode="after")
    def _drugs_only(self) -> CumulativeDoseRule:
        if not self.exposure.covers_therapies:
            raise ValueError("cumulative doses apply to drug therapies")
        return self

    def question(self, section: Section) -> str:
        return questions().cumulative_dose.format(
            what=self.exposure.label,
            bound="at most" if self.inclusive else "below",
            max=f"{self.max_dose:g}",
            unit=self.unit,
        )


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


def period_text(days: int | None, hours: int | None, months: int | None) -> str:
    if hours is not None:
        return f"{hours} hours"
    if months is not None:
        return "1 month" if months == 1 else f"{months} months"
    if days is not None and days % 7 == 0 and days >= 14:
        return f"{days // 7} weeks"
    return "1 day" if days == 1 else f"{days} days"


def cd34_text(value: float) -> str:
    exponent = len(str(int(value))) - 1 if value >= 1 else 0
    mantissa = value / 10**exponent
    return f"{mantissa:.1f} × 10^{exponent} CD34+ cells/kg"


TherapyRule = Union[WashoutRule, PriorTherapyRule, CumulativeDoseRule, StemCellRule]
