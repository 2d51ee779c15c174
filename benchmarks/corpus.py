"""Synthetic ClinicalTrials.gov API v2 corpus for the benchmarks, built by varying real sample records.

Every study is a real record from /work/shared/data/ctgov-samples/v2-json/ or the bundled neuroblastoma
trials, re-identified (NCT9xxxxxxx, never a real id) and varied: title, conditions, status, phases, ages,
last-update date, interventions, sites (real cities with coordinates) and eligibility criteria spliced from
real criteria texts (the samples, the bundled trials and the LCT corpus). Streamed: memory stays flat
whatever N is. The same --seed gives byte-identical output.

    .venv/bin/python benchmarks/corpus.py --count 100000 --out /tmp/eligo-bench/corpus-100k.jsonl
    .venv/bin/python benchmarks/corpus.py --count 10000 --out /tmp/eligo-bench/corpus-10k.zip --format zip
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES_DIR = Path("/work/shared/data/ctgov-samples/v2-json")
LCT_DIR = Path("/work/shared/data/lct-criteria")
BUNDLED_DIR = REPO / "src" / "eligo" / "trials" / "bundled"

# (city, state, zip, country, lat, lon): real places, the coordinates of the city centre.
CITIES: tuple[tuple[str, str | None, str | None, str, float, float], ...] = (
    ("London", None, "WC1N 3JH", "United Kingdom", 51.50853, -0.12574),
    ("Leeds", None, "LS1 3EX", "United Kingdom", 53.79648, -1.54785),
    ("Manchester", None, "M13 9WL", "United Kingdom", 53.48095, -2.23743),
    ("Birmingham", None, "B4 6NH", "United Kingdom", 52.48142, -1.89983),
    ("Glasgow", None, "G51 4TF", "United Kingdom", 55.86515, -4.25763),
    ("Edinburgh", None, "EH16 4TJ", "United Kingdom", 55.95206, -3.19648),
    ("Bristol", None, "BS2 8BJ", "United Kingdom", 51.45523, -2.59665),
    ("Newcastle upon Tyne", None, "NE1 4LP", "United Kingdom", 54.97328, -1.61396),
    ("Southampton", None, "SO16 6YD", "United Kingdom", 50.90395, -1.40428),
    ("Sheffield", None, "S10 2TH", "United Kingdom", 53.38297, -1.4659),
    ("Liverpool", None, "L12 2AP", "United Kingdom", 53.41058, -2.97794),
    ("Cardiff", None, "CF14 4XW", "United Kingdom", 51.48, -3.18),
    ("Nottingham", None, "NG7 2UH", "United Kingdom", 52.9536, -1.15047),
    ("Oxford", None, "OX3 9DU", "United Kingdom", 51.75222, -1.25596),
    ("Cambridge", None, "CB2 0QQ", "United Kingdom", 52.2, 0.11667),
    ("Belfast", None, "BT12 6BA", "United Kingdom", 54.59682, -5.92541),
    ("Philadelphia", "Pennsylvania", "19104", "United States", 39.95233, -75.16379),
    ("Boston", "Massachusetts", "02115", "United States", 42.35843, -71.05977),
    ("New York", "New York", "10065", "United States", 40.71427, -74.00597),
    ("Memphis", "Tennessee", "38105", "United States", 35.14953, -90.04898),
    ("Houston", "Texas", "77030", "United States", 29.76328, -95.36327),
    ("Los Angeles", "California", "90027", "United States", 34.05223, -118.24368),
    ("San Francisco", "California", "94158", "United States", 37.77493, -122.41942),
    ("Seattle", "Washington", "98105", "United States", 47.60621, -122.33207),
    ("Chicago", "Illinois", "60611", "United States", 41.85003, -87.65005),
    ("Atlanta", "Georgia", "30322", "United States", 33.749, -84.38798),
    ("Cincinnati", "Ohio", "45229", "United States", 39.12711, -84.51439),
    ("Columbus", "Ohio", "43205", "United States", 39.96118, -82.99879),
    ("Aurora", "Colorado", "80045", "United States", 39.72943, -104.83192),
    ("Ann Arbor", "Michigan", "48109", "United States", 42.27756, -83.74088),
    ("Baltimore", "Maryland", "21287", "United States", 39.29038, -76.61219),
    ("Washington", "District of Columbia", "20010", "United States", 38.89511, -77.03637),
    ("Paris", None, "75015", "France", 48.85341, 2.3488),
    ("Villejuif", None, "94805", "France", 48.7919, 2.36339),
    ("Lyon", None, "69008", "France", 45.74846, 4.84671),
    ("Berlin", None, "13353", "Germany", 52.52437, 13.41053),
    ("Essen", None, "45147", "Germany", 51.45657, 7.01228),
    ("Munich", None, "80337", "Germany", 48.13743, 11.57549),
    ("Amsterdam", None, "1105 AZ", "Netherlands", 52.37403, 4.88969),
    ("Utrecht", None, "3584 CS", "Netherlands", 52.09083, 5.12222),
    ("Milan", None, "20133", "Italy", 45.46427, 9.18951),
    ("Genova", None, "16147", "Italy", 44.40478, 8.93386),
    ("Rome", None, "00165", "Italy", 41.89193, 12.51133),
    ("Madrid", None, "28009", "Spain", 40.4165, -3.70256),
    ("Barcelona", None, "08950", "Spain", 41.38879, 2.15899),
    ("Vienna", None, "1090", "Austria", 48.20849, 16.37208),
    ("Copenhagen", None, "2100", "Denmark", 55.67594, 12.56553),
    ("Stockholm", None, "171 76", "Sweden", 59.32938, 18.06871),
    ("Brussels", None, "1200", "Belgium", 50.85045, 4.34878),
    ("Dublin", None, "D12 N512", "Ireland", 53.33306, -6.24889),
)
FACILITY_KINDS = (
    "{city} Children's Hospital",
    "University Hospital {city}",
    "{city} Cancer Centre",
    "Royal {city} Infirmary",
    "{city} Medical Center",
    "Clinical Research Unit, {city}",
)

NEUROBLASTOMA = (
    "Neuroblastoma",
    "Recurrent Neuroblastoma",
    "Refractory Neuroblastoma",
    "High Risk Neuroblastoma",
    "Ganglioneuroblastoma",
)
PEDIATRIC_CANCERS = (
    "Ewing Sarcoma",
    "Osteosarcoma",
    "Rhabdomyosarcoma",
    "Wilms Tumor",
    "Medulloblastoma",
    "Diffuse Intrinsic Pontine Glioma",
    "Ependymoma",
    "Hepatoblastoma",
    "Retinoblastoma",
    "Acute Lymphoblastic Leukemia",
    "Acute Myeloid Leukemia",
    "Hodgkin Lymphoma",
    "Germ Cell Tumor",
    "Low Grade Glioma",
)
OTHER_CONDITIONS = (
    "Breast Cancer",
    "Non-small Cell Lung Cancer",
    "Melanoma",
    "Type 2 Diabetes",
    "Asthma",
    "Heart Failure",
    "Depression",
    "Chronic Obstructive Pulmonary Disease",
    "HIV Infections",
    "Rheumatoid Arthritis",
    "Hypertension",
    "Obesity",
    "Crohn Disease",
    "Multiple Sclerosis",
    "Sickle Cell Disease",
    "Cystic Fibrosis",
    "Epilepsy",
    "Migraine",
)
PEDIATRIC_DRUGS = (
    "Dinutuximab",
    "Naxitamab",
    "Topotecan",
    "Irinotecan",
    "Temozolomide",
    "Cyclophosphamide",
    "Crizotinib",
    "Lorlatinib",
    "Eflornithine",
    "Isotretinoin",
    "131I-MIBG",
    "Lutetium Lu 177 Dotatate",
    "Vincristine",
    "Bevacizumab",
    "Nivolumab",
    "Sirolimus",
    "Busulfan",
    "Melphalan",
)
OTHER_DRUGS = (
    "Pembrolizumab",
    "Metformin",
    "Semaglutide",
    "Placebo",
    "Dupilumab",
    "Adalimumab",
    "Atorvastatin",
    "Sertraline",
    "Dapagliflozin",
    "Tocilizumab",
    "Cognitive behavioural therapy",
    "Exercise programme",
)
TITLE_PATTERNS = (
    "{drug} in {population} With {condition}",
    "{drug} and {drug2} for {adjective} {condition}",
    "A Study of {drug} in {population} With {adjective} {condition}",
    "Testing {drug} With or Without {drug2} in {condition}",
    "{drug} Versus {drug2} in {condition}: A Randomised Trial",
    "Safety and Tolerability of {drug} in {population} With {condition}",
)
POPULATIONS_CHILD = ("Children", "Children and Young Adults", "Pediatric Patients", "Adolescents")
POPULATIONS_ADULT = ("Adults", "Older Adults", "Patients", "Participants")
ADJECTIVES = ("Relapsed", "Refractory", "Relapsed or Refractory", "Newly Diagnosed", "High-Risk", "Recurrent")
STATUSES = (
    ("RECRUITING", 35),
    ("NOT_YET_RECRUITING", 8),
    ("ACTIVE_NOT_RECRUITING", 12),
    ("COMPLETED", 25),
    ("TERMINATED", 6),
    ("WITHDRAWN", 3),
    ("ENROLLING_BY_INVITATION", 3),
    ("SUSPENDED", 1),
    ("UNKNOWN", 7),
)
PHASES = (
    ((), 12),
    (("EARLY_PHASE1",), 3),
    (("PHASE1",), 18),
    (("PHASE1", "PHASE2"), 12),
    (("PHASE2",), 25),
    (("PHASE2", "PHASE3"), 4),
    (("PHASE3",), 14),
    (("PHASE4",), 4),
    (("NA",), 8),
)
SITE_STATUS_FOR = {
    "RECRUITING": ("RECRUITING", "RECRUITING", "RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING"),
    "NOT_YET_RECRUITING": ("NOT_YET_RECRUITING",),
    "ENROLLING_BY_INVITATION": ("ENROLLING_BY_INVITATION",),
}
_BULLET = re.compile(r"^\s*(?:[*\-•·]|\d{1,2}[.)]|[a-z][.)])\s+")
_HEADING = re.compile(r"^\s*(inclusion|exclusion)\s+criteria\s*:?\s*$", re.IGNORECASE)


def nct_id(index: int) -> str:
    """The synthetic id of study `index`: NCT9 + 7 digits, a bijection on 0..9,999,999 (not in file order)."""
    return f"NCT9{(index * 7919 + 12345) % 10_000_000:07d}"


@dataclass(frozen=True)
class Templates:
    records: tuple[str, ...]  # protocolSection JSON, serialised (json.loads is faster than deepcopy)
    titles: tuple[str, ...]
    summaries: tuple[str, ...]
    inclusion: tuple[str, ...]  # one criterion item each, nested lines included
    exclusion: tuple[str, ...]
    whole_texts: tuple[str, ...]
    neuroblastoma_texts: tuple[str, ...]


def _split_items(text: str) -> tuple[list[str], list[str]]:
    """Split criteria text into top-level items (with their nested lines) under inclusion / exclusion."""
    sections: dict[str, list[list[str]]] = {"inclusion": [], "exclusion": []}
    current = "inclusion"
    base_indent: int | None = None
    for raw in text.splitlines():
        if not raw.strip():
            continue
        heading = _HEADING.match(raw)
        if heading:
            current = heading.group(1).lower()
            base_indent = None
            continue
        indent = len(raw) - len(raw.lstrip())
        if base_indent is None:
            base_indent = indent
        items = sections[current]
        body = _BULLET.sub("", raw).strip()
        if indent > base_indent and items:
            items[-1].append(f"  * {body}")
        else:
            items.append([body])
    return (
        ["\n".join(item) for item in sections["inclusion"] if len(item[0]) > 3],
        ["\n".join(item) for item in sections["exclusion"] if len(item[0]) > 3],
    )


@cache
def load_templates() -> Templates:
    records, titles, summaries, whole, neuro = [], [], [], [], []
    inclusion: list[str] = []
    exclusion: list[str] = []
    sample_files = sorted(SAMPLES_DIR.glob("*.json")) + sorted(BUNDLED_DIR.glob("NCT*.json"))
    for path in sample_files:
        data = json.loads(path.read_text(encoding="utf-8"))
        if "protocolSection" not in data:
            continue
        protocol = data["protocolSection"]
        records.append(json.dumps(protocol))
        titles.append(protocol.get("identificationModule", {}).get("briefTitle", ""))
        summary = protocol.get("descriptionModule", {}).get("briefSummary")
        if summary:
            summaries.append(summary)
        text = protocol.get("eligibilityModule", {}).get("eligibilityCriteria")
        if text:
            whole.append(text)
            if path.parent == BUNDLED_DIR:
                neuro.append(text)
            inc, exc = _split_items(text)
            inclusion += inc
            exclusion += exc
    for path in sorted(LCT_DIR.glob("NCT*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        whole.append(text)
        inc, exc = _split_items(text)
        inclusion += inc
        exclusion += exc
    return Templates(
        tuple(records),
        tuple(t for t in titles if t),
        tuple(summaries),
        tuple(inclusion),
        tuple(exclusion),
        tuple(whole),
        tuple(neuro),
    )


def _weighted(rng: random.Random, table: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([value for value, _ in table], weights=[weight for _, weight in table])[0]


def _study_rng(index: int, seed: int) -> random.Random:
    return random.Random(seed * 1_000_003 + index)


def _condition_pool(draw: float) -> tuple[str, ...]:
    if draw < 0.15:
        return NEUROBLASTOMA
    if draw < 0.40:
        return PEDIATRIC_CANCERS
    return OTHER_CONDITIONS


def _criteria_text(rng: random.Random, t: Templates, neuroblastoma: bool) -> str:
    if neuroblastoma and rng.random() < 0.5:
        return rng.choice(t.neuroblastoma_texts)
    if rng.random() < 0.3:
        return rng.choice(t.whole_texts)
    inc = rng.sample(t.inclusion, rng.randint(3, 14))
    exc = rng.sample(t.exclusion, rng.randint(2, 10))
    return (
        "Inclusion Criteria:\n\n"
        + "\n".join(f"* {item}" for item in inc)
        + "\n\nExclusion Criteria:\n\n"
        + "\n".join(f"* {item}" for item in exc)
    )


def _ages(rng: random.Random, child: bool) -> tuple[str | None, str | None, list[str]]:
    if child:
        low = rng.choice(("6 Months", "12 Months", "1 Year", "2 Years", "3 Years", None))
        high = rng.choice(("18 Years", "21 Years", "25 Years", "30 Years", "39 Years", None))
        return low, high, ["CHILD", "ADULT"] if high != "18 Years" else ["CHILD"]
    low = rng.choice(("18 Years", "18 Years", "16 Years", "40 Years"))
    high = rng.choice((None, None, "65 Years", "75 Years", "80 Years"))
    return low, high, ["ADULT", "OLDER_ADULT"]


def _locations(rng: random.Random, status: str) -> list[dict[str, object]]:
    count = rng.choices((0, 1, 2, 3, 5, 8, 15, 30), weights=(10, 25, 15, 15, 12, 10, 8, 5))[0]
    site_statuses = SITE_STATUS_FOR.get(status)
    out: list[dict[str, object]] = []
    for city, state, zip_code, country, lat, lon in rng.sample(CITIES, min(count, len(CITIES))):
        site: dict[str, object] = {"facility": rng.choice(FACILITY_KINDS).format(city=city)}
        if site_statuses:
            site["status"] = rng.choice(site_statuses)
        site["city"] = city
        if state:
            site["state"] = state
        if zip_code:
            site["zip"] = zip_code
        site["country"] = country
        # Sites of one city spread over a few km, as real hospitals do.
        jitter_lat, jitter_lon = rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)
        site["geoPoint"] = {"lat": round(lat + jitter_lat, 5), "lon": round(lon + jitter_lon, 5)}
        out.append(site)
    return out


def make_study(index: int, seed: int = 0) -> dict[str, object]:
    """Study `index` of the corpus for `seed`: a dict in API v2 shape ({"protocolSection": ..., ...})."""
    t = load_templates()
    rng = _study_rng(index, seed)
    pool = _condition_pool(rng.random())
    condition = rng.choice(pool)
    child = pool is not OTHER_CONDITIONS or rng.random() < 0.1
    neuroblastoma = pool is NEUROBLASTOMA
    protocol = json.loads(rng.choice(t.records))
    ident = protocol.setdefault("identificationModule", {})
    identifier = nct_id(index)
    ident["nctId"] = identifier
    ident["orgStudyIdInfo"] = {"id": f"BENCH-{seed}-{index}"}

    drugs = PEDIATRIC_DRUGS if pool is not OTHER_CONDITIONS else OTHER_DRUGS
    drug, drug2 = rng.sample(drugs, 2)
    conditions = [condition, *rng.sample(pool, rng.randint(0, 2))]
    conditions = list(dict.fromkeys(conditions))
    if rng.random() < 0.25:
        # Perturb a real title: its own words, shuffled tail, with our condition.
        words = rng.choice(t.titles).split()
        head, tail = words[: len(words) // 2], words[len(words) // 2 :]
        rng.shuffle(tail)
        title = " ".join([*head, *tail, "in", condition])
    else:
        title = rng.choice(TITLE_PATTERNS).format(
            drug=drug,
            drug2=drug2,
            condition=condition,
            adjective=rng.choice(ADJECTIVES),
            population=rng.choice(POPULATIONS_CHILD if child else POPULATIONS_ADULT),
        )
    ident["briefTitle"] = title
    ident["officialTitle"] = f"{title} ({rng.choice(('A Phase', 'An Open-label', 'A Multicentre'))} Study)"

    status = str(_weighted(rng, STATUSES))
    updated = f"{rng.randint(2008, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    status_module = protocol.setdefault("statusModule", {})
    status_module["overallStatus"] = status
    status_module["lastUpdatePostDateStruct"] = {"date": updated, "type": "ACTUAL"}
    status_module["lastUpdateSubmitDate"] = updated
    status_module["startDateStruct"] = {"date": f"{int(updated[:4]) - rng.randint(0, 6)}-{updated[5:7]}"}

    phases = list(_weighted(rng, PHASES))  # type: ignore[call-overload]
    design = protocol.setdefault("designModule", {})
    design["studyType"] = "INTERVENTIONAL" if phases != [] or rng.random() < 0.3 else "OBSERVATIONAL"
    if phases:
        design["phases"] = phases
    else:
        design.pop("phases", None)

    protocol["conditionsModule"] = {
        "conditions": conditions,
        "keywords": rng.sample((*pool, drug, drug2, "relapse", "children", "quality of life"), 3),
    }
    kind = "DRUG" if drug not in ("Cognitive behavioural therapy", "Exercise programme", "Placebo") else "BEHAVIORAL"
    protocol["armsInterventionsModule"] = {
        "interventions": [
            {"type": kind, "name": drug, "description": f"Given {rng.choice(('IV', 'PO', 'SC'))}"},
            {"type": "DRUG", "name": drug2},
        ]
    }
    real_summary = rng.choice(t.summaries) if t.summaries else ""
    protocol["descriptionModule"] = {
        "briefSummary": f"This trial studies {drug.lower()} and {drug2.lower()} in patients with "
        f"{condition.lower()}. {real_summary[: rng.randint(200, 1200)]}"
    }

    low, high, std_ages = _ages(rng, child)
    eligibility: dict[str, object] = {
        "eligibilityCriteria": _criteria_text(rng, t, neuroblastoma),
        "healthyVolunteers": False,
        "sex": rng.choices(("ALL", "FEMALE", "MALE"), weights=(90, 7, 3))[0],
        "stdAges": std_ages,
    }
    if low:
        eligibility["minimumAge"] = low
    if high:
        eligibility["maximumAge"] = high
    protocol["eligibilityModule"] = eligibility

    contacts = protocol.setdefault("contactsLocationsModule", {})
    locations = _locations(rng, status)
    if locations:
        contacts["locations"] = locations
    else:
        contacts.pop("locations", None)

    derived = {"conditionBrowseModule": {"meshes": [{"id": f"D{rng.randint(1, 99999):06d}", "term": condition}]}}
    return {"protocolSection": protocol, "derivedSection": derived, "hasResults": False}


def iter_studies(count: int, seed: int = 0) -> Iterator[dict[str, object]]:
    for index in range(count):
        yield make_study(index, seed)


def write_jsonl(path: Path, count: int, seed: int = 0) -> int:
    """Write `count` studies, one JSON object a line; returns bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for study in iter_studies(count, seed):
            line = json.dumps(study, ensure_ascii=False, separators=(",", ":")) + "\n"
            out.write(line)
            written += len(line)
    return written


def write_zip(path: Path, count: int, seed: int = 0) -> int:
    """Write a bulk-download style zip: one NCTxxxxxxxx.json member per study (as ctg-studies.json.zip)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for study in iter_studies(count, seed):
            name = study["protocolSection"]["identificationModule"]["nctId"]  # type: ignore[index]
            archive.writestr(f"{name}.json", json.dumps(study, ensure_ascii=False, indent=2))
    return path.stat().st_size


def ensure_corpus(path: Path, count: int, seed: int = 0) -> Path:
    """The corpus file for (count, seed), written once and reused (a marker file records what it holds)."""
    marker = path.with_suffix(path.suffix + ".meta")
    wanted = json.dumps({"count": count, "seed": seed, "format": path.suffix})
    if path.exists() and marker.exists() and marker.read_text() == wanted:
        return path
    started = time.perf_counter()
    writer = write_zip if path.suffix == ".zip" else write_jsonl
    size = writer(path, count, seed)
    print(
        f"corpus: wrote {count:,} studies to {path} ({size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    marker.write_text(wanted)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/eligo-bench/corpus.jsonl"))
    parser.add_argument("--format", choices=("jsonl", "zip"), default=None, help="default: from the --out suffix")
    args = parser.parse_args()
    out = args.out
    if args.format == "zip" and out.suffix != ".zip":
        out = out.with_suffix(".zip")
    ensure_corpus(out, args.count, args.seed)


if __name__ == "__main__":
    main()
