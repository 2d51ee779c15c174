"""`PatientProfile`: what is known about one child, every fact optional and dated where it matters.

`None` always means "not known"; it is never read as "no". The evaluation date is not
part of the profile: it is passed explicitly so that results are reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from eligo.patients.limits import MAX_LIST_ITEMS, MAX_TEXT_CHARS
from eligo.terms import RadiationField

# Everything a visitor may send is bounded (issue #11): a list over the limit is a field-level error.
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class DiseaseState(StrEnum):
    """The trials' own words for the course of the disease (see the CCLG guide's definitions)."""

    RELAPSED = "relapsed"  # came back after a response (recurrent)
    REFRACTORY = "refractory"  # never responded adequately to induction
    PROGRESSIVE = "progressive"  # grew or spread on or after treatment
    PERSISTENT = "persistent"  # partial response but disease remains
    NEWLY_DIAGNOSED = "newly_diagnosed"
    IN_REMISSION = "in_remission"


class DiseaseSites(Fact):
    """Where the disease is now and how it can be seen; each flag is yes / no / unknown (None)."""

    bone: bool | None = None
    bone_marrow: bool | None = None
    soft_tissue: bool | None = None
    mibg_avid: bool | None = None
    fdg_pet_avid: bool | None = None
    # Longest diameter of the largest measurable lesion, in mm.
    largest_lesion_mm: float | None = Field(default=None, ge=0, le=1000)
    curie_score: int | None = Field(default=None, ge=0, le=30)
    biopsy_confirmed: bool | None = None
    # Disease outside bone and bone marrow (soft tissue, lymph nodes, organs).
    outside_bone_and_marrow: bool | None = None


class Biomarkers(Fact):
    alk: Literal["mutation", "amplification", "wild_type"] | None = None
    mycn_amplified: bool | None = None


class LabResult(Fact):
    """One dated laboratory value as reported, unit kept as written ("/mcL", "x10^9/L", "g/dL")."""

    test: Text  # canonical lab name from criteria/vocab/labs.yaml, e.g. "anc", "platelets", "creatinine"
    value: float
    unit: Text | None = None
    date: dt.date | None = None
    upper_limit_normal: float | None = Field(default=None, gt=0)  # in the same unit as value
    lower_limit_normal: float | None = Field(default=None, gt=0)  # in the same unit as value
    transfused_within_days: int | None = Field(default=None, ge=0)  # last transfusion of this product
    # The value in the test's canonical unit (the lab vocabulary's `display`), converted once when the
    # result is loaded, or why it cannot be (no unit, an unknown test or unit). `value` and `unit` stay
    # as reported, for display.
    _canonical: float | str = PrivateAttr(default="no unit recorded")
    _unit_shown: str = PrivateAttr(default="")

    def model_post_init(self, context: Any, /) -> None:
        if self.unit is None:
            return
        # Imported here: Pint takes a fifth of a second to import, and most processes that read a
        # profile (or import this module) never convert a lab value.
        from eligo.units import UnitError, convert, display_unit, lab_spec

        try:
            self._canonical = convert(self.test, self.value, self.unit, lab_spec(self.test).display)
            self._unit_shown = display_unit(self.unit)
        except UnitError as error:
            self._canonical = str(error)
            self._unit_shown = self.unit

    @property
    def unit_shown(self) -> str:
        """The reported unit as Eligo writes it ("/mcL" -> "/µL"), read when the result was loaded."""
        return self._unit_shown

    @property
    def canonical_value(self) -> float:
        """The value in the test's canonical unit; `UnitError` with the reason when there is none."""
        if isinstance(self._canonical, str):
            from eligo.units import UnitError

            raise UnitError(self._canonical)
        return self._canonical


class PerformanceScore(Fact):
    scale: Literal["lansky", "karnofsky", "ecog"]
    score: int = Field(ge=0, le=100)
    date: dt.date | None = None

    @model_validator(mode="after")
    def _range(self) -> PerformanceScore:
        if self.scale == "ecog" and self.score > 5:
            raise ValueError("an ECOG score is 0 to 5")
        return self


class ClinicalScore(Fact):
    """One dated result on a clinical scale (issue #12): MMSE, NYHA class, EDSS, Glasgow Coma Scale ...
    `scale` is a key of criteria/vocab/scores.yaml; a class is stored as its position (NYHA III = 3,
    Child-Pugh B = 2)."""

    scale: Text
    score: float = Field(ge=-10, le=1000)
    date: dt.date | None = None


class Therapy(Fact):
    """A drug or regimen the child has had, with dates; classes come from the drug vocabulary."""

    agent: Text
    classes: tuple[Text, ...] = Field(
        default=(), max_length=MAX_LIST_ITEMS
    )  # explicit classes override the vocabulary lookup
    start: dt.date | None = None
    end: dt.date | None = None  # last dose; None with ongoing=True means still receiving it
    ongoing: bool = False
    response: Literal["complete", "partial", "minor", "stable", "progression", "unknown"] | None = None
    progressed_on_therapy: bool | None = None
    cumulative_dose: float | None = Field(default=None, ge=0)
    cumulative_dose_unit: Text | None = None  # e.g. "mCi/kg" for 131I-MIBG


class Radiation(Fact):
    field: RadiationField
    end: dt.date | None = None


class Transplant(Fact):
    type: Literal["autologous", "allogeneic"]
    date: dt.date | None = None
    myeloablative: bool | None = None


class ConditionRecord(Fact):
    """One condition with its status and dates ("myocardial infarction", history, 2024-03-01).

    `active`: the child has it now; `history`: had it, resolved (`resolved` when known); `absent`: the
    family or doctor has said the child has never had it. The plain lists `conditions` /
    `conditions_absent` stay valid: a name there reads as an `active` / `absent` record.
    """

    name: Text
    status: Literal["active", "history", "absent"] = "active"
    diagnosed: dt.date | None = None  # onset or diagnosis date
    resolved: dt.date | None = None  # for `history`: when it ended


class Medication(Fact):
    """A medicine the child takes now (not anticancer therapy, which is `therapies`)."""

    name: Text
    classes: tuple[Text, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    start: dt.date | None = None


class Allergy(Fact):
    """A known allergy or hypersensitivity: a drug, a drug class or another substance, as named."""

    substance: Text
    classes: tuple[Text, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)  # e.g. "penicillins"
    reaction: Text | None = None


class TumourMarker(Fact):
    """A histology or molecular marker result as the report words it ("HER2", "positive")."""

    name: Text
    result: Literal[
        "positive", "negative", "amplified", "not_amplified", "mutated", "wild_type", "high", "low",
        "deficient", "proficient",
    ]  # fmt: skip


class DiseaseExtent(Fact):
    """Stage and extent of the disease; each flag is yes / no / unknown (None)."""

    stage: Text | None = None  # as written: "4", "IV", "M", "L2"
    metastatic: bool | None = None
    measurable_disease: bool | None = None  # RECIST / INRC measurable disease
    evaluable_disease: bool | None = None
    unresectable: bool | None = None


class CnsDisease(Fact):
    """Disease in the brain or spinal cord (CNS metastases); each flag is yes / no / unknown (None)."""

    present: bool | None = None
    treated: bool | None = None
    stable: bool | None = None
    symptomatic: bool | None = None
    last_treatment: dt.date | None = None


class Procedure(Fact):
    """A surgery or other procedure with its date; `major` as the surgeon would class it."""

    name: Text
    date: dt.date | None = None
    major: bool | None = None


class TrialParticipation(Fact):
    """Taking part in other research: now, and the last dose of any investigational (unlicensed) agent."""

    in_other_trial_now: bool | None = None
    last_investigational_agent: dt.date | None = None
    last_other_trial_end: dt.date | None = None  # when the child last took part in another trial
    # True: the child has never received an investigational agent (then the date stays empty).
    never_investigational_agent: bool | None = None


class Contraindications(Fact):
    """What a doctor has said the child must not have (True), or has said is fine (False); None: not
    known. Read by the `contraindication` rule kind ("Contraindication to MRI", issue #12)."""

    mri: bool | None = None  # an MRI scan
    general_anaesthesia: bool | None = None
    # Spinal, epidural (neuraxial) or other regional anaesthesia, such as a nerve block.
    regional_anaesthesia: bool | None = None


class Observations(Fact):
    """Measurements other than laboratory tests, the latest of each; body mass index is worked out
    from weight and height when not given."""

    qtc_ms: float | None = Field(default=None, ge=200, le=800)  # corrected QT interval on the ECG
    systolic_bp_mmhg: float | None = Field(default=None, ge=30, le=300)
    diastolic_bp_mmhg: float | None = Field(default=None, ge=10, le=200)
    heart_rate_bpm: float | None = Field(default=None, ge=10, le=300)
    # Vital signs (issue #12): oxygen saturation by pulse oximetry on room air, body temperature, breathing rate.
    spo2_percent: float | None = Field(default=None, ge=30, le=100)
    temperature_c: float | None = Field(default=None, ge=25, le=45)
    respiratory_rate_per_min: float | None = Field(default=None, ge=2, le=150)
    # Lung function tests (issue #12): FEV1 and DLCO (corrected for haemoglobin where reported), each as a
    # percentage of the value predicted for the child's age, sex and height.
    fev1_percent_predicted: float | None = Field(default=None, gt=0, le=200)
    dlco_percent_predicted: float | None = Field(default=None, gt=0, le=200)
    weight_kg: float | None = Field(default=None, gt=0, le=500)
    height_cm: float | None = Field(default=None, gt=0, le=300)
    bsa_m2: float | None = Field(default=None, gt=0, le=5)
    bmi: float | None = Field(default=None, gt=0, le=150)
    # ASA physical status (American Society of Anesthesiologists): 1 = healthy ... 6 = brain-dead donor.
    asa_class: int | None = Field(default=None, ge=1, le=6)
    # The child's weight at birth in grams (issue #12), for newborn trials' "Birthweight <1500 g" (NCT03860428).
    birth_weight_g: float | None = Field(default=None, ge=200, le=7000)
    date: dt.date | None = None

    def body_mass_index(self) -> float | None:
        if self.bmi is not None:
            return self.bmi
        if self.weight_kg is not None and self.height_cm is not None:
            return self.weight_kg / (self.height_cm / 100) ** 2
        return None


class Lifestyle(Fact):
    """Tobacco use and diet, for the trials that ask about them (issue #12).
    `smoking` is now (`current`), in the past only (`former`) or never (`never`: fewer than 100
    cigarettes in a lifetime); `pack_years` is packs of 20 a day times years smoked, over a lifetime;
    `quit_smoking` is when a former smoker stopped."""

    smoking: Literal["never", "former", "current"] | None = None
    pack_years: float | None = Field(default=None, ge=0, le=300)
    cigarettes_per_day: float | None = Field(default=None, ge=0, le=200)  # a current smoker's
    quit_smoking: dt.date | None = None
    # What the child eats: `vegan` (no animal products), `vegetarian` (no meat or fish), `omnivore`.
    diet: Literal["omnivore", "vegetarian", "vegan"] | None = None
    # Standard drinks a week, on average (a small glass of wine, a bottle of beer or a shot of spirits).
    alcohol_drinks_per_week: float | None = Field(default=None, ge=0, le=500)

    @model_validator(mode="after")
    def _consistent(self) -> Lifestyle:
        if self.smoking == "never" and (self.pack_years or self.cigarettes_per_day or self.quit_smoking):
            raise ValueError("smoking is 'never' but pack years, cigarettes per day or a quit date are given")
        if self.quit_smoking is not None and self.smoking == "current":
            raise ValueError("a current smoker has no quit date (give smoking 'former')")
        return self


class Location(Fact):
    place: Text | None = None  # town, UK postcode, US ZIP or "lat,lon" as typed
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    max_travel_km: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _point_whole(self) -> Location:
        # Half a point would be searched around as longitude 0.0 or silently dropped; say so instead.
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither (one without the other is not a place)")
        return self


class PatientProfile(Fact):
    """Everything Eligo may use to evaluate criteria for one child."""

    birth_date: dt.date | None = None
    age_years: float | None = Field(default=None, ge=0, le=120)  # used when birth_date is absent
    sex: Sex | None = None
    diagnosis: Text | None = None  # "neuroblastoma", "ganglioneuroblastoma", ...
    histologically_confirmed: bool | None = None
    high_risk: bool | None = None
    disease_states: tuple[DiseaseState, ...] = Field(default=(), max_length=len(DiseaseState))
    disease_sites: DiseaseSites = DiseaseSites()
    biomarkers: Biomarkers = Biomarkers()
    labs: tuple[LabResult, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    performance: tuple[PerformanceScore, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    clinical_scores: tuple[ClinicalScore, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    life_expectancy_months: float | None = Field(default=None, ge=0)
    therapies: tuple[Therapy, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    # How many lines (regimens) of systemic anticancer therapy the child has had for this cancer, as the
    # care team counts them (issue #12); None is "not told", never none. A line is one treatment plan,
    # however many drugs it combines.
    prior_lines_of_therapy: int | None = Field(default=None, ge=0, le=30)
    radiation: tuple[Radiation, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    transplants: tuple[Transplant, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    stored_stem_cells_cd34_per_kg: float | None = Field(default=None, ge=0)  # CD34+ cells/kg, e.g. 2e6
    cardiac_ejection_fraction: float | None = Field(default=None, ge=0, le=100)
    cardiac_shortening_fraction: float | None = Field(default=None, ge=0, le=100)
    max_toxicity_grade: int | None = Field(default=None, ge=0, le=5)  # worst unresolved toxicity (CTCAE)
    active_infection: bool | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    # Planning to become pregnant, during a trial or in the months after it (issue #12).
    planning_pregnancy: bool | None = None
    # Could become pregnant or father a child (past puberty, not sterilised, not post-menopausal).
    # False: pregnancy, pregnancy-test and contraception criteria do not apply; unknown: a girl under
    # 10 or a boy under 12 is taken as not yet (criteria/vocab/clinical.yaml `pregnancy`).
    reproductive_potential: bool | None = None
    # Menopause (issue #12): `pre` (has not been through it), `peri` (going through it), `post`
    # (periods stopped for good); `last_period` dates a post-menopausal woman's last menstrual period.
    menopause: Literal["pre", "peri", "post"] | None = None
    last_period: dt.date | None = None
    # The expected date of delivery of a pregnancy now: gestational age on any day is 40 weeks less
    # the time still to go (issue #12).
    due_date: dt.date | None = None
    # The child's own gestational age at birth, in weeks (e.g. 33.5 for 33 weeks and 4 days); a
    # criterion counts completed weeks.
    gestational_age_at_birth_weeks: float | None = Field(default=None, ge=20, le=45)
    # Pregnancies before any pregnancy now, however they ended (gravidity less the current one).
    previous_pregnancies: int | None = Field(default=None, ge=0, le=30)
    last_live_vaccine: dt.date | None = None
    # Other conditions by plain name ("hemolytic anemia", "bleeding disorder", "HIV").
    conditions: tuple[Text, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    # Conditions the family or doctor has said the child does NOT have (same plain names). Needed
    # because absence from `conditions` means "not known"; a condition-dependent criterion
    # ("for patients with chronic hepatitis B, ...") is not applicable once its condition is here.
    conditions_absent: tuple[Text, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    location: Location | None = None
    # The general patient model (issue #12): every part optional, "not known" is never "no".
    condition_records: tuple[ConditionRecord, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    medications: tuple[Medication, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    allergies: tuple[Allergy, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    # True: the family or doctor says the child has no known allergies (an empty list is "not known").
    no_known_allergies: bool | None = None
    histology: Text | None = None  # as the pathology report words it
    tumour_markers: tuple[TumourMarker, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    extent: DiseaseExtent = DiseaseExtent()
    cns_disease: CnsDisease = CnsDisease()
    procedures: tuple[Procedure, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    # The date of the last major surgery; `never_major_surgery` True says there has been none.
    last_major_surgery: dt.date | None = None
    never_major_surgery: bool | None = None
    # Operations and other procedures planned or under way (the date it is booked for, when known).
    planned_procedures: tuple[Procedure, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    trial_participation: TrialParticipation = TrialParticipation()
    contraindications: Contraindications = Contraindications()
    observations: Observations = Observations()
    lifestyle: Lifestyle = Lifestyle()

    @field_validator("birth_date")
    @classmethod
    def _born_already(cls, value: dt.date | None) -> dt.date | None:
        # A day of slack: a child born today where the family lives may be born "tomorrow" in UTC.
        if value is not None and value > dt.date.today() + dt.timedelta(days=1):
            raise ValueError("the birth date is in the future")
        return value

    @model_validator(mode="after")
    def _age_consistent(self) -> PatientProfile:
        if self.birth_date and self.age_years is not None:
            raise ValueError("give birth_date or age_years, not both")
        both = {c.strip().lower() for c in self.conditions} & {c.strip().lower() for c in self.conditions_absent}
        if both:
            raise ValueError(f"conditions both present and absent: {sorted(both)}")
        if self.no_known_allergies and self.allergies:
            raise ValueError("no_known_allergies is true but allergies are listed")
        return self

    def condition_status(self, matches: Callable[[str], bool]) -> tuple[str, str] | None:
        """(status, the name as the profile writes it) of the first condition `matches` accepts, the
        detailed records first, then the plain lists (`conditions`: active, `conditions_absent`: absent)."""
        for record in self.condition_records:
            if matches(record.name):
                return record.status, record.name
        for name in self.conditions:
            if matches(name):
                return "active", name
        for name in self.conditions_absent:
            if matches(name):
                return "absent", name
        return None

    def age_in_months_on(self, on: dt.date) -> int | None:
        """Completed months of age on the evaluation date (calendar arithmetic, so a first
        birthday is exactly 12 months), or None when unknown."""
        if self.birth_date is not None:
            born = self.birth_date
            if born > on:
                return None
            months = (on.year - born.year) * 12 + on.month - born.month
            return months - 1 if on.day < born.day else months
        if self.age_years is not None:
            return int(self.age_years * 12 + 1e-9)
        return None

    def age_on(self, on: dt.date) -> float | None:
        """Age in years for display and ranking; compare bounds with `age_in_months_on`."""
        months = self.age_in_months_on(on)
        if self.birth_date is None:
            return self.age_years
        return None if months is None else months / 12
