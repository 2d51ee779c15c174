"""The contraindication rule kind ("Contraindication to MRI", "Contraindication to regional anesthesia
or peripheral nerve blocks", "No contraindications to MRI"): model, question, extractor, evaluator and
record (issue #12).

Read only for the procedures the profile's `contraindications` answers for (an MRI scan, a general or a
regional anaesthetic); any other procedure or drug stays free text. The trial's own examples
("(claustrophobia, pacemaker)", ", e.g. pacemakers") are kept and shown in the question.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field

from eligo.patients.profile import PatientProfile
from eligo.rules._general import general_vocab, general_wording
from eligo.rules.attestation import AttestationRule
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

Target = Literal["mri", "general_anaesthesia", "regional_anaesthesia"]
_TARGETS: tuple[Target, ...] = ("mri", "general_anaesthesia", "regional_anaesthesia")
# Words inside the trial's examples that make them more than a list of examples (a scope, a window).
# A full stop inside them starts another sentence ("... body. Females who are pregnant ..."): not read.
_NOT_EXAMPLES = re.compile(r"\b(?:if|unless|except|other than|within|opinion)\b|[;:]|\.\s", re.IGNORECASE)


class ContraindicationRule(RuleBase):
    """A doctor has said the child must not have `target` (`present` False: has said no such thing)."""

    kind: Literal["contraindication"] = "contraindication"
    target: Target
    present: bool = True
    examples: str | None = Field(default=None, max_length=300)  # the trial's own examples, as written

    def question(self, section: Section) -> str:
        shown = general_vocab().contraindication_targets[self.target]
        examples = f" (the trial names: {self.examples})" if self.examples else ""
        key = "contraindicated" if self.present else "not_contraindicated"
        return general_wording()[key].format(target=shown, examples=examples)


def extract_contraindication(context: CriterionContext) -> ContraindicationRule | AttestationRule | None:
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    for pattern in patterns()["contraindication"].compiled:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        target = next((name for name in _TARGETS if groups.get(name)), None)
        present = not groups.get("no")
        if present != (context.section == "exclusion"):
            return None  # "Contraindication to MRI" as an inclusion, "No contraindication" as an exclusion
        examples = groups.get("examples") or groups.get("listed")
        if examples is not None:
            # "(including the presence of pacemakers, ...)": the list's lead is no example (NCT00055575).
            lead = r"^(?:e\.g\.?|i\.e\.?|eg|ie|such as|including(?: the presence of)?),?\s*"
            examples = re.sub(lead, "", examples.strip(), flags=re.I)
            if not examples or _NOT_EXAMPLES.search(examples):
                return None
        if target is None:
            return _for_the_doctor(groups.get("other") or "", present, examples)
        return ContraindicationRule(target=target, present=present, examples=examples)
    return None


def _for_the_doctor(written: str, present: bool, examples: str | None) -> AttestationRule | None:
    """A procedure the profile cannot answer for, named in `vocab/general.yaml`: a question for the
    child's doctor and the study team (never decisive); anything else stays free text."""
    procedure = general_vocab().procedure_named(written)
    if procedure is None or examples is not None:
        return None
    if present:
        return AttestationRule(
            subject="clinician_review", action=f"is there a medical reason your child must not have {procedure.display}"
        )
    return AttestationRule(
        subject="clinician_review", action=f"can your child have {procedure.display}, with no medical reason against it"
    )


def evaluate_contraindication(rule: ContraindicationRule, profile: PatientProfile, on: date) -> Outcome:
    shown = general_vocab().contraindication_targets[rule.target]
    for_what = f" ({rule.examples})" if rule.examples else ""
    needs = f"the trial asks whether a doctor has said the child must not have {shown}{for_what}"
    said = getattr(profile.contraindications, rule.target)
    if said is None:
        return Outcome.unknown(
            f"The profile does not say whether the child can have {shown}; {needs}.",
            f"contraindications.{rule.target}",
        )
    verdict = "has said the child must not have" if said else "sees no reason against"
    found = f"The profile says a doctor {verdict} {shown}"
    return (Outcome.met if said == rule.present else Outcome.not_met)(f"{found}; {needs}.")


KIND = RuleKind(
    ContraindicationRule, general_wording, ("contraindicated", "not_contraindicated"), evaluate_contraindication,
    (Step(extract_contraindication, patterns()["contraindication"].trigger),),
)  # fmt: skip

__all__ = ["KIND", "ContraindicationRule", "evaluate_contraindication", "extract_contraindication"]
