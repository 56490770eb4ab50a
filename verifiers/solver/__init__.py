"""Z3 encoders and the proof session. Imported only by generators (and tests), never by consumers."""
