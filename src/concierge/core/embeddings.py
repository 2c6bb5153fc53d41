"""Static word embeddings (wordllama), loaded once per process for every app that needs them (the
bot's answers engine, the reply coach). The model's weights ship inside wordllama's wheel: it is read
from the installed package with downloading turned off, so nothing is fetched at run time."""

import logging
from functools import cache
from pathlib import Path


@cache
def word_embeddings():
    """wordllama's model; its loader looks for the tokenizer in the cache directory, so the package's
    own folder is given as that."""
    wordllama, WordLlama = _import_wordllama()
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def _import_wordllama():
    """wordllama configures the root logger when imported (logging.basicConfig); the project's logging
    is the project's, so whatever that import added to the root logger is taken back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import wordllama
    from wordllama import WordLlama

    root.handlers[:] = handlers
    root.setLevel(level)
    return wordllama, WordLlama
