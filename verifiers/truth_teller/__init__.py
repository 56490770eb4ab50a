"""Truth-tellers and liars, consumer side: spec models, answer words, process facts."""

from ..family import FamilyInfo
from .process import facts
from .seating_claims import SeatingClaimsSpec
from .spec import TruthTellerSpec
from .vocab import SYNONYMS

INFO = FamilyInfo(
    name="truth_teller",
    spec_model=TruthTellerSpec,
    variant_specs={"seating_claims": SeatingClaimsSpec},
    synonyms=SYNONYMS,
    facts=facts,
)
