"""roundtable/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

Each area keeps its rows, fuzz entries and scoped object names in its own module (matrix_<area>.py);
this module joins them. The objects are built by roundtable/tests/factories.py (world_<area>.py)."""

from . import (
    matrix_followup,
    matrix_meetings,
    matrix_moderation,
    matrix_participants,
    matrix_topics,
)

AREAS = (matrix_meetings, matrix_participants, matrix_topics, matrix_followup, matrix_moderation)

MATRIX: dict = {}
FUZZ: dict = {}
SCOPED: set = set()
for area in AREAS:
    assert not set(area.MATRIX) & set(MATRIX), f"{area.__name__} repeats rows"
    MATRIX.update(area.MATRIX)
    FUZZ.update(area.FUZZ)
    SCOPED |= set(getattr(area, "SCOPED", ()))
