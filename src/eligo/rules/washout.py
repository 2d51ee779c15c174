"""The washout rule kind ("at least 21 days since myelosuppressive chemotherapy"): model, question,
evaluator, record, and the therapy extractor, which reads washouts, prior therapy, cumulative
doses and stored stem cells in one pass over a criterion's sentences.

Turns therapy-history criterion text into washout, prior-therapy, prior-lines, cumulative-dose and
stored-stem-cell rules, using the phrases of `vocab/therapy.yaml`.

A criterion that states several therapy conditions in separate sentences ("At least 2 weeks
since any anti-tumor therapy. Three months ... radiation ... Prior 131I-MIBG is allowed if ...")
becomes one `AllOf`. Criteria about toxicity recovery, allergies or scans that merely mention a
therapy are left to other extractors (None)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._therapy import (
    Exposure,
    _Finding,
    _history,
    _Item,
    _Seen,
    _sentence,
    _unclassified_text,
    _unknown,
    therapy_classes,
    therapy_wording,
)
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.cumulative_dose import CumulativeDoseRule
from eligo.rules.drugs import Phrase, half_life_days, normalize_name, questions, therapy_vocabulary, vocabulary
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns, required_words
from eligo.rules.prefilter import Trigger, TriggerText
from eligo.rules.prior_lines import PriorLinesRule
from eligo.rules.prior_therapy import PriorTherapyRule
from eligo.rules.stored_stem_cells import StemCellRule
from eligo.rules.verdicts import Outcome
from eligo.terms import RADIATION_FIELDS as ALL_RADIATION_FIELDS

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["washout.therapy"]
_RADIOTHERAPY_EXCLUDED = _PATTERNS.regex("radiotherapy_excluded")
_NON_MYELOABLATIVE = _PATTERNS.regex("non_myeloablative")
_MYELOABLATIVE = _PATTERNS.regex("myeloablative")
_CONDITIONING = _PATTERNS.regex("conditioning")
_CONCOMITANT = _PATTERNS.regex("concomitant")
_CONCOMITANTLY = _PATTERNS.regex("concomitantly")
_NEGATIVE = _PATTERNS.regex("negative")
_STEM_CELLS_NAMED = _PATTERNS.regex("stem_cells_named")
_DOSE_IF_NEEDED = _PATTERNS.regex("dose_if_needed")
_ANY_ANTITUMOUR = _PATTERNS.regex("any_antitumour")
_TIME_OF_OR_ON_STUDY = _PATTERNS.regex("time_of_or_on_study")
_PRIOR_MIBG_ALLOWED = _PATTERNS.regex("prior_mibg_allowed")
_IF_NEEDED = _PATTERNS.regex("if_needed")
_ELAPSED_WORDS = _PATTERNS.regex("elapsed_words")
_WITHIN = _PATTERNS.regex("within")
_AT_TIME_OF = _PATTERNS.regex("at_time_of")
_SUPPORT_OR_REGARDLESS = _PATTERNS.regex("support_or_regardless")
_ELIGIBLE_IF = _PATTERNS.regex("eligible_if")
_UNREAD_AGENT = _PATTERNS.regex("unread_agent")
_LIST_FILLER = _PATTERNS.regex("list_filler")
_LIST_TAIL = _PATTERNS.regex("list_tail")
_LIST_HEAD = _PATTERNS.regex("list_head")
_SETTING_SCOPE = _PATTERNS.regex("setting_scope")
_EXAMPLES = _PATTERNS.regex("examples")
_WIDENS_OR_NARROWS = _PATTERNS.regex("widens_or_narrows")
_UNREAD_QUALIFIER = _PATTERNS.regex("unread_qualifier")
_REFERENCE_TAIL = _PATTERNS.regex("reference_tail")
_PROGRESSED_ON = _PATTERNS.regex("progressed_on")
_PROGRESSED_ON_UNREAD = _PATTERNS.regex("progressed_on_unread")
_CONCURRENT = _PATTERNS.regex("concurrent")
_ANOTHER_STUDY = _PATTERNS.regex("another_study")
_OTHER_THAN_ALLOWED = _PATTERNS.regex("other_than_allowed")
_PRIOR_LINES = _PATTERNS.regex("prior_lines")
_LINE_BOUNDS = _PATTERNS.regex("line_bounds")
_ANY_LINE = _PATTERNS.regex("any_line")
_CARVE_OUT_END = re.compile(r"[,;()]|\b(?:within|prior|before|after|during|for|in|or|and)\b", re.IGNORECASE)
_EXAMPLE_OPENER = re.compile(r"\(?\b(?:e\.g|i\.e)\b\.?,?", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"[,/]|\b(?:or|and)\b")
_EXAMPLE_INTRO = _PATTERNS.regex("example_intro")
_THERAPY_NOUN = _PATTERNS.regex("therapy_noun")
_NO_PRIOR = re.compile(r"^no (?:prior|previous) ", re.IGNORECASE)
# "Biologic (anti-neoplastic agent)": the text itself says the biologic treats cancer.
_FOR_CANCER = re.compile(r"\banti-?(?:neoplastic|cancer|tumou?r)|\bcancer\b|\boncolog", re.IGNORECASE)


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
        longer = q.longer_for if self.mode == "elapsed" else q.longer_within
        for name, days in self.longer_for.items():
            extra += longer.format(period=period_text(days, None, None), label=vocabulary().label(name))
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


def period_text(days: int | None, hours: int | None, months: int | None) -> str:
    if hours is not None:
        return f"{hours} hours"
    if months is not None:
        return "1 month" if months == 1 else f"{months} months"
    if days is not None and days % 7 == 0 and days >= 14:
        return f"{days // 7} weeks"
    return "1 day" if days == 1 else f"{days} days"


_NUMBERS = _PATTERNS.numbers
# Most of a criterion's sentences hold no duration, no "prior ..." and so on, and a failed scan with
# these patterns is slow: GatedPattern first checks for words without which they cannot match.
_DURATION = _PATTERNS.gated("duration")
_LONGER_FOR = _PATTERNS.gated("longer_for")
_LONGER_FOR_PAREN = _PATTERNS.gated("longer_for_paren")
_WHAT_SPLIT = re.compile(r"\s*(?:,\s*(?:and|or)?|\band/or\b|\bor\b|\band\b)\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[a-z0-9)\]])\.\s+(?=[A-Z])")
_ABBREVIATIONS = _PATTERNS.regex("abbreviations")

_NOT_MINE = _PATTERNS.regex("not_mine")
_PREGNANCY = _PATTERNS.gated("pregnancy")
_ELAPSED = _PATTERNS.gated("elapsed")
_OFF_TREATMENT = _PATTERNS.regex("off_treatment")
_REFERENCE = _PATTERNS.gated("reference")
_HALF_LIVES = _PATTERNS.gated("half_lives")
_EXCEPT = _PATTERNS.regex("except")
_CURRENT = _PATTERNS.gated("current")
_ALLOGENEIC = _PATTERNS.gated("allogeneic")
_ALLOGENEIC_RULED_OUT = _PATTERNS.regex("allogeneic_ruled_out")
_NOT_ELIGIBLE = _PATTERNS.regex("not_eligible")
_PERMITTED = _PATTERNS.gated("permitted")
_NO_PROGRESSION_ON = _PATTERNS.gated("no_progression_on")
_RECEIVED = _PATTERNS.gated("received")
_STORED_CELLS = _PATTERNS.gated("stored_cells")
_CD34 = _PATTERNS.regex("cd34")
_CUMULATIVE = _PATTERNS.regex("cumulative")
_OTHER_CLAUSE = _PATTERNS.regex("other_clause")
_REQUIREMENT_WORDING = _PATTERNS.regex("requirement_wording")
_MUST_NOT_BE_RECEIVING = _PATTERNS.regex("must_not_be_receiving")
_ALLOWED_IF = _PATTERNS.regex("allowed_if")
_ORGAN_TRANSPLANT = _PATTERNS.regex("organ_transplant")


_STEROID_CAVEAT = "the trial allows some steroid uses (premedication for blood products, inhaled or replacement doses)"


# An exception clause's cue: what follows it is the exception, not the criterion.
_UNLESS = re.compile(r"\b(?:unless|except\s+(?:if|when|where)|provided(?:\s+that)?)\b", re.IGNORECASE)


def extract_therapy_rule(ctx: CriterionContext) -> Rule | None:
    """A therapy-history rule for one criterion, or None when the text is not about one."""
    text = ctx.text.strip()
    if not text or (_NOT_MINE.search(text) and not _ELAPSED_WORDS.search(text)):
        return None
    if _PREGNANCY.search(text):
        return None  # "at least 28 days before she starts taking lenalidomide" is about contraception
    if ctx.section == "exclusion" and _REQUIREMENT_WORDING.search(text):
        receiving = _MUST_NOT_BE_RECEIVING.match(text)
        if receiving is not None:
            return _receiving_now(receiving["what"], ctx)
        return None  # a requirement worded as one, listed among the exclusions: which way it counts is unclear
    whole = _stem_cells(text)
    if whole is not None:
        return whole
    rules: list[Rule] = []
    for sentence in _sentences(text):
        rules.extend(_clause_rules(sentence, ctx))
    if not rules:
        return None
    if len(rules) == 1:
        return rules[0]
    # Several conditions in one exclusion are alternatives: any one of them excludes.
    return AnyOf(rules=tuple(rules)) if ctx.section == "exclusion" else AllOf(rules=tuple(rules))


def _clause_rules(sentence: str, ctx: CriterionContext) -> list[Rule]:
    """Rules of one sentence, split into clauses ("A within 14 days or B within 7 days";
    "X within 1 week; Y within 4 weeks") only when every clause makes a rule of its own."""
    for splitter in (r";\s+", r",?\s+or\s+(?=[^,;]*\bwithin\b)", r",\s+or\s+"):
        parts = [part for part in re.split(splitter, sentence) if part.strip()]
        if len(parts) < 2:
            continue
        found = [_sentence_rules(part, ctx) for part in parts]
        if all(found) and (not splitter.startswith(",?") or all(_DURATION.search(part) for part in parts)):
            return [rule for rules in found for rule in rules]
    return _sentence_rules(sentence, ctx)


def _sentences(text: str) -> list[str]:
    protected = _ABBREVIATIONS.sub(lambda m: m.group(1) + "\x00", text)
    return [part.replace("\x00", ".").strip() for part in _SENTENCE.split(protected) if part.strip()]


def _sentence_rules(sentence: str, ctx: CriterionContext) -> list[Rule]:
    if _NOT_MINE.search(sentence) and not _ELAPSED_WORDS.search(sentence):
        return []
    mibg_allowed = _prior_mibg_allowed(sentence)
    if mibg_allowed:
        return mibg_allowed
    lines = _PRIOR_LINES.match(sentence.strip())
    if lines is not None and not _DURATION.search(sentence):  # "At least 7 days ... regimen" is a washout
        counted = _prior_lines(lines, ctx)
        return [counted] if counted is not None else []
    found = _prior_therapy(sentence, ctx) or _washout(sentence, ctx)
    if found is None:
        return []
    if "investigational" in found.exposure.therapy_classes and _ANOTHER_STUDY.search(sentence):
        return []  # a window on taking part in another study is not one on an investigational medicine
    if _ALLOWED_IF.search(sentence):
        # "Corticosteroids therapy will be allowed if administered at a stable dose for at least one month before
        # entering the trial" (NCT02679963): an allowance with its condition; read as a washout, it would exclude
        # every child not on steroids (review of round 3, issue #12).
        return []
    unless = _UNLESS.search(sentence)
    if unless is not None and _exposure(sentence[: unless.start()]) is None:
        # "Brain metastases unless treated and stable and off steroids for at least 4 weeks prior to start of
        # study treatment" (AstraZeneca template): the therapy is only the exception's, and the criterion is
        # about what comes before it; a steroid washout read from it would exclude any child on steroids.
        return []
    if not ctx.cancer_trial and "biologic" in found.exposure.therapy_classes and not _FOR_CANCER.search(sentence):
        # "Treatment with biologics within 4 months" in an arthritis or psoriasis trial means adalimumab and
        # the like, which the anti-cancer class does not hold; it holds isotretinoin, which they do not mean.
        return []
    if ctx.section == "exclusion" and _OTHER_THAN_ALLOWED.search(sentence) and not _other_is_the_trials_own(found, ctx):
        return []  # "Other concurrent systemic corticosteroids": other than what the trial allows, unnamed
    return [found]


def _receiving_now(what: str, ctx: CriterionContext) -> PriorTherapyRule | None:
    """ "Patients must not be receiving any other investigational agents" listed as an exclusion: receiving
    it now excludes. Read only when every word of the therapy is read; "other" only where the other one is
    the trial's own (`_other_is_the_trials_own`)."""
    exposure = _exposure(what)
    if exposure is None or not _wholly_read(what) or "biologic" in exposure.therapy_classes:
        return None
    rule = PriorTherapyRule(exposure=exposure, condition="received", timing="current")
    if _OTHER_THAN_ALLOWED.search(what) and not _other_is_the_trials_own(rule, ctx):
        return None
    return rule


def _other_is_the_trials_own(rule: PriorTherapyRule | WashoutRule, ctx: CriterionContext | None = None) -> bool:
    """ "Any other investigational agent": the other one is the trial's own, which a child does not
    take before joining, so the exclusion reads as any investigational drug."""
    exposure = rule.exposure
    if exposure.agents or exposure.radiation_fields or exposure.transplant:
        return False
    if exposure.therapy_classes == ("investigational",):
        return True
    # "Currently receiving other anti-cancer agents" in a cancer trial: other than the trial's own treatment,
    # which a child does not receive before joining; now, not ever (a past one is the washout's).
    return (
        ctx is not None
        and ctx.cancer_trial
        and exposure.therapy_classes == ("systemic_anticancer_therapy",)
        and isinstance(rule, PriorTherapyRule)
        and rule.timing == "current"
    )


# Siblings under one heading look up the heading's exposure in turn (`ctx.parent_text`): a repeat
# across criteria, which one criterion's context cannot hold. Exposures are immutable.
@lru_cache(maxsize=64)
def _exposure(text: str) -> Exposure | None:
    """The exposure a text names, from the phrase vocabulary (named agents when no class phrase)."""
    if _ORGAN_TRANSPLANT.search(text):
        # "Prior allogeneic stem cell or solid organ transplantation within 5 years": an organ transplant is no
        # therapy an exposure can name, so any reading of the rest would drop it (issue #12).
        return None
    text = _masked(_RADIOTHERAPY_EXCLUDED.sub("", text))
    except_match = _EXCEPT.search(text)
    excluded: tuple[str, ...] = ()
    if except_match:
        excluded = _agents_named(except_match.group("what"))
        if excluded:
            text = text[: except_match.start()]
    matched, rest = _phrases_in(text)
    classes = _most_general([c for p in matched for c in p.classes])
    fields = tuple(dict.fromkeys(f for p in matched for f in p.radiation_fields))
    transplant = next((p.transplant for p in matched if p.transplant), None)
    live = any(p.live_vaccine for p in matched)
    # Named agents besides the class phrases ("any CDK4/6 inhibitor, everolimus or fulvestrant"),
    # less those a named class already covers.
    # A drug named in the reference point ("within 5 months after the final dose of atezolizumab")
    # is not an exposure.
    tail = _REFERENCE_TAIL.search(rest)
    end = tail.start() if tail is not None else len(rest)
    agents, head = _agents_in(rest[:end])
    rest = head + rest[end:]
    agents = tuple(a for a in agents if not (vocabulary().classes_of(a) & set(classes)))
    if not matched and not agents:
        return None
    if _unread(text, rest, classes):
        return None  # a drug, target or qualifier the vocabulary does not know would be dropped (issue #12)
    if _only_examples_read(text, rest):
        return None  # "immune-mediated therapy, including ... anti-PD-1": the examples are not the whole class
    # Only phrases whose classes survived the any-of reduction name the exposure.
    named = [p for p in matched if set(p.classes) & set(classes) or not p.classes]
    labels = list(dict.fromkeys(p.label for p in named)) or [_as_written(agent, text) for agent in agents]
    examples = tuple(dict.fromkeys(e for p in named for e in p.examples)) if len(named) == 1 else ()
    if transplant == "autologous" and _myeloablative(text):
        labels = ["autologous stem cell infusion after high-dose (myeloablative) therapy"]
    if transplant == "autologous" and _CONDITIONING.search(text):
        # "high-dose chemotherapy with autologous stem cell rescue" is the transplant with its conditioning: the
        # chemotherapy is no exposure of its own, which the any-of would make it (cancer, issue #12).
        classes = tuple(c for c in classes if c != "chemotherapy")
        labels = ["autologous stem cell infusion after high-dose (myeloablative) therapy"]
    values: dict[str, Any] = {
        "therapy_classes": classes,
        "agents": agents,
        "excluded_agents": excluded,
        "radiation_fields": fields,
        "transplant": transplant,
        "myeloablative": (_myeloablative(text) or bool(_CONDITIONING.search(text)) or None)
        if transplant == "autologous"
        else None,
        "live_vaccine": live,
        "label": _join(labels),
        "examples": examples,
    }
    return Exposure.model_validate(values)


@cache
def _phrase_patterns() -> tuple[tuple[Phrase, re.Pattern[str], tuple[str, ...] | None], ...]:
    """Each phrase's pattern with the words one of which every match holds (None: no such words)."""
    return tuple(
        (phrase, phrase.regex, required_words(phrase.regex.pattern, phrase.regex.flags))
        for phrase in therapy_vocabulary().phrases
    )


def _after_read(text: str, start: int, read_at: set[int]) -> bool:
    """Whether the examples starting at `start` follow a read exposure ("antibodies (rituximab, ...)");
    examples after something Eligo did not read ("drugs that affect CYP450 (quinidine, ...)") are not."""
    index = start - 1
    while index >= 0 and text[index] in " ,:":
        index -= 1
    return index in read_at


def _carves_out_known(text: str) -> bool:
    """ "other than EGFR TKI", "besides nivolumab": a carve-out that names something Eligo reads
    would be counted by the rule; one naming nothing it knows ("besides TCZ", the study's own drug)
    changes nothing Eligo can check."""
    for match in _WIDENS_OR_NARROWS.finditer(text):
        if match.group("widens"):
            return True
        carved = _CARVE_OUT_END.split(text[match.end() :], maxsplit=1)[0]
        if _phrases_in(carved)[0] or _agents_in(carved)[0]:
            return True
    return False


def _stem_covered(name: str, classes: Sequence[str]) -> bool:
    """Whether an unknown drug name's INN stem ("-mab", "-parib") puts it inside one of the
    classes ("rituximab, belimumab or any monoclonal antibody")."""
    lowered = name.lower()
    stem = next((s for s in therapy_vocabulary().inn_stems if lowered.endswith(s.stem)), None)
    return stem is not None and bool(set(classes) & vocabulary().closure([stem.therapy_class]))


def _unread(text: str, rest: str, classes: Sequence[str] = ()) -> bool:
    """Whether the exposure read from `text` would drop part of it. `rest` is the text with what
    was read blanked. Examples after a class need not be known ("monoclonal antibodies (rituximab,
    alemtuzumab)"); an unknown drug-like name or "anti-<TARGET>", a word that widens or carves out
    the class, a qualifier such as "first generation", or one more list item are not dropped."""
    if _UNREAD_QUALIFIER.search(text) or _carves_out_known(text):
        return True
    tail = _REFERENCE_TAIL.search(rest)
    end = tail.start() if tail is not None else len(rest)
    text, rest = text[:end], rest[:end]
    read_at = {i for i, (a, b) in enumerate(zip(text, rest, strict=True)) if a != b}
    unread = _EXAMPLES.sub(lambda m: " " * len(m.group()) if _after_read(text, m.start(), read_at) else m.group(), rest)
    for match in _UNREAD_AGENT.finditer(unread):
        if not _stem_covered(match.group(), classes):
            return True
        unread = unread[: match.start()] + " " * len(match.group()) + unread[match.end() :]
    # Positions read (blanked in `rest`); the gaps between them are judged without the examples.
    read = sorted(i for i in read_at if not text[i].isspace())
    if not read:
        return False
    previous = read[0]
    for index in read[1:]:
        if index > previous + 1:
            gap = _EXAMPLE_OPENER.sub(" ", unread[previous + 1 : index])
            if len(gap.split()) <= 4 and _LIST_SEPARATOR.search(gap) and not _LIST_FILLER.match(gap):
                return True
        previous = index
    return bool(_LIST_TAIL.match(unread[read[-1] + 1 :]) or _LIST_HEAD.search(unread[: read[0]]))


def _only_examples_read(text: str, rest: str) -> bool:
    """Whether everything read stands in an example list after an unread therapy ("Prior exposure to
    immune-mediated therapy, including but not limited to, anti-PD-1 ... antibodies")."""
    first = next((i for i, (a, b) in enumerate(zip(text, rest, strict=True)) if a != b), None)
    if first is None:
        return False
    intro = _EXAMPLE_INTRO.search(text, 0, first)
    return intro is not None and bool(_THERAPY_NOUN.search(text, 0, intro.start()))


def _masked(text: str) -> str:
    """The text with gene, receptor and protein names blanked ("human epidermal growth factor
    receptor 2" is not a growth factor; "mechanistic target of rapamycin" is not sirolimus)."""
    mask = therapy_vocabulary().mask
    return mask.sub(lambda m: " " * len(m.group()), text) if mask is not None else text


def _phrases_in(text: str) -> tuple[list[Phrase], str]:
    """The phrases a text names, and the text with their spans blanked."""
    taken: list[tuple[int, int]] = []
    found: list[Phrase] = []
    words = TriggerText.of(text)
    for phrase, regex, required in _phrase_patterns():
        if required is not None and not words.has_any(required):
            continue  # the phrase cannot be there; scanning every phrase is the slow part
        for match in regex.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            if phrase not in found:
                found.append(phrase)
    groups_with_specific = {p.group for p in found if p.group and not p.fallback}
    rest = list(text)
    for start, end in taken:
        rest[start:end] = " " * (end - start)
    return [p for p in found if not (p.fallback and p.group in groups_with_specific)], "".join(rest)


def _most_general(classes: list[str]) -> tuple[str, ...]:
    """Drops classes already covered by a broader class in the same list (any-of semantics)."""
    drugs = vocabulary()
    unique = list(dict.fromkeys(classes))
    return tuple(c for c in unique if not any(o != c and o in drugs.closure([c]) for o in unique))


_AGENT_WORD = re.compile(r"[\w][\w.\-/]*")


def _agents_named(text: str) -> tuple[str, ...]:
    return _agents_in(_masked(text))[0]


def _agents_in(text: str) -> tuple[tuple[str, ...], str]:
    """The vocabulary's agents a text names, and the text with their words blanked."""
    drugs = vocabulary()
    spans = [(m.start(), m.end()) for m in _AGENT_WORD.finditer(text)]
    words = [text[start:end] for start, end in spans]
    # normalize_name(" ".join(run)) is the concatenation of each word's key (the space is
    # dropped, and no letter or digit changes across it), so each word is normalised once.
    keys = [normalize_name(word) for word in words]
    found: list[str] = []
    rest = list(text)
    i = 0
    while i < len(words):
        for size in (4, 3, 2, 1):
            drug = drugs.drug_by_key("".join(keys[i : i + size])) if i + size <= len(words) else None
            if drug is not None and sum(len(word) for word in words[i : i + size]) + size - 1 > 2:
                found.append(drug.name)
                start, end = spans[i][0], spans[i + size - 1][1]
                rest[start:end] = " " * (end - start)
                i += size
                break
        else:
            i += 1
    return tuple(dict.fromkeys(found)), "".join(rest)


def _as_written(agent: str, text: str) -> str:
    """An agent with the other name the trial wrote for it ("bevacizumab (Avastin)"): a family knows a
    medicine by the name on its pack."""
    drug = vocabulary().drug(agent)
    for name in drug.names[1:] if drug is not None else ():
        if normalize_name(name) != normalize_name(agent) and re.search(
            rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE
        ):
            return f"{agent} ({name})"
    return agent


def _myeloablative(text: str) -> bool | None:
    if _NON_MYELOABLATIVE.search(text):
        return False
    if _MYELOABLATIVE.search(text):
        return True
    return None


def _join(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


_AT_LEAST_SIGN = re.compile(r"≥\s*(?=\d+\s*(?:hours?|days?|weeks?|months?|years?)\b)")


def _washout(sentence: str, ctx: CriterionContext) -> WashoutRule | None:
    if _DURATION.search(sentence) is None:
        return None  # no time span anywhere (taking the longer windows out leaves none either)
    if _SETTING_SCOPE.search(sentence):
        return None  # "... for immunomodulation", "for the treatment of X": a purpose the profile does not record
    sentence = _AT_LEAST_SIGN.sub("at least ", sentence)  # "≥ 84 days after autologous stem cell infusion"
    longer_for: dict[str, int] = {}
    longer = _LONGER_FOR.search(sentence)
    if longer:
        cls = _class_word(longer.group("what"))
        if cls is not None:
            longer_for[cls] = _days(longer.group("num"), longer.group("unit"))
            sentence = sentence[: longer.start()] + sentence[longer.end() :]
    paren = _LONGER_FOR_PAREN.search(sentence)
    if paren:
        days = _days(paren.group("num"), paren.group("unit"))
        classes = [_class_word(word) for word in _WHAT_SPLIT.split(paren.group("what")) if word.strip()]
        if not classes or None in classes:
            return None  # a longer window for agents Eligo cannot name as a class would be dropped
        longer_for.update({cls: days for cls in classes if cls is not None})
        sentence = sentence[: paren.start()] + sentence[paren.end() :]
    duration = _DURATION.search(sentence)
    if duration is None:
        return None
    off_treatment = bool(_OFF_TREATMENT.search(sentence))
    if _ELAPSED.search(sentence) and not off_treatment:
        if _REQUIRED_BEFORE.search(sentence):
            # "Patients must have had a prior autologous stem cell transplant at least 3 months prior to study
            # entry": the therapy is required as well as the time since it; a washout alone would let through a
            # child who never had it (issue #12).
            return None
        mode = "elapsed"
    elif off_treatment or _WITHIN.search(sentence):
        mode = "within"
    else:
        return None
    if mode == "within" and not off_treatment and ctx.section == "inclusion" and _NOT_ELIGIBLE.search(sentence):
        # "Patients who have received myelosuppressive chemotherapy within 3 weeks are not eligible" listed among the
        # inclusions: the time since it must have passed, not the therapy in the window (cancer, issue #12).
        mode = "elapsed"
    exposure = _exposure(_target_text(sentence))
    if off_treatment:
        exposure = Exposure(therapy_classes=("systemic_anticancer_therapy",), label="anti-cancer treatment")
    if exposure is None and ctx.parent_text and not _OWN_LABEL.match(sentence):
        # "≥ 21 days" under "Minimum duration from prior anti-cancer therapy:" counts from the heading's therapy;
        # "Stem cell infusion without TBI: At least 84 days after stem cell infusion" names its own, which the
        # vocabulary does not hold: the heading's "anti-cancer therapy" would be a different rule (issue #12).
        exposure = _exposure(ctx.parent_text)
    if exposure is None:
        return None
    if _ANY_ANTITUMOUR.search(sentence) and not exposure.radiation_fields:
        exposure = exposure.model_copy(update={"radiation_fields": ALL_RADIATION_FIELDS})
    amount = _number(duration.group("num"))
    unit = duration.group("unit").lower()
    window: dict[str, int] = {}
    if unit.startswith("h"):
        window["min_hours"] = amount
    elif unit.startswith("m"):
        window["min_months"] = amount
    elif unit.startswith("y"):
        window["min_months"] = 12 * amount
    else:
        window["min_days"] = _days(duration.group("num"), unit)
    half = _HALF_LIVES.search(sentence)
    reference = _REFERENCE.search(sentence) or (_REFERENCE.search(ctx.parent_text) if ctx.parent_text else None)
    return WashoutRule(
        exposure=exposure,
        mode=mode,
        strictly_more=bool(duration.group("gt")) or off_treatment,
        longer_for=longer_for if "min_days" in window else {},
        half_lives=_number(half.group("num")) if half else None,
        whichever_longer=not (half and "shorter" in half.group("rest").lower()),
        reference=_reference_text(reference.group("ref")) if reference else "enrollment",
        **window,
    )


# A therapy the criterion requires ("must have had a prior autologous stem cell transplant at least 3 months ...").
_REQUIRED_BEFORE = re.compile(
    r"\bmust\s+have\s+(?:had|received|undergone|completed)\s+(?:an?\s+|one\s+|at\s+least\s+one\s+)?(?:prior|previous)\b",
    re.IGNORECASE,
)
# A criterion that opens with its own label ("Stem cell infusion without TBI: ..."): it names what it counts from.
_OWN_LABEL = re.compile(r"^\s*[A-Za-z0-9][^:;.]{2,60}:\s")
_WITHOUT = re.compile(r"\bwithout\s+[^:;,.()]{1,40}?(?=\s*[:;,.()]|$)", re.IGNORECASE)


def _target_text(sentence: str) -> str:
    """The sentence without its reference point ("before 1st dose of GM-CSF" is not an exposure) and
    without what it says is absent ("Stem cell infusion without TBI: ..." is no irradiation)."""
    return _WITHOUT.sub(" ", _REFERENCE.sub("", sentence))


def _prior_therapy(sentence: str, ctx: CriterionContext) -> PriorTherapyRule | None:
    parent = ctx.parent_text or ""
    if _ORGAN_TRANSPLANT.search(sentence):
        return None  # an organ transplant is no therapy the exposure can name: it would be dropped
    if _ALLOGENEIC.search(sentence):
        exposure = _exposure(sentence)
        if exposure is None:
            return None
        ruled_out = bool(_ALLOGENEIC_RULED_OUT.search(sentence))
        if ctx.section == "exclusion" and ruled_out and not re.search(r"\bnot eligible\b", sentence, re.IGNORECASE):
            return None  # "must not have had ..." listed as an exclusion: which way it is meant is not clear
        condition = "not_received" if ctx.section == "inclusion" and ruled_out else "received"
        return PriorTherapyRule(
            exposure=exposure.model_copy(update={"transplant": "allogeneic", "myeloablative": None}),
            condition=condition,
        )
    if _PERMITTED.search(sentence):
        exposure = _exposure(_SUPPORT_OR_REGARDLESS.split(sentence)[0])
        if exposure is None:
            return None
        if exposure.transplant == "autologous":
            exposure = exposure.model_copy(update={"therapy_classes": (), "myeloablative": _myeloablative(sentence)})
        return PriorTherapyRule(exposure=exposure, condition="permitted")
    concurrent = _CONCURRENT.match(sentence.strip())
    whole = _concurrent(concurrent, ctx) if concurrent is not None else None
    if whole is not None:
        return whole  # otherwise the readings below may still take it ("who are receiving X at the time of ...")
    progressed = _PROGRESSED_ON.match(sentence.strip())
    if progressed is not None:
        return _progressed_on(progressed)
    if _NO_PROGRESSION_ON.search(sentence):
        exposure = _exposure(_ELIGIBLE_IF.split(sentence)[0])
        return PriorTherapyRule(exposure=exposure, condition="no_progression_on") if exposure else None
    if _CONCOMITANT.search(sentence):
        agents = _agents_named(sentence)
        if len(agents) < 2 or not _CONCOMITANTLY.search(sentence):
            return None
        exposure = Exposure(agents=agents, label=" and ".join(agents))
        return PriorTherapyRule(exposure=exposure, condition="not_concomitant")
    if _DURATION.search(sentence) and not _AT_TIME_OF.search(sentence):
        return None
    received = _RECEIVED.search(sentence)
    heading_current = bool(_CURRENT.search(parent)) and ctx.section == "exclusion"
    if not received and not heading_current:
        return None
    if received is not None and received.start() == 0 and not _read_after_lead(sentence, received.end()):
        return None  # "Previous test results obtained ... before allo-HSCT": "previous" is not about a therapy
    if _SETTING_SCOPE.search(sentence):
        return None  # "for metastatic disease": the profile does not record a therapy's setting
    if _NO_PRIOR.search(sentence) and ctx.section != "inclusion":
        return None  # "No prior X" listed as an exclusion: which way it is meant is not clear
    if _OTHER_CLAUSE.search(sentence):
        return None  # "... or has known allergies to ...": a second condition the rule would drop
    current = bool(_CURRENT.search(sentence) or _CURRENT.search(parent))
    exposure = _exposure(_TIME_OF_OR_ON_STUDY.sub("", sentence))
    if exposure is None:
        return None
    if (
        exposure.covers_therapies
        and not exposure.transplant
        and "systemic_corticosteroid" in _closure_of(exposure)
        and re.search(r"EXCEPT", sentence)
    ):
        exposure = exposure.model_copy(
            update={
                "caveat_classes": ("systemic_corticosteroid",),
                "caveat": _STEROID_CAVEAT,
            }
        )
    if _both_named(exposure, sentence):
        return None
    negative = _NEGATIVE.search(sentence) or (ctx.section == "inclusion" and _NOT_ELIGIBLE.search(sentence))
    condition = "not_received" if negative else "received"
    return PriorTherapyRule(exposure=exposure, condition=condition, timing="current" if current else "ever")


def _both_named(exposure: Exposure, sentence: str) -> bool:
    """ "Prior therapy with irinotecan and temozolomide": two drugs joined by "and" may be the pair given together
    (the usual relapse regimen for neuroblastoma) or either one; read as either, a child who had one alone
    would be ruled out. Left to the family (issue #12). A list with commas ("A, B and C") reads as any."""
    if len(exposure.agents) != 2 or exposure.therapy_classes or "," in sentence:
        return False
    names = "|".join(re.escape(agent) for agent in exposure.agents)
    joined = rf"\b(?:{names})\s+(?:and|&|\+|plus)\s+(?:{names})\b"
    return re.search(joined, sentence, re.IGNORECASE) is not None


_LEAD_FILLER = _PATTERNS.regex("lead_filler")


def _read_after_lead(sentence: str, lead_end: int) -> bool:
    """Whether the therapy read follows the opening "Prior" / "Previous" with no more than "treatment with"
    between: "Previous test results obtained before allo-HSCT" names a transplant, but as a time."""
    masked = _masked(sentence)
    _, rest = _phrases_in(masked)
    _, rest = _agents_in(rest)
    first = next((i for i, (a, b) in enumerate(zip(masked, rest, strict=True)) if a != b), None)
    return first is not None and bool(_LEAD_FILLER.match(masked[lead_end:first]))


def _concurrent(match: re.Match[str], ctx: CriterionContext) -> PriorTherapyRule | None:
    """ "No concurrent immunotherapy" (an inclusion): not receiving it now; "Concurrent radiotherapy" (an
    exclusion), "receiving chemotherapy": receiving it now; "Patients who have been treated with docetaxel",
    "Exposure to anthracyclines": had it. Read only when every word of the therapy is read."""
    negated = bool(match["no"])
    if match["concurrent"] and negated != (ctx.section == "inclusion"):
        return None  # "no concurrent X" as an exclusion, or a bare "concurrent X" as an inclusion: unclear
    what = match["what"]
    exposure = _exposure(what)
    if exposure is None or not _wholly_read(what) or "biologic" in exposure.therapy_classes:
        return None  # "biological therapy" is an anti-cancer biologic only in a cancer trial (NCT03863405 is arthritis)
    return PriorTherapyRule(
        exposure=exposure,
        condition="not_received" if negated else "received",
        timing="ever" if match["ever"] else "current",
    )


def _wholly_read(text: str) -> bool:
    """Whether nothing but list words is left once the therapy phrases and agent names are read."""
    _, rest = _phrases_in(_masked(text))
    return bool(_LIST_FILLER.match(_agents_in(rest)[1]))


def _progressed_on(match: re.Match[str]) -> PriorTherapyRule | None:
    """ "Disease progression while receiving gefitinib, erlotinib, afatinib, or osimertinib"."""
    what = match["what"]
    if _PROGRESSED_ON_UNREAD.search(what) or _SETTING_SCOPE.search(what):
        return None
    exposure = _exposure(what)
    if exposure is None or not exposure.covers_therapies or exposure.radiation_fields or exposure.transplant:
        return None
    when = match["when"].lower()
    return PriorTherapyRule(
        exposure=exposure, condition="progressed_on", or_after="after" in when or "following" in when
    )


def _prior_lines(match: re.Match[str], ctx: CriterionContext) -> PriorLinesRule | None:
    """ "At least one prior line of systemic therapy", "≥2 previous platinum-containing regimens": the count
    and what the lines were, read whole; a setting ("for metastatic disease") or an unread word leaves it."""
    if _SETTING_SCOPE.search(match.string):
        return None  # the profile counts lines for this cancer, not by setting
    what = (match["what"] or match["before"] or "").strip()
    bounds = _line_bounds(match["count"], match["lead"])
    if bounds is None:
        return None
    if match["allowed"] and (ctx.section != "inclusion" or bounds[0] is not None):
        return None  # "up to 2 prior lines are allowed" reads as a limit only as an inclusion
    exposure: Exposure | None = None
    if what and not _ANY_LINE.match(what):
        exposure = _exposure(what)
        if exposure is None or not _wholly_read(what):
            return None
        if exposure.therapy_classes == ("systemic_anticancer_therapy",) and not exposure.agents:
            exposure = None  # "lines of anti-cancer therapy": any line
    if not ctx.cancer_trial and not _chemotherapy_only(exposure):
        return None  # the profile counts lines of anticancer therapy; "2 prior regimens" elsewhere means other drugs
    return PriorLinesRule(min_lines=bounds[0], max_lines=bounds[1], exposure=exposure)


def _chemotherapy_only(exposure: Exposure | None) -> bool:
    """Whether the lines counted are chemotherapy (cancer treatment wherever a trial counts its lines)."""
    drugs = vocabulary()
    return (
        exposure is not None
        and not exposure.agents
        and all("chemotherapy" in drugs.closure([c]) for c in exposure.therapy_classes)
    )


def _line_bounds(count: str, lead: str | None) -> tuple[int | None, int | None] | None:
    """(min, max) lines from "at least 2", "no more than 1", "1-3", "2 or more", "more than two"; None
    for a bare number, whose direction the text does not say."""
    found = _LINE_BOUNDS.match(count.strip())
    if found is None:
        return None
    if found["b1"] is not None:
        return _number(found["b1"]), _number(found["b2"])
    if found["lo"] is not None:  # "at least 1 but no more than 3"
        return _number(found["lo"]), _number(found["hi"])
    n = _number(found["n"])
    if found["n2"] is not None:
        return (n, _number(found["n2"])) if found["cmp"] is None and lead is None and not found["more"] else None
    comparator = (found["cmp"] or lead or "").lower()
    more = (found["more"] or "").lower()
    if comparator and more:
        return None
    if comparator in ("at least", "≥", ">=", "a minimum of", "minimum of") or more == "more":
        return n, None
    if comparator in ("more than", ">"):
        return n + 1, None
    if comparator in ("no more than", "not more than", "≤", "<=", "up to", "a maximum of", "maximum of") or more:
        return None, n
    if comparator in ("fewer than", "less than", "<"):
        return (None, n - 1) if n > 0 else None
    return None


def _closure_of(exposure: Exposure) -> frozenset[str]:
    drugs = vocabulary()
    return frozenset(c for c in drugs.data.classes if drugs.closure([c]) & set(exposure.therapy_classes))


def _prior_mibg_allowed(sentence: str) -> list[Rule]:
    """'Prior 131I-MIBG therapy is allowed if > 6 months previous and if ... stem cells ... and if
    cumulative 131I-MIBG dose will not exceed 60 mCi/kg'."""
    if not _PRIOR_MIBG_ALLOWED.search(sentence):
        return []
    exposure = Exposure(therapy_classes=("mibg_therapy",), label="131I-MIBG therapy")
    rules: list[Rule] = []
    duration = _DURATION.search(sentence)
    if duration is not None:
        unit = duration.group("unit").lower()
        window = (
            {"min_months": _number(duration.group("num"))}
            if unit.startswith("m")
            else {"min_days": _days(duration.group("num"), unit)}
        )
        rules.append(
            WashoutRule(exposure=exposure, strictly_more=bool(duration.group("gt")), reference="MIBG therapy", **window)
        )
    if _STEM_CELLS_NAMED.search(sentence):
        # "adequate" is quantified by the same trial's stem-cell criterion: 1.0 x 10^6 CD34+ cells/kg.
        rules.append(StemCellRule(min_cd34_per_kg=1e6, only_after="mibg_therapy"))
    cumulative = _CUMULATIVE.search(sentence)
    if cumulative is not None:
        rules.append(
            CumulativeDoseRule(
                exposure=exposure, max_dose=float(cumulative.group("max")), unit=cumulative.group("unit")
            )
        )
    return rules


def _stem_cells(text: str) -> Rule | None:
    if not _STORED_CELLS.search(text):
        return None
    amount = _CD34.search(text)
    if amount is None:
        return None
    value = float(amount.group("mant")) * 10 ** int(amount.group("exp"))
    needed_for = None
    dose = _DOSE_IF_NEEDED.search(text)
    if dose is not None:
        needed_for = f"131I-MIBG doses {dose.group(1).replace(' ', '')}"
    elif _IF_NEEDED.search(text):
        needed_for = "the planned treatment, if needed"
    return StemCellRule(min_cd34_per_kg=value, needed_for=needed_for)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


def _days(num: str, unit: str) -> int:
    return _number(num) * (7 if unit.lower().startswith("w") else 1)


def _class_word(word: str) -> str | None:
    key = word.lower().rstrip("s")
    return key if vocabulary().is_class(key) else None


def _reference_text(ref: str) -> str:
    lowered = ref.lower()
    if lowered.startswith("enrol"):
        return "enrollment"
    return ref if ref[:3] in ("MIB", "1st") else lowered


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _required_days(rule: WashoutRule, item: _Item) -> tuple[int | None, str]:
    """Days this item needs under the rule (None: half-life unknown), and why, for evidence."""
    days = rule.min_days or 0
    why = ""
    if item.therapy is not None:
        classes = therapy_classes(item.therapy)
        for cls, longer in rule.longer_for.items():
            if cls in classes and longer > days:
                days, why = longer, f" ({vocabulary().label(cls)})"
        if rule.half_lives is not None:
            half_life = half_life_days(item.therapy.agent)
            if half_life is None:
                return None, f"half-life of {item.therapy.agent} not known to Eligo"
            by_half_lives = int(-(-rule.half_lives * half_life // 1))
            if (by_half_lives > days) == rule.whichever_longer:
                days, why = by_half_lives, f" ({rule.half_lives} half-lives of {half_life:g} days)"
    return days, why


def _boundary(rule: WashoutRule, last: date, on: date, item: _Item) -> tuple[_Seen, str]:
    """CLEAR when the window has passed since `last`, INSIDE when not, UNSURE when undecidable."""
    elapsed = (on - last).days
    if rule.min_months is not None:
        threshold = _add_months(last, rule.min_months)
        clear = on > threshold if rule.strictly_more else on >= threshold
        need = f"{'more than ' if rule.strictly_more else 'at least '}{rule.period()}"
        return (_Seen.CLEAR if clear else _Seen.INSIDE), need
    if rule.min_hours is not None:
        whole_days = rule.min_hours / 24
        need = f"at least {rule.period()}"
        if elapsed > whole_days:
            return _Seen.CLEAR, need
        if elapsed == whole_days:
            return _Seen.UNSURE, need + " (dose times are not recorded)"
        return _Seen.INSIDE, need
    days, why = _required_days(rule, item)
    if days is None:
        # The fixed window still decides when it has not passed yet.
        fixed = rule.min_days or 0
        if elapsed < fixed and rule.whichever_longer:
            return _Seen.INSIDE, f"at least {fixed} days"
        return _Seen.UNSURE, why
    clear = elapsed > days if rule.strictly_more else elapsed >= days
    return (
        _Seen.CLEAR if clear else _Seen.INSIDE
    ), f"{'more than' if rule.strictly_more else 'at least'} {days} days{why}"


def _washout_finding(rule: WashoutRule, item: _Item, on: date) -> _Finding:
    if item.ongoing:
        return _Finding(_Seen.INSIDE, f"{item.name} is ongoing on {on.isoformat()}")
    if item.last is None:
        if item.start is not None and item.start <= on:
            seen, _ = _boundary(rule, item.start, on, item)
            if seen is _Seen.INSIDE:
                return _Finding(_Seen.INSIDE, f"{item.name} started {item.start.isoformat()}, inside the window")
        return _Finding(_Seen.UNSURE, f"the last dose date of {item.name} is not recorded")
    if item.last > on:
        return _Finding(_Seen.INSIDE, f"{item.name} continues until {item.last.isoformat()}")
    seen, need = _boundary(rule, item.last, on, item)
    elapsed = (on - item.last).days
    days = "1 day" if elapsed == 1 else f"{elapsed} days"
    needs = "the trial needs" if rule.mode == "elapsed" else "the trial's window is"
    if rule.mode == "within":
        need = need.replace("at least ", "").replace("more than ", "")
    text = f"last {item.name} on {item.last.isoformat()}, {days} before {on.isoformat()}; {needs} {need}"
    if seen is _Seen.UNSURE and "half-life" in need:
        text = f"last {item.name} on {item.last.isoformat()}, {days} before {on.isoformat()}; {need}"
    return _Finding(seen, text)


def evaluate_washout(rule: WashoutRule, profile: PatientProfile, on: date) -> Outcome:
    history = _history(rule.exposure, profile)
    findings = [_washout_finding(rule, item, on) for item in history.items]
    for item in history.unclassified:
        finding = _washout_finding(rule, item, on)
        if finding.seen is not _Seen.CLEAR or (rule.half_lives is not None and item.therapy is not None):
            findings.append(_Finding(_Seen.UNSURE, _unclassified_text(item)))
    for item in history.caveats:
        finding = _washout_finding(rule, item, on)
        if finding.seen is not _Seen.CLEAR:
            findings.append(_Finding(_Seen.UNSURE, f"{finding.text}; {rule.exposure.caveat}"))
    inside = [f for f in findings if f.seen is _Seen.INSIDE]
    unsure = [f for f in findings if f.seen is _Seen.UNSURE]
    label = rule.exposure.label
    ref = f" (the trial counts to {rule.reference})" if rule.reference != "enrollment" else ""
    if rule.mode == "elapsed":
        if inside:
            return Outcome.not_met(_sentence(inside[0].text) + ref + ".")
        if unsure or history.gaps:
            return _unknown(unsure, history.gaps, label)
        if findings:
            return Outcome.met(_sentence(_latest(findings)) + ref + ".")
        return Outcome.met(f"No {label} in the recorded history.")
    if inside:
        return Outcome.met(_sentence(inside[0].text) + ", so it falls inside it.")
    if unsure or history.gaps:
        return _unknown(unsure, history.gaps, label)
    if findings:
        return Outcome.not_met(_sentence(_latest(findings)) + ", so it falls outside it.")
    return Outcome.not_met(f"No {label} in the recorded history.")


def _latest(findings: Sequence[_Finding]) -> str:
    return findings[-1].text if len(findings) == 1 else "; ".join(f.text for f in findings)


# Trigger words: stored stem cells ("stem", "stored", "cd34"); prior 131I-MIBG ("mibg"); each branch of
# `_prior_therapy` (allogeneic, "eligible at any time", "regardless of response", "did not have
# relapse / progression", "concomitant", "prior / previous", "receiving"); a count of prior lines
# ("line", "regimen"); a washout's duration
# unit (`_UNITS`). An exclusion heading that says "currently" / "at the time of" / "on the
# following" (`_CURRENT`) makes any named therapy under it a rule: its words count from the parent.
KIND = RuleKind(
    WashoutRule, therapy_wording,
    ("washout_elapsed", "washout_within", "washout_elapsed_event", "washout_within_event", "half_lives", "longer_for",
     "longer_within"),
    evaluate_washout,
    (
        Step(
            extract_therapy_rule,
            Trigger(
                words=(
                    "stem", "stored", "cd34", "mibg",
                    "alloge", "eligible", "regardless", "relapse", "progress", "recurre", "concomitant",
                    "prior", "previous", "receiving", "concurrent", "treated", "exposure", "line", "regimen",
                    "hour", "hr", "day", "week", "wk", "month", "year",
                ),
                parent_words=("time", "currently", "receiving", "following"),
            ),
        ),
    ),
)  # fmt: skip

__all__ = ["KIND", "WashoutRule", "evaluate_washout", "extract_therapy_rule", "period_text"]
