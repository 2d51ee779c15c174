"""Where the tests' own registry samples live (tests/data), and how many each folder holds.

Everything a test reads comes from inside the repository, so a bare clone passes its tests; a
missing or emptied folder raises at once instead of turning a parametrised test into a skip.
"""

from __future__ import annotations

from pathlib import Path

TEST_DATA = Path(__file__).resolve().parents[1] / "data"
CTGOV_SAMPLES = TEST_DATA / "ctgov-samples"
V2_JSON = CTGOV_SAMPLES / "v2-json"
LEGACY_XML = CTGOV_SAMPLES / "legacy-xml"
TREC_XML = CTGOV_SAMPLES / "trec2022-legacy-xml"
LCT_CRITERIA = TEST_DATA / "lct-criteria"

# What tests/data/README.md lists; a test checks the folders still hold exactly these many.
SAMPLE_COUNTS = {V2_JSON: 16, LEGACY_XML: 15, TREC_XML: 11, LCT_CRITERIA: 124}


class MissingTestData(RuntimeError):
    """A file or folder the tests ship with is not there: the checkout is incomplete."""


def data_dir(path: Path = TEST_DATA) -> Path:
    """`path` (a folder under tests/data), checked to exist."""
    if not path.is_dir():
        raise MissingTestData(f"test data folder is missing: {path} (it is part of the repository)")
    return path


def sample_files(folder: Path, pattern: str) -> list[Path]:
    """The files of `folder` matching `pattern`, in name order; at least one, or MissingTestData."""
    found = sorted(data_dir(folder).glob(pattern))
    if not found:
        raise MissingTestData(f"no {pattern} files in {folder} (they are part of the repository)")
    return found
