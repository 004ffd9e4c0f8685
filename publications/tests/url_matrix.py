"""publications/ in the URL × persona matrix (tests/url_matrix.py explains the notation).

Each area keeps its rows, its fuzz entries and the names of the scoped objects its URLs open in its
own module (matrix_<area>.py); this module joins them. The objects are built by
publications/tests/factories.py (world_<area>.py)."""

from . import matrix_delivery, matrix_public, matrix_staff

AREAS = (matrix_staff, matrix_delivery, matrix_public)

MATRIX: dict = {}
FUZZ: dict = {}
# Objects fetched through visible_to(user): tests/test_url_matrix.py audits their 404s.
SCOPED: set = set()
for area in AREAS:
    assert not set(area.MATRIX) & set(MATRIX), f"{area.__name__} repeats rows"
    MATRIX.update(area.MATRIX)
    FUZZ.update(area.FUZZ)
    SCOPED |= set(getattr(area, "SCOPED", ()))
