"""Turning criterion text about the child and the disease into clinical rules.

Each extractor reads one criterion and returns a rule only when the whole criterion means
that rule; otherwise None (a wrong rule is worse than none). Therapy, washout and drug
texts are left to the therapy extractors; lab thresholds to the lab extractors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal, cast

from pydantic import ValidationError

from eligo.criteria.extractors.prefilter import Trigger, phrase_words
from eligo.criteria.rules import AllOf, AnyOf, ConditionalRule, CriterionContext
from eligo.criteria.rules.base import normalize_comparators
from eligo.criteria.rules.clinical import (
    AgeRule,
    AttestationRule,
    BiomarkerRule,
    ConditionRule,
    DiagnosisRule,
    DiseaseSiteRule,
    DiseaseStateName,
    DiseaseStateRule,
    OrganFunctionRule,
    PerformanceRule,
    PregnancyRule,
    RiskGroupRule,
    ToxicityGradeRule,
    clinical_vocab,
)
from eligo.rules.life_expectancy import extract_life_expectancy
from eligo.terms import Comparator as Cmp
from eligo.terms import DiseaseSite as Site

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

Extractor = Callable[[CriterionContext], "Rule | None"]

_NUM = r"(\d+(?:\.\d+)?)"
_SCOPE = re.compile(r"^((?:Arm|Cohort|Part|Stratum|Group|Dose level)\s+[A-Z]?\d*[A-Za-z]?\d*)\s*:\s*", re.IGNORECASE)
# Permissions and conditionals ("are eligible if", "must be approved") state no condition of ours.
_PERMISSIVE = re.compile(
    r"\b(are|is|will be|remain|be) (eligible|permitted|allowed)\b|\beligible (if|as long as|at any time)\b|"
    r"\bas long as\b|\bmust be approved\b|\bif present\b|\bwill be required\b|\bwho do not meet\b|\bmay be eligible\b",
    re.IGNORECASE,
)
# Therapy and washout wording belongs to the therapy extractors.
_THERAPY = re.compile(
    r"\b(received|receiving|therapy with|washout|elapsed|since (the )?(last|prior)|chemotherapy|radiation|"
    r"radiotherapy|transplant|dose of|agents?\b|drugs?\b|medications?)\b",
    re.IGNORECASE,
)
_LAB_UNITS = re.compile(r"mg/dl|/mcl|/mm|x ?10|g/dl|u/l|ml/min|umol|µmol", re.IGNORECASE)


_SPACES = re.compile(r"\s+")


def _scope(text: str) -> tuple[str | None, str]:
    match = _SCOPE.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end() :]


_SYMBOL_CMP: dict[str, Cmp] = {"≥": ">=", ">": ">", "≤": "<=", "<": "<"}


@cache
def _phrase_regex(phrases: tuple[str, ...]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(p) for p in ordered) + ")"


_BRACKET_OR_STOP = re.compile(r"[()\[\].]")


def _sentences(text: str) -> list[str]:
    """Split on sentence ends outside parentheses."""
    return list(_sentence_parts(text))


# Several extractors split the same criterion; cached as a tuple so no caller can change it.
@lru_cache(maxsize=64)
def _sentence_parts(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    depth, start = 0, 0
    # Only brackets and full stops change the outcome, so only they are visited.
    for found in _BRACKET_OR_STOP.finditer(text):
        i, char = found.start(), found.group()
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif (
            depth <= 0 and (i + 1 == len(text) or text[i + 1] == " ") and (i + 2 >= len(text) or text[i + 2].isupper())
        ):
            parts.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip().rstrip(".")
    if tail:
        parts.append(tail)
    return tuple(p for p in parts if p)


# --- age -----------------------------------------------------------------------------------

_UNIT = r"(years?|yrs?|months?|mos?)"
_AGE_LEAD = re.compile(r"^(?:patients?\s+)?(?:must be\s+)?(?:age[sd]?|age range|aged)\b\s*:?\s*(?:of\s+)?", re.I)
_AGE_TAIL = re.compile(
    r"^(?:of age|old|years old|at (?:the time of )?(?:enrollment|registration|study entry|entry|consent)|"
    r"at diagnosis|at (?:the time of )?(?:initial |original )?diagnosis|[\s.,;])*$",
    re.IGNORECASE,
)


def _months(value: str, unit: str | None) -> tuple[int, Literal["years", "months"]] | None:
    number = float(value)
    if unit is None or unit.lower().startswith("y"):
        months = number * 12
        kind: Literal["years", "months"] = "years"
    else:
        months, kind = number, "months"
    if months != int(months):
        return None
    return int(months), kind


def _age_patterns(unit_optional: bool) -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = (
        # "≥ 1 or < 18 years": the trials write "or" but mean both limits (a range), so it is read as "and".
        ("pair", rf"^([≥>])\s*{_NUM}\s*{_UNIT}?\s*(?:of age\s*)?(?:or|and|,|to)\s*([≤<])\s*{_NUM}\s*{_UNIT}"),
        ("range", rf"^(?:between\s+)?{_NUM}\s*{_UNIT}?\s*(?:-|–|to|and)\s*{_NUM}\s*{_UNIT}"),
        ("suffix_min", rf"^{_NUM}\s*{_UNIT}\s*(?:of age\s*|old\s*)?(?:or|and)\s*(?:older|>|≥|more)"),
        ("suffix_max", rf"^{_NUM}\s*{_UNIT}\s*(?:of age\s*|old\s*)?(?:or|and)\s*(?:younger|less|<)"),
        ("plus", rf"^{_NUM}\s*\+\s*{_UNIT}?"),
        ("single", rf"^([≥>≤<])\s*{_NUM}\s*{_UNIT}" + ("?" if unit_optional else "")),
    )
    return tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in patterns)


# After an "Age:" lead a bare number is an age; without one it needs its unit.
_AGE_PATTERNS = {True: _age_patterns(unit_optional=True), False: _age_patterns(unit_optional=False)}


def _age_bounds(text: str) -> tuple[dict[str, object], str] | None:
    """Parse an age clause at the start of `text`; return the AgeRule fields and the rest."""
    t = _AGE_LEAD.sub("", text, count=1)
    had_lead = t != text
    for name, pattern in _AGE_PATTERNS[had_lead]:
        match = pattern.match(t)
        if match is None:
            continue
        g = match.groups()
        fields: dict[str, object] = {}
        if name == "pair":
            low, high = _months(g[1], g[2] or g[5]), _months(g[4], g[5])
            if low is None or high is None:
                return None
            fields = {
                "min_months": low[0],
                "min_inclusive": g[0] == "≥",
                "max_months": high[0],
                "max_inclusive": g[3] == "≤",
                "unit": high[1],
            }
        elif name == "range":
            if g[1] is None and not had_lead and not re.match(r"^between", t, re.I):
                return None
            low, high = _months(g[0], g[1] or g[3]), _months(g[2], g[3])
            if low is None or high is None:
                return None
            fields = {"min_months": low[0], "max_months": high[0], "unit": high[1]}
        elif name in {"suffix_min", "suffix_max", "plus"}:
            value = _months(g[0], g[1])
            if value is None:
                return None
            key = "max_months" if name == "suffix_max" else "min_months"
            fields = {key: value[0], "unit": value[1]}
        else:
            value = _months(g[1], g[2])
            if value is None:
                return None
            key = "min_months" if g[0] in "≥>" else "max_months"
            fields = {key: value[0], "unit": value[1], key.replace("months", "inclusive"): g[0] in "≥≤"}
        return fields, t[match.end() :]
    return None


def _age_rule(text: str) -> AgeRule | None:
    if _LAB_UNITS.search(text) or (":" in text.split("age", 1)[-1][:40] and "Age:" not in text):
        return None
    scope, rest = _scope(text)
    parsed = _age_bounds(normalize_comparators(rest))
    if parsed is None:
        return None
    fields, tail = parsed
    if not _AGE_TAIL.match(tail):
        return None
    at_diagnosis = bool(re.search(r"diagnosis", tail, re.IGNORECASE))
    try:
        return AgeRule(scope=scope, at_diagnosis=at_diagnosis, **fields)
    except ValidationError:  # limits the model refuses (an empty range) are no reading of the text
        return None


_SUBGROUP_AGE = re.compile(r"^(Patients with .+?) must be (.+)$", re.IGNORECASE)


def extract_age(context: CriterionContext) -> Rule | None:
    """Age limits, an arm scope, a subgroup scope, or an age clause joined to an ability."""
    text = context.text.strip().rstrip(".")
    if len(_sentences(text)) > 1:
        return None  # each sentence is read on its own by the caller
    rule = _age_rule(text)
    if rule is not None:
        return rule
    subgroup = _SUBGROUP_AGE.match(text)
    if subgroup is not None:
        # "Patients with pheochromocytoma ... must be between 1 and 12 years of age": the limit
        # applies to that subgroup only -- a conditional on the diagnosis, never a limit for all.
        inner = _age_rule("age " + subgroup.group(2))
        diagnoses = _diagnoses_in(subgroup.group(1))
        if inner is None or not diagnoses:
            return None
        names = " or ".join(clinical_vocab().diagnoses[name].display for name in diagnoses)
        return ConditionalRule(
            if_present=DiagnosisRule(diagnoses=tuple(diagnoses)),
            condition=names,
            requirement=f"must be {subgroup.group(2)}",
            requirement_rule=inner,
        )
    head = re.match(r"^(.*?\b(?:years?|months?)(?: of age| old)?)\s+and\s+((?:is )?able to .+)$", text, re.I)
    if head is not None:
        age, ability = _age_rule(head.group(1)), _attestation(head.group(2))
        if age is not None and ability is not None:
            return AllOf(rules=(age, ability))
    return None


# --- diagnosis, risk, disease state --------------------------------------------------------------


@cache
def _synonyms_pattern(synonyms: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the synonyms as a whole word (longest first), ignoring case."""
    return re.compile(rf"(?<![\w-]){_phrase_regex(synonyms)}(?![\w-])", re.IGNORECASE)


@cache
def _diagnosis_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, _synonyms_pattern(term.synonyms)) for name, term in clinical_vocab().diagnoses.items())


@cache
def _state_patterns() -> tuple[tuple[DiseaseStateName, re.Pattern[str]], ...]:
    return tuple(
        (cast(DiseaseStateName, name), re.compile(rf"\b{_phrase_regex(term.phrases)}\b", re.IGNORECASE))
        for name, term in clinical_vocab().disease_states.items()
    )


def _diagnoses_in(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for name, pattern in _diagnosis_patterns():
        match = pattern.search(text)
        if match is not None:
            found.append((match.start(), name))
    return [name for _, name in sorted(found)]


def _first_diagnosis(text: str) -> int | None:
    starts = [m.start() for _, pattern in _diagnosis_patterns() if (m := pattern.search(text))]
    return min(starts) if starts else None


def _states_in(text: str) -> list[DiseaseStateName]:
    found: list[tuple[int, DiseaseStateName]] = []
    for name, pattern in _state_patterns():
        match = pattern.search(text)
        if match is not None:
            found.append((match.start(), name))
    return [name for _, name in sorted(found)]


_CONFIRMED = re.compile(r"histologically (?:or cytologically )?(?:confirmed|proven|verified)", re.IGNORECASE)


def extract_diagnosis(context: CriterionContext) -> Rule | None:
    """ "Patients must have a history of histologically or cytologically confirmed NBL or
    osteosarcoma", "Diagnosis of neuroblastoma as defined per INRC"."""
    text = context.text.strip().rstrip(".")
    if _PERMISSIVE.search(text) or _states_in(text) or re.search(r"high[- ]risk", text, re.I):
        return None
    match = re.match(
        r"^(?:patients must have (?:a history of )?|diagnosis of |(?:a )?diagnosis:?\s*|must have |have )?"
        r"((?:histologically|cytologically)[^,;]*?(?:confirmed|proven|verified)\s+)?"
        r"(?P<dx>.+?)(?P<defn>\s+(?:as defined (?:per|by) .+|based on .+))?$",
        text,
        re.IGNORECASE,
    )
    if match is None:
        return None
    names = _diagnoses_in(match.group("dx"))
    leftover = (
        _synonyms_pattern(tuple(s for n in names for s in clinical_vocab().diagnoses[n].synonyms)).sub(
            "", match.group("dx")
        )
        if names
        else match.group("dx")
    )
    if not names or re.sub(r"\b(or|and|a|an|the|with|/|,)\b|[\s,/()]", "", leftover, flags=re.IGNORECASE):
        return None
    confirmation = None
    if match.group(1):
        confirmation = "histologic_or_cytologic" if "cytolog" in match.group(1).lower() else "histologic"
    definition = match.group("defn").strip() if match.group("defn") else None
    return DiagnosisRule(diagnoses=tuple(names), confirmation=confirmation, definition=definition)


def extract_risk_group(context: CriterionContext) -> Rule | None:
    """ "Patients must have high-risk neuroblastoma" (diagnosis and risk group together)."""
    match = re.match(r"^(?:patients must have )?high[- ]risk (neuroblastoma|NBL)\.?$", context.text.strip(), re.I)
    if match is None:
        return None
    return AllOf(rules=(DiagnosisRule(diagnoses=("neuroblastoma",)), RiskGroupRule()))


_DEFINED_AS = re.compile(r"\(defined as (.+)\)\s*(?:or)?\s*$", re.IGNORECASE)
_TRAILING_PARENS = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*(?:or)?\s*$")


def _state_definition(text: str) -> tuple[str, str | None]:
    """Split "X (defined as ...)" into X and the definition."""
    match = _DEFINED_AS.search(text) or _TRAILING_PARENS.search(text)
    if match is None:
        return text, None
    return text[: match.start()].strip(), match.group(1).strip()


def extract_disease_with_diagnosis(context: CriterionContext) -> Rule | None:
    """ "Relapsed/refractory high-risk neuroblastoma (NBL) (defined as ...) or", "Relapsed
    osteosarcoma (...)", "Diagnosis: Refractory or relapsed neuroblastoma with original
    diagnosis based on ...", "High-risk neuroblastoma patients with either primary refractory
    disease or incomplete response to salvage treatment (...) evaluable in bone and/or bone marrow"."""
    text = context.text.strip().rstrip(".")
    if _PERMISSIVE.search(text) or (_THERAPY.search(re.sub(r"\(.*\)", "", text)) and "salvage" not in text):
        return None
    text = re.sub(r"^diagnosis:\s*", "", text, flags=re.IGNORECASE)
    sentences = _sentences(text)
    if len(sentences) > 1:
        # Separate sentences naming different diseases list alternative populations.
        branches = [_disease_with_diagnosis(s) for s in sentences]
        if all(branches) and len(branches) >= 2:
            return AnyOf(rules=tuple(b for b in branches if b is not None))
        return None
    return _disease_with_diagnosis(text)


def _disease_with_diagnosis(text: str) -> Rule | None:
    salvage = re.match(
        r"^high[- ]risk neuroblastoma patients with either primary refractory disease or incomplete response to "
        r"salvage treatment \((?P<defn>[^)]+)\)\s*evaluable in (?P<sites>bone and/or bone marrow)$",
        text,
        re.IGNORECASE,
    )
    if salvage is not None:
        return AllOf(
            rules=(
                DiagnosisRule(diagnoses=("neuroblastoma",)),
                RiskGroupRule(),
                DiseaseStateRule(
                    states=("refractory", "persistent"),
                    definition="primary refractory disease or incomplete response to salvage treatment ("
                    + salvage.group("defn")
                    + ")",
                ),
                DiseaseSiteRule(sites=("bone", "bone_marrow")),
            )
        )
    head, definition = _state_definition(text)
    base = re.match(r"^(?P<body>.+?)(?:\s+with original diagnosis (?P<orig>.+))?$", head, re.IGNORECASE)
    if base is None:
        return None
    body = re.sub(r"\s+or$", "", base.group("body"))
    first = _first_diagnosis(body)
    if first is None:
        return None
    prefix, dx_text = body[:first], body[first:]
    risk = re.search(r"\bhigh[- ]risk\s*$", prefix, re.IGNORECASE)
    if risk is not None:
        prefix = prefix[: risk.start()]
    states = _states_in(prefix)
    state_words = _state_words().sub("", prefix)
    diagnoses = _diagnoses_in(dx_text)
    dx_rest = re.sub(
        r"\bor related tumou?rs?\b|\(NBL\)|\bor\b|[/ ]",
        "",
        re.sub(
            _phrase_regex(tuple(s for n in diagnoses for s in clinical_vocab().diagnoses[n].synonyms)),
            "",
            dx_text,
            flags=re.IGNORECASE,
        )
        if diagnoses
        else dx_text,
        flags=re.IGNORECASE,
    )
    if not states or state_words or not diagnoses or dx_rest:
        return None
    if definition is not None:
        states = list(dict.fromkeys([*states, *[s for s in _states_in(definition) if s not in states]]))
    diagnosis_definition = None
    if base.group("orig"):
        diagnosis_definition = "original diagnosis " + base.group("orig")
    elif "related tumor" in dx_text.lower():
        diagnosis_definition = "or related tumor"
    parts: list[Rule] = [DiagnosisRule(diagnoses=tuple(diagnoses), definition=diagnosis_definition)]
    if risk is not None:
        parts.append(RiskGroupRule())
    parts.append(DiseaseStateRule(states=tuple(states), definition=definition))
    return AllOf(rules=tuple(parts))


@cache
def _state_words() -> re.Pattern[str]:
    """Every disease-state phrase, "or", "/", "," and spaces: what may precede a diagnosis."""
    phrases = tuple(p for s in clinical_vocab().disease_states.values() for p in s.phrases)
    return re.compile(rf"\b{_phrase_regex(phrases)}" r"\b|\bor\b|[/, ]", re.IGNORECASE)


_STATE_HEADED = re.compile(r"^(refractory|persistent|relapsed|recurrent|progressive) disease:\s*(.+)$", re.I)
_NEVER = re.compile(r"\bnever had a relapse\s*/?\s*(?:or\s+)?progression\b", re.IGNORECASE)


def extract_disease_state(context: CriterionContext) -> Rule | None:
    """ "Recurrent/progressive disease at any time prior to enrollment", "Refractory disease:
    ... AND patient has never had a relapse/progression", "Failure to respond to standard
    therapy ... or development of progressive disease at any time (...)"."""
    text = context.text.strip().rstrip(".")
    if _PERMISSIVE.search(text) or re.search(r"\bexcept\b|while receiving|off treatment", text, re.I):
        return None
    text = re.sub(r"^disease status:\s*", "", text, flags=re.IGNORECASE)
    headed = _STATE_HEADED.match(text)
    if headed is not None:
        state = _states_in(headed.group(1))
        return DiseaseStateRule(
            states=tuple(state), never_relapsed=bool(_NEVER.search(text)), definition=headed.group(2).strip()
        )
    sentences = _sentences(text)
    if len(sentences) > 1:
        parts = [extract_disease_state(context.with_text(s)) or _site_rule(s) for s in sentences]
        if all(parts):
            return AllOf(rules=tuple(p for p in parts if p is not None))
        return None
    simple = re.match(
        r"^(?P<states>(?:recurrent|relapsed|refractory|progressive|persistent)(?:\s*(?:/|,|or|and)\s*"
        r"(?:recurrent|relapsed|refractory|progressive|persistent))*) disease(?P<rest>.*)$",
        text,
        re.IGNORECASE,
    )
    if simple is not None:
        rest = simple.group("rest").strip(" -")
        if rest and not re.match(r"^(at any time|prior to|regardless|before)", rest, re.I):
            return None
        return DiseaseStateRule(states=tuple(_states_in(simple.group("states"))), definition=rest or None)
    failure = re.match(
        r"^failure to respond to (?:standard |frontline |initial )?therapy.*\bor development of "
        r"progressive disease\b.*$",
        text,
        re.IGNORECASE,
    )
    if failure is not None:
        return DiseaseStateRule(states=("refractory", "progressive"), definition=text)
    return None


# --- disease sites, biomarkers --------------------------------------------------------------------

_SITE_PHRASES: list[tuple[str, Site]] = [
    (r"bone marrow", "bone_marrow"),
    (r"(?:MIBG|metaiodobenzylguanidine(?: \(MIBG\))?|iobenguane(?: \[MIBG\])?)[- ]avid|avid for MIBG", "mibg_avid"),
    (r"FDG[- ]PET[- ]avid", "fdg_pet_avid"),
    (r"bone", "bone"),
    (r"soft tissue", "soft_tissue"),
]


def _site_rule(text: str, scope: str | None = None) -> DiseaseSiteRule | None:
    t = normalize_comparators(text).rstrip(".")
    within = None
    recent = re.search(
        r"within (\d+) (weeks?|days?)(?: (?:prior to|of|before) (?:enrollment|study entry))?", t, re.IGNORECASE
    )
    if recent is not None:
        within = int(recent.group(1)) * (7 if recent.group(2).lower().startswith("w") else 1)
    patterns: list[tuple[str, dict[str, object]]] = [
        (
            r"^evaluable (?:neuroblastoma|NBL|disease) outside (?:of )?bone and bone marrow$",
            {"sites": ("outside_bone_and_marrow",)},
        ),
        (r"^(?:disease )?evaluable in bone and/or bone marrow$", {"sites": ("bone", "bone_marrow")}),
        (
            r"^(?:tumou?rs? must be shown to be )?MIBG avid(?: within \d+ (?:weeks?|days?)(?: prior to enrollment)?)?$",
            {"sites": ("mibg_avid",)},
        ),
        (
            r"^disease evaluable by MIBG scan must be present within \d+ (?:weeks?|days?) of study entry"
            r"(?: and subsequent to any intervening therapy)?$",
            {"sites": ("mibg_avid",)},
        ),
        (
            r"^≥ one (?:metaiodobenzylguanidine \(MIBG\)|MIBG) avid bone site(?: or diffuse MIBG uptake)?$",
            {"sites": ("bone", "mibg_avid"), "mode": "all"},
        ),
        (r"^any amount of (?:neuroblastoma )?tumou?r cells in the bone marrow\b.*$", {"sites": ("bone_marrow",)}),
        (r"^(bone|bone marrow|soft tissue) disease$", {}),
        (r"^≥ one soft tissue lesion\b.*$", {"sites": ("soft_tissue",)}),
        (
            r"^evaluable NBL \((?:iobenguane \[MIBG\]|MIBG) and/or bone marrow disease only\)$",
            {"sites": ("mibg_avid", "bone_marrow"), "mode": "only"},
        ),
        (r"^curie score (?:of )?≥ ?(\d+)$", {"curie": 1}),
    ]
    for pattern, fields in patterns:
        match = re.match(pattern, t, re.IGNORECASE)
        if match is None:
            continue
        if not fields:
            site = cast(Site, match.group(1).lower().replace(" ", "_"))
            return DiseaseSiteRule(scope=scope, sites=(site,))
        if "curie" in fields:
            return DiseaseSiteRule(scope=scope, curie_score_min=int(match.group(1)))
        return DiseaseSiteRule(scope=scope, within_days=within, **fields)
    return _measurable(t, scope)


def _measurable(text: str, scope: str | None) -> DiseaseSiteRule | None:
    """Measurable disease by size. When sizes differ by imaging method the smallest counts
    (any method will do); a size stated only for chest x-ray is not enough to go on."""
    if not re.search(r"\b(measur|longest diameter|lesion)", text, re.IGNORECASE):
        return None
    sizes = [(float(m.group(1)), m.group(2)) for m in re.finditer(r"≥ ?(\d+(?:\.\d+)?) ?mm\b([^,;)]*)", text)]
    if not sizes:
        return None
    long_axis = [(mm, how) for mm, how in sizes if "short axis" not in how.lower() and "lymph" not in how.lower()]
    if any("x-ray" in how.lower() or "chest" in how.lower() for _, how in long_axis) and not any(
        re.search(r"\bCT\b|computed|MRI|calipers", how) for _, how in long_axis
    ):
        return None
    if not long_axis:
        return None
    return DiseaseSiteRule(scope=scope, min_lesion_mm=min(mm for mm, _ in long_axis))


def extract_disease_site(context: CriterionContext) -> Rule | None:
    text = context.text.strip()
    if _PERMISSIVE.search(text) or re.search(r"\bbiopsy\b|non-avid", text, re.IGNORECASE):
        return None
    scope, rest = _scope(text)
    rest = re.sub(r"^(?:SIZE|MIBG uptake|sites? of disease):\s*", "", rest, flags=re.IGNORECASE)
    measurable_dx = re.match(
        r"^Measurable (NBL|neuroblastoma|osteosarcoma)\b\s*\((?:defined as )?(.+)\)$", rest, re.IGNORECASE
    )
    if measurable_dx is not None:
        size = _measurable(normalize_comparators(measurable_dx.group(2)), scope)
        if size is None:
            return None
        dx = _diagnoses_in(measurable_dx.group(1))
        return AllOf(scope=scope, rules=(DiagnosisRule(scope=scope, diagnoses=tuple(dx)), size))
    return _site_rule(rest, scope)


def extract_resection_cohort(context: CriterionContext) -> Rule | None:
    """ "Patients with relapsed resectable pulmonary osteosarcoma who are scheduled for a surgical
    resection": diagnosis and state are profile facts; resectable lung disease with surgery
    scheduled is the surgeon's call."""
    text = context.text.strip().rstrip(".")
    match = re.match(
        r"^Patients with (?P<state>relapsed|recurrent) resectable (?P<site>pulmonary|lung) "
        r"(?P<dx>[\w ]+?) who are scheduled for (?:a )?surgical resection$",
        text,
        re.IGNORECASE,
    )
    if match is None:
        return None
    diagnoses = _diagnoses_in(match["dx"])
    if not diagnoses:
        return None
    surgery = AttestationRule(
        subject="clinician_review",
        action="can the disease in your child's lungs be removed by surgery, and is that operation scheduled",
    )
    return AllOf(rules=(DiagnosisRule(diagnoses=tuple(diagnoses)), DiseaseStateRule(states=("relapsed",)), surgery))


def extract_biomarker(context: CriterionContext) -> Rule | None:
    """ "Documented ALK mutation or amplification", "MYCN non-amplified tumour"."""
    text = context.text.strip().rstrip(".")
    if _PERMISSIVE.search(text) or _THERAPY.search(text):
        return None
    scope, rest = _scope(text)
    lead = r"^(?:patients must have (?:a )?)?(?:(?:documented|known|confirmed|evidence of)\s+(?:an? )?)?"
    alk = re.match(
        lead + r"ALK (aberration|alteration|mutation|amplification)(?:s)?"
        r"(?: \((?:activating )?mutation or amplification\)| or (mutation|amplification))?"
        r"(?: in (?:the )?tumou?r(?: tissue)?)?$",
        rest,
        re.IGNORECASE,
    )
    if alk is not None:
        kinds = {alk.group(1).lower(), (alk.group(2) or "").lower()}
        if kinds & {"aberration", "alteration"}:
            kinds = {"mutation", "amplification"}
        order = tuple(k for k in ("mutation", "amplification") if k in kinds)
        return BiomarkerRule(scope=scope, marker="alk", alterations=order)
    mycn = re.match(
        lead + r"(?:tumou?rs? (?:with|must have|must be) )?MYCN[- ](non-amplified|not amplified|"
        r"amplified|amplification)(?: tumou?rs?| neuroblastoma| disease)?$",
        rest,
        re.IGNORECASE,
    )
    if mycn is not None:
        present = not mycn.group(1).lower().startswith("no")
        return BiomarkerRule(scope=scope, marker="mycn", alterations=("amplification",), present=present)
    return None


# --- performance, life expectancy, toxicity, cardiac --------------------------------------------------


def extract_performance(context: CriterionContext) -> Rule | None:
    """Lansky / Karnofsky / ECOG thresholds, with the Lansky-Karnofsky age split."""
    text = context.normalized
    if not re.search(r"\b(lansky|karnofsky|KPS|ECOG|eastern cooperative oncology group)\b", text, re.IGNORECASE):
        return None
    if context.section == "exclusion":
        return None  # exclusions state a *low* score; the rule kind is written as a minimum
    fields: dict[str, int] = {}
    lansky_age = re.search(r"lansky\s*\(?\s*(?:for patients\s*)?≤ ?(\d+) years?", text, re.IGNORECASE)
    if lansky_age is not None:
        fields["lansky_through_age_years"] = int(lansky_age.group(1))
    ecog = re.search(
        r"(?:ECOG|eastern cooperative oncology group)\)?[^;.]*?(?:(≤|<) ?(\d)\b|\b0 ?(?:-|to|or) ?(\d)\b)",
        text,
        re.IGNORECASE,
    )
    if ecog is not None:
        fields["ecog_max"] = (
            int(ecog.group(2)) - (1 if ecog.group(1) == "<" else 0) if ecog.group(2) else int(ecog.group(3))
        )

    def minimum(segment: str) -> int | None:
        for pattern in (r"≥ ?(\d+)", r"> ?(\d+)", r"(\d+) ?%? or (?:higher|more|greater)", r"(\d+) ?%? ?(?:-|to) ?100"):
            match = re.search(pattern, segment, re.IGNORECASE)
            if match is not None:
                return int(match.group(1)) + (1 if pattern.startswith(">") else 0)
        return None

    scales = [(m.start(), m.group(1).lower()) for m in re.finditer(r"\b(lansky|karnofsky|KPS)\b", text, re.IGNORECASE)]
    for index, (start, scale) in enumerate(scales):
        end = scales[index + 1][0] if index + 1 < len(scales) else len(text)
        segment = re.sub(r"\((?:for patients\s*)?[≤<>≥] ?\d+ years?\)", "", text[start:end])
        segment = re.sub(r"^\w+[^;:]*?\b\d+ years? of age:?", "", segment)
        value = minimum(segment) if index + 1 == len(scales) or minimum(segment) is not None else None
        if value is None:
            value = minimum(re.sub(r"\((?:for patients\s*)?[≤<>≥] ?\d+ years?\)", "", text[start:]))
        if value is None:
            return None
        fields["karnofsky_min" if scale in {"karnofsky", "kps"} else "lansky_min"] = value
    if not scales and "ecog_max" not in fields:
        return None
    try:
        return PerformanceRule(**fields)
    except ValidationError:  # limits the model refuses (an empty range) are no reading of the text
        return None


def extract_toxicity(context: CriterionContext) -> Rule | None:
    """Toxicity and organ-dysfunction grades (CTCAE)."""
    text = context.normalized.rstrip(".")
    organ = re.match(
        r"^(?:existing )?(major organ dysfunction) > ?grade (\d)(?:,? with the exception of (.+))?$",
        text,
        re.IGNORECASE,
    )
    if organ is not None:
        exceptions = tuple(e.strip() for e in re.split(r",\s*", organ.group(3) or "") if e.strip())
        return ToxicityGradeRule(
            comparator=">", grade=int(organ.group(2)), what=organ.group(1).lower(), exceptions=exceptions
        )
    resolved = re.search(
        r"acute toxicity of any previous therapy must have resolved to grade (\d) or less"
        r"( or stabilized)?",
        text,
        re.IGNORECASE,
    )
    if resolved is not None:
        return ToxicityGradeRule(comparator="<=", grade=int(resolved.group(1)), or_stabilized=bool(resolved.group(2)))
    if re.match(
        r"^patients must have fully recovered from the acute toxic effects of all prior "
        r"(?:chemotherapy|therapy)[\w, ]*?prior to (?:study )?enrollment$",
        text,
        re.IGNORECASE,
    ):
        return ToxicityGradeRule(comparator="<=", grade=1, fully_recovered=True)
    named: list[tuple[int, str]] = []
    remainder = text
    for match in re.finditer(r"≤ ?grade (\d) ([a-z]+)(?: \([^)]*\))?", text, re.IGNORECASE):
        named.append((int(match.group(1)), match.group(2).lower()))
        remainder = remainder.replace(match.group(0), "")
    reverse = re.match(r"^([a-z]+)(?: toxicity)? ≤ ?grade (\d)$", text, re.IGNORECASE)
    if reverse is not None:
        return ToxicityGradeRule(comparator="<=", grade=int(reverse.group(2)), what=reverse.group(1).lower())
    if not named or re.sub(r"\band\b|[\s,;]", "", remainder):
        return None
    rules = tuple(ToxicityGradeRule(comparator="<=", grade=g, what=w) for g, w in named)
    return rules[0] if len(rules) == 1 else AllOf(rules=rules)


def extract_cardiac(context: CriterionContext) -> Rule | None:
    """Ejection / shortening fraction thresholds, alone or as alternatives."""
    text = context.normalized.rstrip(".; ")
    text = re.sub(r";?\s*OR$", "", text).strip()
    pattern = (
        r"(?P<m>(?:left ventricular )?ejection fraction|LVEF|fractional shortening|shortening fraction)"
        r"(?: \((?:LVEF|EF|SF)\))?\s*(?:of\s*)?\(?\s*(?P<c>[≥>≤<])\s*(?P<v>\d+(?:\.\d+)?)\s*%\)?"
    )
    found = list(re.finditer(pattern, text, re.IGNORECASE))
    if not found:
        return None
    remainder = text
    for match in found:
        remainder = remainder.replace(match.group(0), "")
    # How it was measured (echocardiogram, MUGA) does not change the threshold.
    remainder = re.sub(
        r"\b(?:documented|measured|assessed|as measured)?\s*(?:by|on|via) .*$", "", remainder, flags=re.IGNORECASE
    )
    remainder = re.sub(r"\b(?:normal|or|and)\b|[\s,;()]", "", remainder, flags=re.IGNORECASE)
    if remainder:
        return None
    rules = [
        OrganFunctionRule(
            measure="ejection_fraction"
            if "ejection" in m.group("m").lower() or "LVEF" in m.group("m")
            else "shortening_fraction",
            comparator=_SYMBOL_CMP[m.group("c")],
            percent=float(m.group("v")),
        )
        for m in found
    ]
    return rules[0] if len(rules) == 1 else AnyOf(rules=tuple(rules))


# --- conditions, pregnancy, attestation -------------------------------------------------------------


def _condition_patterns() -> list[tuple[str, str]]:
    pairs = [(syn, name) for name, term in clinical_vocab().conditions.items() for syn in term.synonyms]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


@cache
def _condition_at_start() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """All condition synonyms as one alternation, longest first, each in its own group.

    A regex alternation tries its branches in order at the same position, so `match` finds the
    synonym that trying the synonyms one by one (longest first) would find; `lastindex` names it.
    """
    pairs = _condition_patterns()
    pattern = "|".join(f"({re.escape(synonym)})(?!\\w)" for synonym, _ in pairs)
    return re.compile(pattern, re.IGNORECASE), tuple(name for _, name in pairs)


_LIST_JOINER = re.compile(r"^(?:,\s*)?(?:or|and|and/or)?\s*", re.IGNORECASE)


def _consume_conditions(text: str) -> list[str] | None:
    """Read "A, B or C" where every item is a known condition; None if anything is left over."""
    pattern, synonym_names = _condition_at_start()
    names: list[str] = []
    rest = text.strip(" .,;")
    while rest:
        match = pattern.match(rest)
        if match is None or match.lastindex is None:
            return None
        name = synonym_names[match.lastindex - 1]
        if name not in names:
            names.append(name)
        rest = rest[match.end() :].strip()
        rest = _LIST_JOINER.sub("", rest).strip(" ,/")
    return names or None


@cache
def _framing_pattern() -> re.Pattern[str]:
    framing = sorted(clinical_vocab().condition_framing, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(re.escape(f) for f in framing)})\b", re.IGNORECASE)


def _strip_framing(text: str) -> str:
    return _SPACES.sub(" ", _framing_pattern().sub(" ", text)).strip(" .,;")


@cache
def _qualifier_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (qualifier, re.compile(rf"(?<![\w-]){re.escape(qualifier)}(?![\w-])", re.IGNORECASE))
        for qualifier in sorted(clinical_vocab().condition_qualifiers, key=len, reverse=True)
    )


def _qualifier(text: str) -> tuple[str | None, str]:
    for qualifier, pattern in _qualifier_patterns():
        match = pattern.search(text)
        if match is not None:
            return qualifier, (text[: match.start()] + " " + text[match.end() :]).strip()
    return None, text


def extract_condition(context: CriterionContext) -> Rule | None:
    """Named conditions: infection, dialysis, bleeding disorders, HIV, heart or lung problems."""
    text = context.text.strip().rstrip(".")
    if _PERMISSIVE.search(text) or re.search(r"\b(unless|if|except|who are receiving|required)\b", text, re.I):
        return None
    umbrella = re.match(
        r"^(?P<head>.+?)\.?\s*(?:,\s*)?(?:this )?includ(?:es|ing),? but (?:is )?not limited to,?\s*"
        r"(?P<items>.+)$",
        text,
        re.IGNORECASE,
    )
    if umbrella is not None:
        items = re.split(r",\s*(?:or\s+)?|\s+or\s+", umbrella.group("items"))
        names: list[str] = []
        for item in items:
            found = _consume_conditions(_strip_framing(re.sub(r"\bwithin the last \d+ months\b", "", item)))
            names.extend(n for n in found or [] if n not in names)
        if not names:
            return None
        label = re.sub(r"^patients with ", "", umbrella.group("head"), flags=re.IGNORECASE).strip(" .,")
        return ConditionRule(conditions=tuple(names), label=label[0].upper() + label[1:], open_ended=True)
    lung = re.match(r"^normal lung function as manifested by no (.+)$", text, re.IGNORECASE)
    if lung is not None:
        found = _consume_conditions(re.sub(r",?\s*no\s+", ", ", lung.group(1)))
        return ConditionRule(conditions=tuple(found), present=False) if found else None
    present = True
    body = text
    negation = re.match(r"^(?:no|free of|without)\s+(.+)$", body, re.IGNORECASE)
    if negation is not None:
        present, body = False, negation.group(1)
    elif context.section == "inclusion":
        return None
    window = None
    span = re.search(r"\b(?:in|within) the (?:last|past) (\d+) months\b", body, re.IGNORECASE)
    if span is not None:
        window = int(span.group(1))
        body = (body[: span.start()] + body[span.end() :]).strip()
    # A phrase such as "active or uncontrolled infection" is a name in its own right; only
    # when the whole does not read as names is a qualifier ("life-threatening") taken out.
    qualifier, names_found = None, _consume_conditions(_strip_framing(body))
    if names_found is None:
        qualifier, body = _qualifier(_strip_framing(body))
        names_found = _consume_conditions(_strip_framing(body))
    if names_found is None:
        allergy = re.match(r"^(?:history of )?allergic reactions? attributed to (.+)$", text, re.IGNORECASE)
        if allergy is None:
            return None
        return ConditionRule(conditions=("allergy",), qualifier="to " + allergy.group(1))
    return ConditionRule(conditions=tuple(names_found), present=present, qualifier=qualifier, within_months=window)


def extract_pregnancy(context: CriterionContext) -> Rule | None:
    """Pregnancy, breastfeeding, pregnancy tests and contraception."""
    text = context.text.strip()
    low = text.lower()
    if not re.search(
        r"pregnan|breast ?feeding|breast-feeding|nursing|lactat|contracept|birth control|hcg|"
        r"childbearing|condom",
        low,
    ):
        return None
    parts: list[Rule] = []
    if re.match(r"^(?:pregnant|breast ?feeding)", low) or re.search(
        r"no patients who are pregnant|pregnant women are excluded|breast feeding women are not eligible|"
        r"^(?:pregnancy|lactation)",
        low,
    ):
        if context.section != "exclusion":
            return None
        pregnant = bool(re.search(r"pregnan", low.split("because")[0] if "are excluded" in low else low))
        breastfeeding = (
            bool(
                re.search(
                    r"lactat|breast ?feeding women|or breast ?feeding|and breast ?feeding|"
                    r"breast-feeding|^breast ?feeding",
                    low,
                )
            )
            and "should be discontinued" not in low
        )
        if "no patients who are pregnant" in low:
            pregnant, breastfeeding = True, "lactat" in low
        return PregnancyRule(topic="pregnant", pregnant=pregnant or not breastfeeding, breastfeeding=breastfeeding)
    if re.search(r"must not be (?:nursing|pregnant|breast ?feeding)", low):
        parts.append(
            PregnancyRule(
                topic="pregnant",
                pregnant=True,
                breastfeeding=bool(re.search(r"nursing|breast ?feeding|lactat", low)),
                present=False,
            )
        )
    if re.search(r"negative (?:urine or serum |serum or urine |serum |urine )?(?:pregnancy test|beta-human)", low):
        parts.append(PregnancyRule(topic="negative_test"))
    contraception = re.search(r"contracept|birth control|condom", low)
    if contraception is not None:
        male = re.search(r"^male patients|\bmen must\b|\bmales\b", low) is not None
        before = low[: contraception.start()]
        female = re.search(r"female|women|\bfcbp\b|childbearing potential must", before) is not None
        if re.match(r"^male patients", low):
            female = False
        sex: Literal["female", "male", "any"] = "any" if male and female else "male" if male else "female"
        parts.append(PregnancyRule(topic="contraception", sex=sex))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(rules=tuple(parts))


def _attestation(text: str) -> AttestationRule | None:
    t = text.strip().rstrip(".")
    if re.search(r"informed consent", t, re.IGNORECASE):
        return AttestationRule(subject="consent", action="sign the study's written informed consent form")
    if re.match(r"^assent\b", t, re.IGNORECASE):
        return AttestationRule(subject="assent", action="as the hospital's rules require for their age")
    able = re.match(r"^(?:is |be )?able to (.+)$", t, re.IGNORECASE)
    if able is not None:
        return AttestationRule(subject="ability", action=able.group(1))
    unable = re.match(r"^inability to ([^;]+)", t, re.IGNORECASE)
    if unable is not None:
        return AttestationRule(subject="ability", action=unable.group(1).strip(), negated=True)
    declines = re.match(r"^patient declines participation in ([^;]+)", t, re.IGNORECASE)
    if declines is not None:
        return AttestationRule(subject="willingness", action=f"take part in {declines.group(1).strip()}", negated=True)
    willing = re.match(r"^(?:patients? (?:and/or (?:their )?parents? )?)?(?:must be )?willing to (.+)$", t, re.I)
    if willing is not None:
        return AttestationRule(subject="willingness", action=willing.group(1))
    return None


def extract_attestation(context: CriterionContext) -> Rule | None:
    """Consent, assent, willingness and ability (a person answers these)."""
    return _attestation(context.text)


EXTRACTORS: tuple[Extractor, ...] = (
    extract_pregnancy,
    extract_resection_cohort,
    extract_disease_with_diagnosis,
    extract_risk_group,
    extract_age,
    extract_performance,
    extract_life_expectancy,
    extract_toxicity,
    extract_cardiac,
    extract_biomarker,
    extract_disease_site,
    extract_disease_state,
    extract_condition,
    extract_attestation,
    extract_diagnosis,
)

# Words each extractor's patterns need (see eligo.criteria.extractors.prefilter); `_site_rule` is
# also reached from extract_disease_state, whose multi-sentence criteria may be all sites.
_SITE_WORDS = ("bone", "mibg", "soft", "curie", "measur", "diameter", "lesion")
_STATE_WORDS = ("refractory", "persistent", "relapsed", "recurrent", "progressive", "failure")


@cache
def triggers() -> dict[Extractor, Trigger]:
    fixed: dict[Extractor, tuple[str, ...]] = {
        extract_pregnancy: ("pregnan", "breast", "nursing", "lactat", "contracept", "birth", "hcg", "childbearing",
                            "condom"),
        extract_resection_cohort: ("resectable",),
        extract_risk_group: ("risk",),
        # Units of `_UNIT`, the "age" lead (a bare number then needs no unit), "18+", and
        # "Patients with X must be ..." subgroups.
        extract_age: ("age", "year", "yr", "mo", "+", "patients"),
        extract_performance: ("lansky", "karnofsky", "kps", "ecog", "eastern"),
        extract_toxicity: ("grade", "recovered"),
        extract_cardiac: ("ejection", "lvef", "shortening"),
        extract_biomarker: ("alk", "mycn"),
        extract_disease_site: _SITE_WORDS,
        extract_disease_state: _STATE_WORDS + _SITE_WORDS,
        extract_attestation: ("consent", "assent", "able", "inability", "declines", "willing"),
    }  # fmt: skip
    found = {extractor: Trigger(words) for extractor, words in fixed.items()}
    # A diagnosis (a condition) must be named for these to read anything.
    diagnoses = phrase_words(s for term in clinical_vocab().diagnoses.values() for s in term.synonyms)
    if diagnoses is not None:
        found[extract_disease_with_diagnosis] = Trigger(("neuroblastoma", *diagnoses))
        found[extract_diagnosis] = Trigger(diagnoses)
    conditions = phrase_words(s for term in clinical_vocab().conditions.values() for s in term.synonyms)
    if conditions is not None:
        found[extract_condition] = Trigger(("allergic", *conditions))
    return found
