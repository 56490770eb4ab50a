"""Seating arrangements, consumer side: spec model, answer words, claim checker."""

from ..family import FamilyInfo
from .process import process_checker
from .spec import SeatingSpec
from .vocab import SYNONYMS

INFO = FamilyInfo(name="seating", spec_model=SeatingSpec, synonyms=SYNONYMS, claims=process_checker)
