"""Static files as production serves them (WhiteNoise, hashed names, compressed), with each
name's URL looked up once per process: the manifest does not change while the process runs, and
every page asks for the same half-dozen URLs."""

from functools import lru_cache

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._url_of = lru_cache(maxsize=512)(super().url)

    def url(self, name, force=False):
        return super().url(name, force) if force else self._url_of(name)
