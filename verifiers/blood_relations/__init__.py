"""Blood relations, consumer side: spec model, relation words, process facts."""

from ..family import FamilyInfo
from .relations import synonyms
from .spec import BloodRelationsSpec, process_facts

INFO = FamilyInfo(
    name="blood_relations",
    spec_model=BloodRelationsSpec,
    synonyms=synonyms(),
    facts=process_facts,
)
