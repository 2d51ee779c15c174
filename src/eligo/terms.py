"""The words criteria and profiles share, each written once: comparators, radiation fields, disease sites.

Rules, extractors and the child's profile all import them from here, and the tuples are derived
from the Literals, so a word added in one place is known everywhere. The profile depends on the
criteria's vocabulary (this module, lab units) and never the other way round.
"""

from __future__ import annotations

from typing import Literal, get_args

Comparator = Literal[">=", ">", "<=", "<"]
COMPARATORS: tuple[Comparator, ...] = get_args(Comparator)

# Radiation fields as the trials name them; washout rules and the profile's radiation use the same words.
RadiationField = Literal[
    "small_port",
    "large_field",
    "substantial_marrow",
    "craniospinal",
    "total_body",
    "whole_abdominal",
    "whole_lung",
    "other",
]
RADIATION_FIELDS: tuple[RadiationField, ...] = get_args(RadiationField)

# Where disease can be, as rules name it; each is also a yes / no / unknown flag of the profile's `DiseaseSites`.
DiseaseSite = Literal["bone", "bone_marrow", "soft_tissue", "mibg_avid", "fdg_pet_avid", "outside_bone_and_marrow"]
DISEASE_SITES: tuple[DiseaseSite, ...] = get_args(DiseaseSite)

__all__ = ["COMPARATORS", "DISEASE_SITES", "RADIATION_FIELDS", "Comparator", "DiseaseSite", "RadiationField"]
