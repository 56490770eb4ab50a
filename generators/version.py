"""The generator version: recorded in every row and in build_info.json."""

GENERATOR_VERSION = "0.1.0"
