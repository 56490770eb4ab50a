"""Answer words of the seating family: surface forms (lower case) -> canonical facings."""

SYNONYMS: dict[str, str] = {
    # seating: facing directions (canonical north / south / centre / outward) and counts
    "north": "north",
    "facing north": "north",
    "faces north": "north",
    "south": "south",
    "facing south": "south",
    "faces south": "south",
    "centre": "centre",
    "center": "centre",
    "the center": "centre",
    "the centre": "centre",
    "inward": "centre",
    "inwards": "centre",
    "facing the centre": "centre",
    "facing the center": "centre",
    "towards the centre": "centre",
    "toward the center": "centre",
    "outward": "outward",
    "outwards": "outward",
    "facing outward": "outward",
    "facing outwards": "outward",
    "away from the centre": "outward",
    "away from the center": "outward",
}
